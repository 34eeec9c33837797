"""Where the machine's CPU went during a load run: the web server, the worker, the
database, the load generator and everything else, read from Linux's ``/proc``.

A saturated run says little by its latencies alone: this says whose seconds filled the
cores (issue #17 asks what the profile shows when a target is not met). Processes are
told apart by their command line; a process that started or ended within the window
counts what it used inside it as far as ``/proc`` still shows it.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
GROUPS = ("server", "worker", "database", "load generator", "other")


def _group(command: str, own_pid: int, pid: int) -> str:
    if pid == own_pid:
        return "load generator"
    # A backend names itself "postgres: ..."; the postmaster keeps its path, and the CPU
    # of the parallel workers and backends it has reaped is counted in its own.
    if command.startswith("postgres") or command.split(" ", 1)[0].endswith("/postgres"):
        return "database"
    if "fireline" in command and " serve" in command:
        return "server"
    if "fireline" in command and " worker" in command:
        return "worker"
    if "uvicorn" in command or "multiprocessing" in command:
        return "server"  # uvicorn's worker processes are spawned children
    return "other"


def _cpu_seconds(pid_dir: Path) -> float:
    fields = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime and cstime are fields 14-17 of stat(5) (the split starts at
    # field 3). The children's part counts PostgreSQL's parallel workers, which the
    # postmaster reaps after each query, inside its group.
    return sum(int(fields[k]) for k in (11, 12, 13, 14)) / TICKS


def machine() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine so far, from ``/proc/stat``."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return (0.0, 0.0)
    values = [int(v) for v in stat.read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return ((sum(values[:8]) - idle) / TICKS, idle / TICKS)


def sample() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each process, with its group: {} off Linux."""
    proc, own, found = Path("/proc"), os.getpid(), {}
    if not proc.is_dir():
        return {}
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            command = (
                (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
            found[int(pid_dir.name)] = (
                _group(command, own, int(pid_dir.name)),
                _cpu_seconds(pid_dir),
            )
        except (OSError, IndexError, ValueError):
            continue  # the process ended while it was read
    return found


def spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds per group between two samples (a new process counts from zero)."""
    totals = dict.fromkeys(GROUPS, 0.0)
    for pid, (group, seconds) in after.items():
        earlier = before.get(pid)
        totals[group] += seconds - (earlier[1] if earlier else 0.0)
    return {group: round(seconds, 1) for group, seconds in totals.items()}
