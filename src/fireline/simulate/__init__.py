"""Synthetic outbreaks for the demo, tests and benchmarks (NumPy and Arrow only).

``simulate(jurisdictions, cases, seed=...)`` returns an :class:`Outbreak` of Arrow
tables; ``write(outbreak, folder)`` stores them as Parquet or CSV. Nothing here
touches the database or the web (docs/architecture.md, "Interfaces").
"""

from fireline.simulate.files import write
from fireline.simulate.geography import GeographyError
from fireline.simulate.outbreak import TABLES, Outbreak, simulate
from fireline.simulate.params import MAX_CASES, MIN_CASES, DiseaseParams

__all__ = [
    "MAX_CASES",
    "MIN_CASES",
    "TABLES",
    "DiseaseParams",
    "GeographyError",
    "Outbreak",
    "simulate",
    "write",
]
