"""The one check that CI runs verbatim (through `make test`): lint, types, tests.

Stops at the first failing step and exits with its code.
"""

from __future__ import annotations

import os
import subprocess
import sys

CODE = ["src", "tests", "bench", "scripts"]
STEPS: list[tuple[str, list[str]]] = [
    ("ruff", [sys.executable, "-m", "ruff", "check", *CODE]),
    ("format", [sys.executable, "-m", "ruff", "format", "--check", *CODE]),
    ("mypy", [sys.executable, "-m", "mypy"]),
    # .importlinter: packages depend downwards only, no cycles, no SQL in pages or routes
    ("import-linter", [os.path.join(os.path.dirname(sys.executable), "lint-imports")]),
    (
        "pytest",
        [
            *(sys.executable, "-m", "pytest", "-n", os.environ.get("FIRELINE_TEST_WORKERS", "2")),
            "--durations=40",  # the slowest tests, in the CI log, to keep the suite fast
            "--cov",
            "--cov-report=",  # measured here, reported by the next step
        ],
    ),
    # Line and branch coverage of src/fireline by the suite (in-process code only: the
    # commands and servers that tests start as subprocesses are not counted).
    ("coverage", [sys.executable, "-m", "coverage", "report", "--format=total"]),
]


def main() -> int:
    for name, command in STEPS:
        print(f"== {name}", flush=True)
        code = subprocess.call(command)
        if code != 0:
            print(f"== {name} failed (exit {code})", flush=True)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
