"""The benchmark registry: every module in ``bench/benchmarks/`` that has a ``NAME``."""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

SCALES = ("small", "full")


@dataclass
class Measurement:
    """A figure and its baseline, both in seconds, measured in the same run."""

    figure_s: float
    baseline: str  # what the baseline does, in a few words
    baseline_s: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, name: str, scale: str) -> dict[str, Any]:
        return {
            "name": name,
            "scale": scale,
            "figure_s": round(self.figure_s, 3),
            "baseline": self.baseline,
            "baseline_s": round(self.baseline_s, 3),
            "ratio": round(self.figure_s / self.baseline_s, 2) if self.baseline_s else None,
            **self.detail,
        }


def timed(work: Callable[[], object]) -> float:
    """Wall-clock seconds of one call (perf_counter)."""
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


HARNESS = frozenset({"__main__", "registry", "machine", "benchmarks"})


def discover() -> dict[str, ModuleType]:
    """Modules in ``bench/benchmarks/`` (and in ``bench/`` itself) with ``NAME`` and ``run``."""
    import bench
    from bench import benchmarks

    found: dict[str, ModuleType] = {}
    for package in (benchmarks, bench):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in HARNESS:
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "NAME") and hasattr(module, "run"):
                found[module.NAME] = module
    return found
