"""Outgoing mail: the Notification outbox and SMTP delivery."""
