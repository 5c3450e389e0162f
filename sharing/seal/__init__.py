"""The City's seal: the signature page, the PAdES seal with its certificate, and its check."""
