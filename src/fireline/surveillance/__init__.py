"""Surveillance and early warning: case reports in, signals and alerts out."""
