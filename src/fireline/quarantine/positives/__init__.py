"""Positive lab results of people under quarantine: the investigator is told, and the
conversion of the quarantine to isolation is proposed for a person to confirm."""
