"""The append-only audit trail. Imports no domain package."""
