"""Alembic migrations of the history database, applied when the history is opened.

A newer scanner upgrades an older database in place; a database written by a newer
scanner (an unknown revision) is refused rather than misread. Each revision is frozen:
it spells out its own tables instead of importing :mod:`scanner.history.tables`.
"""
