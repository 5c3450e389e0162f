"""Shared foundations: declarative base, clock, pagination, database engine set-up."""
