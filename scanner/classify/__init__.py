"""Classification: parties, vendors and personal data in what the browser sent."""
