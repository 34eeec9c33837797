"""Figures that are slow to compute at a wave's scale, remembered with the instant they
were computed and refreshed by the worker (issue #17)."""
