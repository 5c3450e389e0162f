"""The hostile-input suite: generated hostile files, hostile form values, production settings."""
