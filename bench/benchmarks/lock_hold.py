"""The longest time a ``fireline cases import`` holds SQLite's write lock (issue #12, section 2).

Each write transaction is timed from its ``BEGIN IMMEDIATE`` to its ``COMMIT`` or
``ROLLBACK`` (SQLAlchemy engine events ``begin``, ``commit`` and ``rollback``), in
the process that runs the command, on a fresh SQLite file holding the bundled
province; reading transactions (``db.engine.READ_ONLY``: they take no lock) are left
out. The figure is the longest hold; the baseline the whole command.
``python -m bench lock-hold [--scale small]`` or ``python -m bench.benchmarks.lock_hold``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from bench.benchmarks.import_cases import fresh_database, generate, write_csv
from bench.registry import Measurement

NAME = "lock-hold"
DESCRIPTION = "longest write-lock hold of a 20,000-row `fireline cases import` on SQLite"
SCALES = {"small": 5_000, "full": 20_000}
COUNTIES = ["330102", "330105", "330106"]


class Holds:
    """Seconds between the begin and the end of every write transaction."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._began: dict[int, float] = {}

    def begin(self, connection: Any) -> None:
        from fireline.db.engine import READ_ONLY

        if not connection.get_execution_options().get(READ_ONLY):
            self._began[id(connection)] = time.perf_counter()

    def end(self, connection: Any) -> None:
        began = self._began.pop(id(connection), None)
        if began is not None:
            self.seconds.append(time.perf_counter() - began)


@contextmanager
def timed_holds() -> Iterator[Holds]:
    """Every engine's write transactions, timed while the block runs."""
    holds = Holds()
    listeners = (("begin", holds.begin), ("commit", holds.end), ("rollback", holds.end))
    for name, listener in listeners:
        event.listen(Engine, name, listener)
    try:
        yield holds
    finally:
        for name, listener in listeners:
            event.remove(Engine, name, listener)


def measure(rows: int, folder: Path) -> dict[str, Any]:
    from fireline.cli import build

    csv = folder / f"import_{rows}.csv"
    write_csv(generate(rows, COUNTIES), csv)
    with fresh_database("sqlite", folder) as engine:
        url = str(engine.url)
    os.environ["FIRELINE_DATABASE_URL"] = url
    began = time.perf_counter()
    with timed_holds() as holds:
        try:
            build("cases")(
                ["cases", "import", str(csv), "--disease", "covid19"], standalone_mode=False
            )
        finally:
            command_s = time.perf_counter() - began
    return {
        "rows": rows,
        "command_s": round(command_s, 2),
        "write_transactions": len(holds.seconds),
        "longest_hold_s": round(max(holds.seconds, default=0.0), 3),
        "holds_s": [round(s, 3) for s in sorted(holds.seconds, reverse=True)[:10]],
    }


def run(scale: str) -> Measurement:
    with tempfile.TemporaryDirectory() as folder:
        result = measure(SCALES[scale], Path(folder))
    return Measurement(
        result["longest_hold_s"], "the whole import command", result["command_s"], result
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=tuple(SCALES), default="full")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(measure(SCALES[args.scale], Path(folder))), flush=True)


if __name__ == "__main__":
    main()
