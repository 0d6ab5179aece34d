"""The names of what a scan writes into its output folder, shared by the scan, the resume
and the evidence manifest (which leaves a scan's working state out)."""

SCAN_FILE = "scan.json"
JOURNAL_FILE = "scan.pages.jsonl"
"""The page journal: one line per visited page, while the scan runs."""
STATE_DIR = ".scan-state"
"""A running (or interrupted) scan's state: its run description, frontier log, profile."""
RUN_FILE = "run.json"

WORKING_STATE = (JOURNAL_FILE, STATE_DIR)
"""Kept only while a scan can still be resumed: never evidence."""
