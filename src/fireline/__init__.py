"""Fireline: outbreak response for public health departments."""

__version__ = "0.1.0"
