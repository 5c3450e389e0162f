"""Negotiating a returned agreement: the vendor's changes compared clause by clause and decided."""
