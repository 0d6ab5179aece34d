"""Findings: what the rules conclude from a scan, with evidence and legal grounds."""
