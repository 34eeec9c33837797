"""One small outbreak per test module: simulating is pure, so sharing it is safe."""

from __future__ import annotations

from datetime import date

import pytest

from fireline.simulate import Outbreak, simulate
from tests.simulate.trees import province

START = date(2026, 3, 1)


@pytest.fixture(scope="module")
def outbreak() -> Outbreak:
    return simulate(province(), 800, seed=11, start=START, seed_county="330102")
