"""The audit report: its contents, pictures and rendering to HTML and PDF."""
