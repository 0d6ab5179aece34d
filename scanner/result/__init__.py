"""The scan result: one record per visited URL, written as scan.json."""
