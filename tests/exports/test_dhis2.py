"""DHIS2 dataValueSets: DHIS2's shape, the numbers of the week equal the trends service's
weekly counts and the stored records, the mapping file's checks, and the command."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.errors import Problem
from fireline.exports import dhis2
from fireline.surveillance.trends import service as trends
from tests.exports.factories import WEEK_MONDAY, world
from tests.testing.factories import context_of

MAPPING = """
data_set: DataSet0001
data_elements:
  covid19:
    cases_confirmed: ElemConf001
    cases_probable: {dataElement: ElemProb001, categoryOptionCombo: ComboAll001}
    deaths: ElemDead001
    tests: ElemTest001
    tests_positive: ElemTpos001
    admissions: ElemAdmi001
org_units: {P: OrgUnitP001, C1: OrgUnitC101, C1A: OrgUnitC1A1, C2A: OrgUnitC2A1}
"""
UID = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")


def value(document: dict[str, Any], element: str, unit: str) -> int:
    found = [
        v["value"]
        for v in document["dataValues"]
        if v["dataElement"] == element and v["orgUnit"] == unit
    ]
    assert len(found) == 1
    return int(found[0])


def test_the_document_has_dhis2_s_shape_and_the_week_s_numbers(
    session: Session, client: TestClient
) -> None:
    world(session, client)
    rules = dhis2.read_mapping(MAPPING)
    document = dhis2.data_value_set(session, context_of(), "P", "2026W49", rules)
    assert list(document) == ["dataSet", "period", "orgUnit", "dataValues"]
    assert document["period"] == "2026W49" and document["orgUnit"] == "OrgUnitP001"
    for entry in document["dataValues"]:
        assert set(entry) <= {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value"}
        assert UID.fullmatch(entry["dataElement"]) and UID.fullmatch(entry["orgUnit"])
        assert isinstance(entry["value"], str) and entry["value"].isdigit()
    # Each mapped place counts its own records: C1A's three cases of the factory and
    # the case its positive result made; C2A one and one; nothing was reported to C1 or P.
    assert value(document, "ElemConf001", "OrgUnitC1A1") == 3
    assert value(document, "ElemProb001", "OrgUnitC1A1") == 1
    assert value(document, "ElemConf001", "OrgUnitC2A1") == 2
    assert value(document, "ElemConf001", "OrgUnitC101") == 0
    assert value(document, "ElemDead001", "OrgUnitC1A1") == 1
    assert value(document, "ElemTest001", "OrgUnitC1A1") == 2
    assert value(document, "ElemTpos001", "OrgUnitC1A1") == 1
    assert value(document, "ElemAdmi001", "OrgUnitC1A1") == 1
    probable = next(v for v in document["dataValues"] if v["dataElement"] == "ElemProb001")
    assert probable["categoryOptionCombo"] == "ComboAll001"
    # The same week, one week later: nothing.
    later = dhis2.data_value_set(session, context_of(), "P", "2026W50", rules)
    assert {v["value"] for v in later["dataValues"]} == {"0"}


def test_the_counts_equal_the_weekly_counts_of_the_trends_service(
    session: Session, client: TestClient
) -> None:
    world(session, client)
    rules = dhis2.read_mapping(MAPPING)
    context = context_of()
    for code, units in (("P", ("OrgUnitC1A1", "OrgUnitC2A1")), ("C1A", ("OrgUnitC1A1",))):
        document = dhis2.data_value_set(session, context, code, "2026W49", rules)
        sent = sum(
            value(document, element, unit)
            for element in ("ElemConf001", "ElemProb001")
            for unit in units
        )
        weeks = trends.weekly(
            session,
            context.actor,
            code,
            "covid19",
            WEEK_MONDAY,
            WEEK_MONDAY + timedelta(days=6),
            "iso",
        )
        assert [w.week for w in weeks] == ["2026-W49"]
        assert sent == weeks[0].cases > 0


def test_the_mapping_and_the_week_are_checked(session: Session, client: TestClient) -> None:
    world(session, client)
    with pytest.raises(Problem, match="not a DHIS2 UID"):
        dhis2.read_mapping(MAPPING.replace("ElemConf001", "short"))
    with pytest.raises(Problem, match="unknown figure"):
        dhis2.read_mapping(MAPPING.replace("deaths:", "burials:"))
    with pytest.raises(Problem, match="ISO week"):
        dhis2.week_of("2026W54")
    assert dhis2.week_of("2026-W01") == ("2026W1", date(2025, 12, 29))
    shipped = dhis2.read_mapping(dhis2.shipped_mapping().read_text(encoding="utf-8"))
    assert shipped.org_units["330102"].startswith("PH") and len(shipped.org_units) == 102


def test_the_api_route_uses_the_deployment_s_mapping(
    session: Session, app_factory: Any, tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with TestClient(app_factory(dhis2_mapping=mapping)) as client:
        w = world(session, client)
        url = "/api/v1/exports/dhis2?jurisdiction=C1&week=2026W49"
        got = client.get(url, headers=w["headers"]["boss"])
        assert got.status_code == 200, got.text
        assert got.json()["orgUnit"] == "OrgUnitC101"
        assert value(got.json(), "ElemConf001", "OrgUnitC1A1") == 3
        assert client.get(url, headers=w["headers"]["inv"]).status_code == 403
        bad = client.get(url.replace("2026W49", "49"), headers=w["headers"]["boss"])
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "week"
        assert json.loads(got.text)["dataSet"] == "DataSet0001"
