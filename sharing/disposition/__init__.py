"""The end of a term proved: the disposition directive and the vendor's certificate."""
