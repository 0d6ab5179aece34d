"""Other formats the scanner's findings can be written in (e.g. SARIF)."""
