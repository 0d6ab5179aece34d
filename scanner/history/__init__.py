"""The audit history: every audit recorded in a database, and the differences between audits.

An audit is kept as a :class:`~scanner.history.snapshot.AuditSnapshot`: per consent state,
the vendors, cookies and findings it saw, each under a stable identity so that the same
thing in two audits is the same row. :mod:`~scanner.history.store` keeps snapshots in
SQLite or PostgreSQL; :mod:`~scanner.history.diff` compares two of them.
"""
