"""The CPU attribution of a load run: processes grouped by command line, seconds diffed."""

from __future__ import annotations

import time

import pytest
from bench.benchmarks import _cpu


@pytest.mark.parametrize(
    ("command", "group"),
    [
        ("postgres: postgres fireline 127.0.0.1(5544) SELECT", "database"),
        ("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", "database"),
        ("/venv/bin/python -m fireline serve --port 8000 --workers 2", "server"),
        ("/venv/bin/python -c from multiprocessing.spawn import spawn_main", "server"),
        ("/venv/bin/python -m fireline worker", "worker"),
        ("/usr/bin/chromium --headless", "other"),
    ],
)
def test_processes_are_grouped_by_their_command_line(command: str, group: str) -> None:
    assert _cpu._group(command, own_pid=1, pid=2) == group


def test_the_load_generator_is_this_process() -> None:
    assert _cpu._group("/venv/bin/python -m fireline serve", own_pid=7, pid=7) == "load generator"


def test_a_new_process_counts_from_zero_and_an_old_one_by_its_difference() -> None:
    before = {1: ("server", 10.0), 2: ("database", 5.0)}
    after = {1: ("server", 12.5), 2: ("database", 5.0), 3: ("worker", 4.0)}
    assert _cpu.spent(before, after) == {
        "server": 2.5,
        "worker": 4.0,
        "database": 0.0,
        "load generator": 0.0,
        "other": 0.0,
    }


def test_work_done_in_this_process_is_seen() -> None:
    before = _cpu.sample()
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert _cpu.spent(before, _cpu.sample())["load generator"] >= 0.25


def test_the_machine_is_busy_while_this_process_works() -> None:
    busy, _idle = _cpu.machine()
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert _cpu.machine()[0] - busy >= 0.25
