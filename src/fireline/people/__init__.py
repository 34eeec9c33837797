"""Persons: the people cases, contacts and samples are about."""
