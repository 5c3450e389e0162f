"""The disclosure log and the incident register."""
