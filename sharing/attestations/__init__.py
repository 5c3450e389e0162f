"""Attestation requests, questionnaires, answers, evidence files and their review."""
