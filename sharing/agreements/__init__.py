"""Agreement templates, generation and the agreement lifecycle."""
