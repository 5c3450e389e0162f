"""Signing in the portal: the vendor's signature, the City's countersignature, their record."""
