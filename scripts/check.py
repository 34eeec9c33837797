"""The one check that CI runs verbatim (through `make test`): lint, types, tests.

Stops at the first failing step and exits with its code. With ``--coverage`` (`make
coverage`) the suite also measures line and branch coverage: tracing every line of
fireline's code under 2,000 tests made the run 36 minutes on 2 cores instead of 9,
against `make test`'s budget of 15, so the figure is measured on demand.
"""

from __future__ import annotations

import os
import subprocess
import sys

CODE = ["src", "tests", "bench", "scripts"]
PYTEST = [
    *(sys.executable, "-m", "pytest", "-n", os.environ.get("FIRELINE_TEST_WORKERS", "2")),
    "--durations=40",  # the slowest tests, in the CI log, to keep the suite fast
]
STEPS: list[tuple[str, list[str]]] = [
    ("ruff", [sys.executable, "-m", "ruff", "check", *CODE]),
    ("format", [sys.executable, "-m", "ruff", "format", "--check", *CODE]),
    ("mypy", [sys.executable, "-m", "mypy"]),
    # .importlinter: packages depend downwards only, no cycles, no SQL in pages or routes
    ("import-linter", [os.path.join(os.path.dirname(sys.executable), "lint-imports")]),
    ("pytest", PYTEST),
]
# Line and branch coverage of src/fireline by the suite (in-process code only: the
# commands and servers that tests start as subprocesses are not counted).
COVERAGE_STEPS: list[tuple[str, list[str]]] = [
    ("pytest", [*PYTEST, "--cov", "--cov-report="]),
    ("coverage", [sys.executable, "-m", "coverage", "report", "--format=total"]),
]


def main(argv: list[str]) -> int:
    steps = STEPS[:-1] + COVERAGE_STEPS if argv == ["--coverage"] else STEPS
    if argv not in ([], ["--coverage"]):
        print("usage: check.py [--coverage]", file=sys.stderr)
        return 2
    for name, command in steps:
        print(f"== {name}", flush=True)
        code = subprocess.call(command)
        if code != 0:
            print(f"== {name} failed (exit {code})", flush=True)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
