"""The vendor portal: what a vendor user sees of their own organisation."""
