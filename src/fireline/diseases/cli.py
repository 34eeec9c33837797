"""``fireline diseases``: list the disease profiles in use and show one of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from fireline.diseases.loader import ProfileError, load_profiles
from fireline.diseases.release import ReleaseRule
from fireline.diseases.schemas import (
    Coding,
    ContactCategory,
    DiseaseProfile,
    Distribution,
    PlaybookTask,
)

__all__ = ["app"]

app = typer.Typer(help="Disease profiles: list them and show one.", no_args_is_help=True)

DiseaseDir = Annotated[
    Path | None,
    typer.Option(
        "--disease-dir",
        help="Folder of override profiles (default: the FIRELINE_DISEASE_DIR setting).",
        file_okay=False,
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _profiles(disease_dir: Path | None) -> dict[str, DiseaseProfile]:
    if disease_dir is None:
        from fireline.settings import Settings

        disease_dir = Settings().disease_dir
    try:
        return load_profiles(disease_dir)
    except ProfileError as exc:
        _fail(str(exc))


@app.command("list")
def list_profiles(disease_dir: DiseaseDir = None) -> None:
    """Print the code and names of every profile, one a line."""
    for code, profile in sorted(_profiles(disease_dir).items()):
        typer.echo(f"{code}\t{profile.names.en}\t{profile.names.zh}")


@app.command("show")
def show_profile(
    code: Annotated[str, typer.Argument(help="Disease code, e.g. covid19.")],
    disease_dir: DiseaseDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
) -> None:
    """Print one profile: codes, periods, contact rules, release rule, playbook, sources."""
    profiles = _profiles(disease_dir)
    profile = profiles.get(code)
    if profile is None:
        _fail(f"unknown disease '{code}' (known: {', '.join(sorted(profiles))})")
    if as_json:
        typer.echo(json.dumps(profile.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    for line in render(profile):
        typer.echo(line)


def render(profile: DiseaseProfile) -> list[str]:
    """The profile as readable lines."""
    inc, win, si = profile.incubation_period, profile.infectious_window, profile.serial_interval
    dist = inc.distribution
    lines = [
        f"{profile.code}: {profile.names.en} / {profile.names.zh}",
        "codes: " + "; ".join(_coding(c) for c in profile.diagnosis_codes),
        "lab tests: " + ("; ".join(_coding(c) for c in profile.lab_tests) or "-"),
        "classifications: "
        + "; ".join(
            f"{c.code} -> {', '.join(c.transitions) or '-'}" for c in profile.classifications.items
        ),
        f"incubation: {_distribution(dist)}, {inc.min_days}-{inc.max_days} days"
        f" [{_refs(inc.source)}]",
        f"infectious: {win.days_before_onset} days before to {win.days_after_onset} days after"
        f" onset [{_refs(win.source)}]",
        f"serial interval: mean {si.mean_days} sd {si.sd_days} days [{_refs(si.source)}]",
        "contact categories:",
        *(f"  {_category(c)}" for c in profile.contact_categories),
        f"isolation release [{_refs(profile.isolation_release.source)}]:",
        *_rules(profile.isolation_release.combine, profile.isolation_release.rules, "  "),
        "symptoms: "
        + ", ".join(s.code + ("*" if s.red_flag else "") for s in profile.symptoms.items),
    ]
    return lines + _rest(profile)


def _distribution(dist: Distribution) -> str:
    """The distribution by what the profile gives of it: summary figures, then parameters."""
    given = [f"{k} {v}" for k in ("median", "mean", "sd") if (v := getattr(dist, k)) is not None]
    given += [f"{k} {v}" for k, v in dist.params.items()]
    return " ".join([dist.name, *given])


def _rest(profile: DiseaseProfile) -> list[str]:
    book, hosp = profile.playbook, profile.hospitalisation
    opening: str = book.opening.policy
    if book.opening.policy == "first_after_clean_days":
        opening += f" ({book.opening.clean_days} days)"
    return [
        f"playbook [{_refs(book.source)}], opens on: {opening}",
        *(f"  {_task(t)}" for t in book.ordered()),
        f"hospitalisation: share {_num(hosp.share_hospitalised)}, ICU {_num(hosp.share_icu)},"
        f" mean stay {_num(hosp.mean_stay_days)} days [{_refs(hosp.source)}]",
        _pooling(profile),
        "sources:",
        *(
            f"  {key}: {src.title}. {src.publisher}, {src.year}. {src.locator()}"
            for key, src in profile.sources.items()
        ),
    ]


def _pooling(profile: DiseaseProfile) -> str:
    if profile.testing is None:
        return "pooled testing: no (samples tested one by one)"
    return f"pooled testing: up to {profile.max_pool_size} in 1 [{_refs(profile.testing.source)}]"


def _num(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def _refs(source: str | tuple[str, ...]) -> str:
    return source if isinstance(source, str) else ", ".join(source)


def _coding(coding: Coding) -> str:
    return f"{coding.code} {coding.display} ({coding.system})"


def _category(category: ContactCategory) -> str:
    phases = ", then ".join(
        f"{p.place} {'monitoring' if p.monitoring_only else 'quarantine'} {p.days} days"
        for p in category.phases
    )
    tests = ", ".join(str(d) for d in category.test_days) or "none"
    return f"{category.code} ({category.names.zh}): {phases or 'no measures'}; test days {tests}"


def _rules(combine: str, rules: tuple[ReleaseRule, ...], indent: str) -> list[str]:
    lines = [f"{indent}{combine} of:"]
    for rule in rules:
        if rule.kind == "group":
            lines += _rules(rule.combine, rule.rules, indent + "  ")
        else:
            detail = ", ".join(
                f"{k} {v}" for k, v in rule.model_dump(exclude={"kind", "names"}).items()
            )
            lines.append(f"{indent}  {rule.kind}: {detail}")
    return lines


def _task(task: PlaybookTask) -> str:
    after = f", after {', '.join(task.depends_on)}" if task.depends_on else ""
    return (
        f"{task.id} ({task.type}) on {task.trigger}, due {task.due_hours:g} h,"
        f" level {task.level}{after}"
    )
