"""The invariants the simulator guarantees (see fireline/simulate/cases.py)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, cast

from fireline.simulate import Outbreak


class CaseRow(TypedDict):
    """The columns of the cases table these tests read (see simulate/cases.py)."""

    id: int
    person_id: int
    classification: str
    date_onset: date | None
    date_reporting: date
    date_confirmation: date | None
    imported: bool
    outcome: str | None
    date_outcome: date | None
    jurisdiction_code: str


class LinkRow(TypedDict):
    infector_case_id: int
    infectee_case_id: int
    jurisdiction_code: str


def _cases(outbreak: Outbreak) -> list[CaseRow]:
    # pyarrow is untyped: to_pylist() is Any.
    return cast(list[CaseRow], outbreak.cases.to_pylist())


def _links(outbreak: Outbreak) -> list[LinkRow]:
    return cast(list[LinkRow], outbreak.transmission_links.to_pylist())


def test_infectee_onset_after_infector_onset(outbreak: Outbreak) -> None:
    cases = {c["id"]: c for c in _cases(outbreak)}
    links = _links(outbreak)
    assert links
    for link in links:
        infector, infectee = cases[link["infector_case_id"]], cases[link["infectee_case_id"]]
        assert link["infector_case_id"] < link["infectee_case_id"]
        if infector["date_onset"] and infectee["date_onset"]:
            assert infectee["date_onset"] > infector["date_onset"]
        assert link["jurisdiction_code"] == infectee["jurisdiction_code"]


def test_each_infectee_has_one_infector_and_roots_are_imported(outbreak: Outbreak) -> None:
    links = _links(outbreak)
    infectees = [link["infectee_case_id"] for link in links]
    assert len(infectees) == len(set(infectees))
    imported = {c["id"] for c in _cases(outbreak) if c["imported"]}
    assert imported and not imported & set(infectees)


def test_dates_are_consistent(outbreak: Outbreak) -> None:
    for case in _cases(outbreak):
        onset, report = case["date_onset"], case["date_reporting"]
        assert report <= outbreak.as_of
        if onset is not None:
            assert report >= onset
        if case["date_confirmation"] is not None:
            assert case["classification"] == "confirmed"
            assert case["date_confirmation"] >= report
        if case["date_outcome"] is not None:
            assert case["outcome"] in ("recovered", "died")
            assert report <= outbreak.as_of and case["date_outcome"] <= outbreak.as_of


def test_classifications_and_missing_onsets(outbreak: Outbreak) -> None:
    cases = _cases(outbreak)
    kinds = [c["classification"] for c in cases]
    assert kinds.count("confirmed") > 0.8 * len(cases)
    assert {"probable", "suspected", "discarded"} <= set(kinds)
    missing = sum(c["date_onset"] is None for c in cases)
    assert 0.1 * len(cases) < missing < 0.3 * len(cases)  # the asymptomatic


def test_discarded_cases_have_no_links(outbreak: Outbreak) -> None:
    discarded = {c["id"] for c in _cases(outbreak) if c["classification"] == "discarded"}
    for link in _links(outbreak):
        assert link["infector_case_id"] not in discarded
        assert link["infectee_case_id"] not in discarded


def test_each_case_has_its_own_person(outbreak: Outbreak) -> None:
    people = outbreak.persons.column("jurisdiction_code").to_pylist()
    for case in _cases(outbreak):
        assert people[case["person_id"] - 1] == case["jurisdiction_code"]
