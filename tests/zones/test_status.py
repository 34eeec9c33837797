"""The lift-date rule (pure) and the levels file."""

from __future__ import annotations

from datetime import date

import pytest

from fireline.zones.levels import LevelError, Levels, load_levels, parse_levels
from fireline.zones.models import Zone
from fireline.zones.status import Facts, compute

LEVELS = load_levels()
D = date(2026, 3, 1)


def _zone(level: str = "sealed", addresses: list[str] | None = None) -> Zone:
    return Zone(
        level=level,
        level_since=D,
        drawn_on=D,
        status="active",
        addresses=["文三路88号"] if addresses is None else addresses,
    )


def _facts(**given: object) -> Facts:
    base: dict[str, object] = {
        "last_case": None,
        "last_positive_round": None,
        "last_negative_round": None,
        "stepped_down": False,
        "higher_zones": 0,
    }
    return Facts(**{**base, **given})  # type: ignore[arg-type]


def test_sealed_needs_seven_clean_days_after_the_last_case_and_a_round() -> None:
    found = compute(_zone(), _facts(last_case=date(2026, 3, 4)), LEVELS, date(2026, 3, 6))
    assert found.clean_since == date(2026, 3, 5) and found.earliest == date(2026, 3, 12)
    assert [m.code for m in found.missing] == ["clean_days", "screening_round"]
    assert found.missing[1].until == date(2026, 3, 11)  # day 7 of the clean days
    assert not found.ready and found.next_level == "controlled"


def test_ready_on_the_earliest_day_with_the_round() -> None:
    known = _facts(last_case=date(2026, 3, 4), last_negative_round=date(2026, 3, 11))
    assert compute(_zone(), known, LEVELS, date(2026, 3, 12)).ready
    assert not compute(_zone(), known, LEVELS, date(2026, 3, 11)).ready


def test_a_case_before_the_level_began_counts_from_the_level() -> None:
    found = compute(_zone(), _facts(last_case=date(2026, 2, 1)), LEVELS, D)
    assert found.earliest == date(2026, 3, 8)


def test_a_positive_round_restarts_the_count() -> None:
    found = compute(_zone(), _facts(last_positive_round=date(2026, 3, 5)), LEVELS, D)
    assert found.clean_since == date(2026, 3, 6)


def test_controlled_after_a_step_down_needs_three_days_and_no_round() -> None:
    found = compute(_zone("controlled"), _facts(stepped_down=True), LEVELS, date(2026, 3, 4))
    assert found.earliest == date(2026, 3, 4) and found.ready
    drawn = compute(_zone("controlled"), _facts(), LEVELS, date(2026, 3, 4))
    assert drawn.earliest == date(2026, 3, 8) and not drawn.ready


def test_precaution_lifts_only_when_no_higher_zone_is_left() -> None:
    found = compute(_zone("precaution"), _facts(higher_zones=2), LEVELS, D)
    assert [m.code for m in found.missing] == ["higher_zones"] and found.next_level is None
    assert compute(_zone("precaution"), _facts(), LEVELS, D).ready


def test_an_outline_without_addresses_says_it_finds_no_residents_but_does_not_block() -> None:
    found = compute(_zone("precaution", addresses=[]), _facts(), LEVELS, D)
    assert found.ready and [m.code for m in found.missing] == ["no_residents_known"]


def test_levels_are_read_from_a_deployment_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (
        '{"levels": [{"code": "high", "names": {"en": "High", "zh": "高风险区"}, '
        '"clean_days": 5, "screening_round": false}]}'
    )
    custom = parse_levels(text, str(tmp_path / "levels.json"))
    assert isinstance(custom, Levels) and custom.below("high") is None
    with pytest.raises(LevelError):
        parse_levels("levels: [{code: x}]", "bad.yaml")
