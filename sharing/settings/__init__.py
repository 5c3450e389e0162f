"""The administrators' settings page: how this installation is configured, read-only."""
