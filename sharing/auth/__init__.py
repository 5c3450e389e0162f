"""Accounts, roles, departments, invitations, sign-in and access control."""
