"""Samples, lab messages and results as stored: the facts testing records and other
mechanisms read (quarantine's release rule, response evidence). Taking, ingesting and
screening are :mod:`fireline.testing`."""
