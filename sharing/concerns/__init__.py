"""The public channel for concerns and error reports, and the privacy office's cases."""
