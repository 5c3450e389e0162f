"""Organisations (vendors and partners) and their contacts."""
