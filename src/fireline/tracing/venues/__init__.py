"""Venue check-in logs and the exposures found in them."""
