"""Benchmarks, each timed against a baseline in the same process run.

``python -m bench --list`` names them; ``python -m bench NAME [--scale small|full]``
runs one and prints one JSON line. A benchmark is a module in ``bench/benchmarks/``
with ``NAME``, ``DESCRIPTION`` and ``run(scale) -> Measurement``.
"""
