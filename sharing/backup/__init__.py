"""Backups: a consistent snapshot of the database and the file store, and a checked restore."""
