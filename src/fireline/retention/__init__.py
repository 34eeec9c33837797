"""Retention: identifiers kept no longer than their purpose needs (per disease profile)."""
