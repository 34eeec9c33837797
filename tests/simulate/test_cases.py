"""The invariants the simulator guarantees (see fireline/simulate/cases.py)."""

from __future__ import annotations

from fireline.simulate import Outbreak


def _rows(outbreak: Outbreak, name: str) -> list[dict[str, object]]:
    return outbreak.tables()[name].to_pylist()


def test_infectee_onset_after_infector_onset(outbreak: Outbreak) -> None:
    cases = {c["id"]: c for c in _rows(outbreak, "cases")}
    links = _rows(outbreak, "transmission_links")
    assert links
    for link in links:
        infector, infectee = cases[link["infector_case_id"]], cases[link["infectee_case_id"]]
        assert link["infector_case_id"] < link["infectee_case_id"]
        if infector["date_onset"] and infectee["date_onset"]:
            assert infectee["date_onset"] > infector["date_onset"]
        assert link["jurisdiction_code"] == infectee["jurisdiction_code"]


def test_each_infectee_has_one_infector_and_roots_are_imported(outbreak: Outbreak) -> None:
    links = _rows(outbreak, "transmission_links")
    infectees = [link["infectee_case_id"] for link in links]
    assert len(infectees) == len(set(infectees))
    imported = {c["id"] for c in _rows(outbreak, "cases") if c["imported"]}
    assert imported and not imported & set(infectees)


def test_dates_are_consistent(outbreak: Outbreak) -> None:
    for case in _rows(outbreak, "cases"):
        onset, report = case["date_onset"], case["date_reporting"]
        assert report <= outbreak.as_of  # type: ignore[operator]
        if onset is not None:
            assert report >= onset  # type: ignore[operator]
        if case["date_confirmation"] is not None:
            assert case["classification"] == "confirmed"
            assert case["date_confirmation"] >= report  # type: ignore[operator]
        if case["date_outcome"] is not None:
            assert case["outcome"] in ("recovered", "died")
            assert report <= outbreak.as_of and case["date_outcome"] <= outbreak.as_of  # type: ignore[operator]


def test_classifications_and_missing_onsets(outbreak: Outbreak) -> None:
    cases = _rows(outbreak, "cases")
    kinds = [c["classification"] for c in cases]
    assert kinds.count("confirmed") > 0.8 * len(cases)
    assert {"probable", "suspected", "discarded"} <= set(kinds)
    missing = sum(c["date_onset"] is None for c in cases)
    assert 0.1 * len(cases) < missing < 0.3 * len(cases)  # the asymptomatic


def test_discarded_cases_have_no_links(outbreak: Outbreak) -> None:
    discarded = {c["id"] for c in _rows(outbreak, "cases") if c["classification"] == "discarded"}
    for link in _rows(outbreak, "transmission_links"):
        assert link["infector_case_id"] not in discarded
        assert link["infectee_case_id"] not in discarded


def test_each_case_has_its_own_person(outbreak: Outbreak) -> None:
    people = outbreak.persons.column("jurisdiction_code").to_pylist()
    for case in _rows(outbreak, "cases"):
        assert people[case["person_id"] - 1] == case["jurisdiction_code"]  # type: ignore[operator]
