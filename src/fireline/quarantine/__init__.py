"""Isolation and quarantine: orders, follow-up, facilities."""
