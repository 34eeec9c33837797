"""Moved to ``bench/benchmarks/response.py`` (the harness convention); this name stays for
the benchmarks that reuse its ``postgres()`` database fixture. Not a benchmark itself."""

from bench.benchmarks.response import postgres

__all__ = ["postgres"]
