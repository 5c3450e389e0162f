"""Negotiation: the vendor's returned copy of an agreement, compared clause by clause, and the
privacy office's decision on each deviation."""
