"""The README's "Using it" commands exist, take the options they are shown with, and run.

``--help`` and a parse of each line catch a README that drifts from the CLI (a renamed
option, a newly required one); the last test runs the whole block, in order, against a
fresh SQLite database and checks that each line does what its comment says.
"""

from __future__ import annotations

import csv
import math
import re
import shlex
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer

from fireline.cli import build
from fireline.jurisdictions.importer import bundled_divisions
from fireline.people.validation import check_character
from tests.cli_runner import run

README = Path(__file__).resolve().parents[1] / "README.md"
DATA = Path(__file__).resolve().parent / "data"
BLOCK = re.compile(r"^## Using it\n.*?^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_commands() -> list[list[str]]:
    """Each ``fireline ...`` line of the block as arguments, without the program name."""
    found = BLOCK.search(README.read_text("utf-8"))
    assert found, "README.md has no ```sh block under '## Using it'"
    lines = [shlex.split(line, comments=True) for line in found.group(1).splitlines()]
    return [words[1:] for words in lines if words and Path(words[0]).name == "fireline"]


COMMANDS = readme_commands()


def split(args: list[str]) -> tuple[Any, list[str], list[str]]:
    """(the command, its sub-command path, the rest of the line) of ``args``."""
    # Typer ships its own copy of Click (typer._click), so groups are told apart by
    # what they do, not by Click's public classes.
    command: Any = typer.main.get_command(build())
    path: list[str] = []
    while hasattr(command, "get_command") and args[len(path) :][:1]:
        found = command.get_command(command.context_class(command), args[len(path)])
        if found is None:
            break
        command, path = found, [*path, args[len(path)]]
    return command, path, args[len(path) :]


def test_the_block_is_found_and_names_the_commands_it_shows() -> None:
    assert len(COMMANDS) >= 20
    assert ["cases", "import"] in [args[:2] for args in COMMANDS]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_each_readme_command_exists_and_its_help_lists_its_options(
    args: list[str], tmp_path: Path
) -> None:
    _, path, rest = split(args)
    assert path or args == ["--help"], f"no sub-command in {args}"
    result = run([*path, "--help"], tmp_path / "fireline.db")
    assert result.exit_code == 0, result.output
    used = [word.split("=", 1)[0] for word in rest if word.startswith("-")]
    assert [option for option in used if option not in result.output] == []


@pytest.mark.parametrize("args", [a for a in COMMANDS if "--help" not in a], ids=" ".join)
def test_each_readme_command_gives_every_option_the_cli_requires(args: list[str]) -> None:
    # A required option left out fails the command before it does anything (as
    # `cases import` without --disease did); a prompted one (a password) is asked for.
    command, _, rest = split(args)
    used = {word.split("=", 1)[0] for word in rest}
    missing = [
        param.opts[0]
        for param in command.params
        if param.param_type_name == "option" and param.required and not param.prompt
        if not used & {*param.opts}
    ]
    assert missing == []


# --- Running the block -----------------------------------------------------------------
#
# test_the_block_runs_in_order runs every line of the block, as written and in the
# README's order, in one working directory against one fresh SQLite database, with
# three documented exceptions:
#
# 1. Lines that run until stopped are skipped: `serve`, `worker` without --once or
#    --list, `demo` without --no-serve (see runs_until_stopped). Their own tests start
#    and stop them: tests/test_serve.py, tests/worker, tests/demo/test_cli.py.
# 2. `--cases N` above CASES_CAP runs with CASES_CAP cases (see shrunk): the same
#    command, small enough for the test to take well under a minute on two cores.
# 3. The placeholder files are real files with the README's own names in the working
#    directory, made before the block runs (INPUTS), except check-ins.parquet, which
#    names people and venues by their database ids and codes and is therefore written
#    from the database just before its line (LATE_INPUTS).
#
# Every line that runs must have an entry in CHECKS (keyed by its sub-command) that
# asserts a visible effect: rows stored, lines printed, files written.

CASES_CAP = 300
PASSWORD = "Readme-Runs-2026!"  # answers a prompted password (twice: it asks to confirm)


def runs_until_stopped(args: list[str]) -> bool:
    """Servers, which run until Ctrl-C: not for this test (see the comment above)."""
    options = {word.split("=", 1)[0] for word in args}
    name = args[0] if args else ""
    return (
        name == "serve"
        or (name == "worker" and not options & {"--once", "--list"})
        or (name == "demo" and "--no-serve" not in options)
    )


def shrunk(args: list[str]) -> list[str]:
    """``--cases N`` above CASES_CAP becomes ``--cases CASES_CAP``; the rest as written."""
    return [
        str(CASES_CAP)
        if i and args[i - 1] == "--cases" and word.isdigit() and int(word) > CASES_CAP
        else word
        for i, word in enumerate(args)
    ]


def option(args: list[str], name: str) -> str:
    """The value given to option ``name`` on the line."""
    assert name in args, f"{name} not in {args}"
    return args[args.index(name) + 1]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def output_csv(text: str) -> list[dict[str, str]]:
    """The CSV an ``analyze`` command printed."""
    return list(csv.DictReader(text.strip().splitlines()))


# --- The placeholder files ---------------------------------------------------------------


def as_a_county_types_them(person: dict[str, str], number: int) -> dict[str, str]:
    """The simulator's people carry a region code that does not exist (99…) and phones
    in an unassigned block (100…), so that no synthetic person is a real one; a county's
    file has real-looking values, which the import's rules (GB 11643, libphonenumber)
    accept: here a Hangzhou region code, the person's birth date and sequence, its check
    character, and a mobile number."""
    odd_for_men = 1 if person["sex"] == "male" else 2  # GB 11643: the 17th digit's parity
    sequence = f"{number % 100:02d}{odd_for_men}"
    first17 = "330102" + person["birth_date"].replace("-", "") + sequence
    return {
        "national_id": first17 + check_character(first17),
        "phone": f"139{number % 100_000_000:08d}",
    }


def simulated_line_list(workdir: Path, database: Path) -> None:
    """linelist.csv and links.csv: a simulated outbreak of 200 cases as a county would
    send it (one row per case with the person's details, the epiverse ``linelist`` tag
    names the import recognises) and its infector links as epicontacts ``from,to`` by
    case ID. Seed 2, not the demo's 1: other people than the demo's."""
    sim = workdir / "simulated"
    result = run(
        ["simulate", "--cases", "200", "--seed", "2", "--out", str(sim), "--format", "csv"],
        database,
    )
    assert result.exit_code == 0, result.output
    persons = {p["id"]: p for p in csv_rows(sim / "persons.csv")}
    cases = csv_rows(sim / "cases.csv")
    person_tags = {
        "name": "name",
        "national_id": "national_id",
        "gender": "sex",
        "birth_date": "birth_date",
        "phone": "phone",
        "address": "address",
    }
    case_tags = (
        "date_onset",
        "date_reporting",
        "date_confirmation",
        "classification",
        "imported",
        "outcome",
        "date_outcome",
    )
    line_list = [
        {
            "id": case["external_id"],
            **{tag: persons[case["person_id"]][column] for tag, column in person_tags.items()},
            **as_a_county_types_them(persons[case["person_id"]], int(case["person_id"])),
            "location": case["jurisdiction_code"],
            **{tag: case[tag] for tag in case_tags},
        }
        for case in cases
    ]
    external = {case["id"]: case["external_id"] for case in cases}
    links = [
        {"from": external[link["infector_case_id"]], "to": external[link["infectee_case_id"]]}
        for link in csv_rows(sim / "transmission_links.csv")
    ]
    for name, rows in (("linelist.csv", line_list), ("links.csv", links)):
        with (workdir / name).open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def copied(source: Path, name: str) -> Callable[[Path, Path], None]:
    def copy(workdir: Path, _: Path) -> None:
        shutil.copyfile(source, workdir / name)

    return copy


# Made before the block runs, in the working directory, under the README's names.
INPUTS: list[Callable[[Path, Path], None]] = [
    # The bundled province (11 cities, 90 counties): the demo's tree.
    copied(bundled_divisions(), "FILE.csv"),
    simulated_line_list,
    # A positive SARS-CoV-2 PCR as a FHIR R4 collection Bundle (tests/data/fhir/README.md).
    copied(DATA / "fhir" / "covid_positive_bundle.json", "bundle.json"),
    # EpiEstim's Flu2009 series: the README's serial interval (2.6, 1.5) is its example's.
    copied(DATA / "epiestim" / "Flu2009_incidence.csv", "incidence.csv"),
    # Salmonella Agona, six years of weekly counts (R surveillance): Farrington looks back 5.
    copied(DATA / "surveillance" / "salmonella_agona_weekly.csv", "counts.csv"),
]


def sql(database: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute(query, params).fetchall()


def check_in_log(path: Path, database: Path) -> None:
    """A venue's check-in log in Parquet: each case the line list brought in (source
    ``file``) visiting a venue of its own county, 09:30-10:15 local time, two days before
    it was reported. People are named by database id and venues by code, as the log
    format asks, so the database built by the lines before gives them."""
    visits = sql(
        database,
        """SELECT c.person_id, MIN(v.code), c.date_reporting FROM cases c
           JOIN venues v ON v.jurisdiction_id = c.jurisdiction_id
           WHERE c.source = 'file' GROUP BY c.id ORDER BY c.id""",
    )
    assert visits, "no imported case lives in a county with a venue: nothing to log"
    days = [date.fromisoformat(str(reported)[:10]) - timedelta(days=2) for *_, reported in visits]
    table = pa.table(
        {
            "person_id": pa.array([int(v[0]) for v in visits], pa.int64()),
            "venue_code": pa.array([str(v[1]) for v in visits], pa.string()),
            "checked_in_at": pa.array([f"{day} 09:30" for day in days], pa.string()),
            "checked_out_at": pa.array([f"{day} 10:15" for day in days], pa.string()),
        }
    )
    pq.write_table(table, path)


# Written just before the first line that names them.
LATE_INPUTS: dict[str, Callable[[Path, Path], None]] = {"check-ins.parquet": check_in_log}


# --- What each line must do --------------------------------------------------------------


def table_counts(database: Path) -> dict[str, int]:
    """Rows in every table; nothing for a database not created yet."""
    if not database.exists():
        return {}
    names = sql(database, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name: sql(database, f'SELECT COUNT(*) FROM "{name}"')[0][0] for (name,) in names}


@dataclass
class Step:
    args: list[str]  # as run
    output: str  # stdout and stderr
    database: Path
    before: dict[str, int]
    after: dict[str, int]
    started: datetime  # UTC, naive, as SQLite stores instants

    @property
    def text(self) -> str:
        """The output with runs of blanks and line breaks as one space (rich wraps at 80)."""
        return " ".join(self.output.split())

    def added(self, table: str) -> int:
        return self.after.get(table, 0) - self.before.get(table, 0)

    def number(self, pattern: str) -> int:
        """The whole number ``pattern`` captures in the output (thousands separators too)."""
        found = re.search(pattern, self.text)
        assert found, f"{pattern!r} not in the output of {self.args}:\n{self.output}"
        return int(found.group(1).replace(",", ""))

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        return sql(self.database, query, *params)


def lists_the_commands(step: Step) -> None:
    assert "Usage:" in step.output
    for name in {args[0] for args in COMMANDS if args[0] != "--help"}:
        assert re.search(rf"│ {re.escape(name)}\s", step.output), f"{name} not in --help"


def creates_the_schema(step: Step) -> None:
    assert step.before == {}, "the database was not fresh"
    assert step.after["alembic_version"] == 1
    assert {"cases", "jurisdictions", "users", "quarantine_orders"} <= set(step.after)


def loads_the_tree(step: Step) -> None:
    rows = len(csv_rows(Path(step.args[2])))
    assert step.number(r"(\d+) jurisdictions created") == rows == step.added("jurisdictions")


def creates_the_user(step: Step) -> None:
    found = step.sql(
        """SELECT u.role, j.code FROM users u JOIN jurisdictions j ON j.id = u.jurisdiction_id
           WHERE u.username = ?""",
        step.args[2],
    )
    assert found == [(option(step.args, "--role"), option(step.args, "--jurisdiction"))]


def loads_the_demo(step: Step) -> None:
    cases = int(option(step.args, "--cases"))
    assert step.number(r"demo loaded: ([\d,]+) cases") == cases == step.added("cases")
    assert "shangcheng-investigator" in step.output  # the logins
    assert step.added("check_ins") and step.added("quarantine_orders") and step.added("zones")
    assert step.added("screening_campaigns"), "no screening campaign: campaign-status has none"


def writes_parquet(step: Step) -> None:
    cases = int(option(step.args, "--cases"))
    out = Path(option(step.args, "--out"))
    assert step.number(r"wrote \d+ files to \S+: ([\d,]+) cases") == cases
    names = {"cases", "persons", "contacts", "transmission_links", "check_ins", "venues"}
    assert {path.stem for path in out.glob("*.parquet")} >= names
    assert pq.read_table(out / "cases.parquet").num_rows == cases
    assert step.after == step.before, "simulate --out wrote to the database"


def runs_the_job(step: Step) -> None:
    job = option(step.args, "--once")
    assert f"{job}:" in step.output
    ran = step.sql("SELECT status FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1", job)
    assert step.added("job_runs") == 1 and ran == [("succeeded",)]


def imports_the_cases(step: Step) -> None:
    rows = len(csv_rows(Path(step.args[2])))
    assert step.number(r"(\d+) cases created") == rows == step.added("cases")
    assert step.number(r"(\d+) bad rows") == 0
    source = step.sql(
        "SELECT COUNT(*) FROM cases WHERE source = 'file' AND disease = ?",
        option(step.args, "--disease"),
    )
    assert source == [(rows,)]


def computes_the_signals(step: Step) -> None:
    day = option(step.args, "--date")
    # A series per jurisdiction for each disease with recent cases: every jurisdiction.
    series, jurisdictions = step.number(rf"{day}: ([\d,]+) series"), step.after["jurisdictions"]
    assert series > 0 and series % jurisdictions == 0
    assert step.number(r"series, ([\d,]+) alerts") == step.added("alerts")


def sweeps_the_responses(step: Step) -> None:
    # The line list's confirmed cases came after the demo's sweep: they open responses.
    opened = step.number(r"([\d,]+) responses opened")
    assert opened == step.added("responses") > 0
    assert step.number(r"([\d,]+) tasks created") == step.added("response_tasks") > 0


def imports_the_links(step: Step) -> None:
    rows = len(csv_rows(Path(step.args[2])))
    assert f"{rows} links read, {rows} stored, 0 errors" in step.text
    assert step.added("transmission_links") == rows


def imports_the_check_ins(step: Step) -> None:
    rows = pq.read_table(step.args[2]).num_rows
    assert step.number(r"(\d+) check-ins imported") == rows == step.added("check_ins")


def imports_the_results(step: Step) -> None:
    new = step.number(r"(\d+) new")
    assert new == step.added("lab_results") > 0
    # A positive result for someone not yet a case makes one.
    assert step.number(r"(\d+) cases created") == step.added("cases") > 0


def reports_the_campaign(step: Step) -> None:
    campaign = int(step.args[2])
    assert f"campaign {campaign} " in step.output
    sampled = step.sql(
        "SELECT COUNT(DISTINCT person_id) FROM pool_members WHERE campaign_id = ?", campaign
    )
    assert step.number(r"sampled ([\d,]+)") == sampled[0][0] > 0
    sites = step.sql(
        """SELECT s.code, COUNT(p.id) FROM screening_sites s JOIN pools p ON p.site_id = s.id
           WHERE s.campaign_id = ? GROUP BY s.code""",
        campaign,
    )
    assert sites and all(f"site {code}: {pools} pools" in step.text for code, pools in sites)


def lists_the_follow_ups(step: Step) -> None:
    code = option(step.args, "--jurisdiction")
    found = re.search(r"(\d{4}-\d{2}-\d{2}): ([\d,]+) active", step.text)
    assert found, step.output
    day, active = found.group(1), int(found.group(2).replace(",", ""))
    orders = step.sql(
        """SELECT o.id FROM quarantine_orders o JOIN jurisdictions j ON j.id = o.jurisdiction_id
           WHERE j.code = ? AND o.status = 'active' AND o.start_date <= ? AND o.end_date >= ?""",
        code,
        day,
        day,
    )
    assert active == len(orders) > 0
    listed = {int(i) for i in re.findall(r"^│ (\d+)\s+│", step.output, re.MULTILINE)}
    assert listed and listed <= {i for (i,) in orders}


def completes_the_quarantines(step: Step) -> None:
    found = re.search(r"(\d+) quarantine orders completed as of (\S+)", step.text)
    assert found, step.output
    done, day = int(found.group(1)), found.group(2)
    closed = step.sql(
        "SELECT COUNT(*) FROM quarantine_orders WHERE status = 'completed' AND closed_at >= ?",
        step.started.isoformat(" "),
    )
    # The demo closed those that ended before today, so this may close none; whatever
    # it closed it says, and no quarantine that ended clean is left open.
    left = step.sql(
        """SELECT COUNT(*) FROM quarantine_orders WHERE status = 'active'
           AND purpose = 'quarantine' AND end_date < ? AND last_report_at IS NOT NULL
           AND NOT last_report_symptomatic""",
        day,
    )
    assert (closed, left) == ([(done,)], [(0,)])


def lists_the_zones(step: Step) -> None:
    zones = step.sql("SELECT id FROM zones")
    listed = {int(i) for i in re.findall(r"^│ (\d+)\s+│", step.output, re.MULTILINE)}
    assert zones and listed == {i for (i,) in zones}


def estimates_rt(step: Step) -> None:
    # incidence.csv and the serial interval are EpiEstim's example 3: its output, to 1e-6.
    rows = output_csv(step.output)
    reference = csv_rows(DATA / "epiestim" / "reference_estimate_R_example3.csv")
    assert [r["t_start"] for r in rows] == [r["t_start"] for r in reference]
    for got, expected in zip(rows, reference, strict=True):
        assert math.isclose(float(got["Mean(R)"]), float(expected["Mean(R)"]), rel_tol=1e-6)


def flags_aberrations(step: Step) -> None:
    rows = output_csv(step.output)
    observed = {r["t"]: r["observed"] for r in csv_rows(Path(step.args[2]))}
    assert rows and list(rows[0]) == ["t", "observed", "threshold", "alarm"]
    assert all(observed[r["t"]] == r["observed"] and r["alarm"] in {"0", "1"} for r in rows)
    assert any(r["alarm"] == "1" for r in rows)


def summarises_the_chains(step: Step) -> None:
    summary = {r["measure"]: r["value"] for r in output_csv(step.output)}
    cases = len(csv_rows(Path(option(step.args, "--cases"))))
    links = len(csv_rows(Path(option(step.args, "--links"))))
    assert (int(summary["cases"]), int(summary["links"])) == (cases, links)
    assert int(summary["clusters"]) == cases - links  # the links make a forest
    assert "k" in summary  # --summary: the dispersion of offspring


def sizes_the_pools(step: Step) -> None:
    (row,) = output_csv(step.output)
    p, k = float(option(step.args, "--prevalence")), int(option(step.args, "--max-k"))
    # Dorfman's optimum near 1/sqrt(p) = 14 is above the laboratory's largest pool.
    assert int(row["pool_size"]) == k
    assert math.isclose(float(row["tests_per_person"]), 1 / k + 1 - (1 - p) ** k, abs_tol=1e-5)


CHECKS: dict[tuple[str, ...], Callable[[Step], None]] = {
    (): lists_the_commands,
    ("db", "upgrade"): creates_the_schema,
    ("jurisdictions", "import"): loads_the_tree,
    ("users", "create"): creates_the_user,
    ("demo",): loads_the_demo,
    ("simulate",): writes_parquet,
    ("worker",): runs_the_job,
    ("cases", "import"): imports_the_cases,
    ("signals", "run"): computes_the_signals,
    ("responses", "sweep"): sweeps_the_responses,
    ("tracing", "import-links"): imports_the_links,
    ("venues", "import"): imports_the_check_ins,
    ("testing", "import-results"): imports_the_results,
    ("testing", "campaign-status"): reports_the_campaign,
    ("quarantine", "due"): lists_the_follow_ups,
    ("quarantine", "complete"): completes_the_quarantines,
    ("zones", "list"): lists_the_zones,
    ("analyze", "rt"): estimates_rt,
    ("analyze", "aberration"): flags_aberrations,
    ("analyze", "chains"): summarises_the_chains,
    ("analyze", "pool-size"): sizes_the_pools,
}


def prompted(command: Any, rest: list[str]) -> str | None:
    """The answers to the options the line leaves to a prompt (a password, confirmed)."""
    used = {word.split("=", 1)[0] for word in rest}
    answers = [
        f"{PASSWORD}\n" * (2 if param.confirmation_prompt else 1)
        for param in command.params
        if param.param_type_name == "option" and param.prompt and not used & {*param.opts}
    ]
    return "".join(answers) or None


def test_the_block_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the README's relative paths (out/, FILE.csv) land here
    database = tmp_path / "fireline.db"
    for make in INPUTS:
        make(tmp_path, database)
    assert not database.exists(), "making the inputs touched the database"
    skipped = []
    for line in COMMANDS:
        if runs_until_stopped(line):
            skipped.append(line)
            continue
        args = shrunk(line)
        command, path, rest = split(args)
        check = CHECKS.get(tuple(path))
        assert check, f"fireline {' '.join(args)}: add what it must do to CHECKS"
        for name, make in LATE_INPUTS.items():
            if name in args and not (tmp_path / name).exists():
                make(tmp_path / name, database)
        before = table_counts(database)
        started = datetime.now(UTC).replace(tzinfo=None)
        result = run(args, database, input=prompted(command, rest))
        assert result.exit_code == 0, f"fireline {' '.join(args)}\n{result.output}"
        check(Step(args, result.output, database, before, table_counts(database), started))
    assert len(COMMANDS) - len(skipped) >= 20, f"the skip rule took {skipped}"
