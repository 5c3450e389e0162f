"""The policy obligation library and its published versions."""
