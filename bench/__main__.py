"""``python -m bench NAME [--scale small|full]`` and ``python -m bench --list``."""

from __future__ import annotations

import argparse
import json
import sys

from bench.machine import describe
from bench.registry import SCALES, discover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", nargs="?", help="the benchmark to run")
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    args = parser.parse_args(argv)
    benchmarks = discover()
    if args.list or not args.name:
        for name, module in sorted(benchmarks.items()):
            print(f"{name}\t{module.DESCRIPTION}")
        return 0
    if args.name not in benchmarks:
        print(f"error: unknown benchmark {args.name!r}; see --list", file=sys.stderr)
        return 2
    measurement = benchmarks[args.name].run(args.scale)
    print(
        json.dumps(
            {**measurement.as_dict(args.name, args.scale), "machine": describe()},
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
