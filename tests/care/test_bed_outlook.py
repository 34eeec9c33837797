"""The care page's bed forecast: the dashboard's case forecast turned into beds by bed
type, with intervals, in both languages; a place without beds says so."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.analytics.forecast import bed_forecast
from fireline.auth.scope import system_actor
from fireline.care import service
from fireline.care.bedoutlook import bed_outlook, wards
from fireline.care.schemas import AdmissionCreate, HospitalCreate
from fireline.diseases import load_profiles
from fireline.surveillance.trends.outlook import outlook
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases
from tests.surveillance.views.factories import world
from tests.web.pages import log_in

END = date(2026, 3, 31)
ACTOR = system_actor()


def _cases(session: Session, tree: dict[str, Any]) -> None:
    # 40 onsets a day, reported one day later: enough for a forecast.
    add_daily_cases(session, tree["C1A"], END, [40] * 60, onset_lag=1)


def test_bed_forecast_is_the_dashboards_forecast_in_beds(session: Session) -> None:
    tree = small_tree(session)
    _cases(session, tree)
    body = HospitalCreate(name="H", jurisdiction_code="C1A", beds_general=20, beds_icu=2)
    hospital = service.create_hospital(session, ACTOR, body)
    patient = make_person(session, tree["C1A"], "A")
    stay = AdmissionCreate(person_id=patient.id, bed_type="icu", severity="critical")
    service.admit(session, ACTOR, hospital.id, stay, now=datetime(2026, 3, 30, 8))
    profiles = load_profiles()
    beds = bed_outlook(session, ACTOR, tree["C1"], "covid19", END, profiles)
    dashboard = outlook(session, ACTOR, "C1", "covid19", END, profiles)
    assert beds is not None and dashboard is not None and dashboard.simulated is not None
    # The same place and day: the very forecast the dashboard draws.
    assert beds.cases == dashboard.forecast and len(beds.cases) == 14
    assert beds.rt == pytest.approx(float(dashboard.simulated.r_mean[0]))
    ward, isolation, icu = beds.wards
    assert [w.ward.kind for w in beds.wards] == ["general", "isolation", "icu"]
    assert (ward.capacity, ward.open_now, icu.capacity, icu.open_now) == (20, 0, 2, 1)
    hosp = profiles["covid19"].hospitalisation
    assert hosp.share_hospitalised is not None and hosp.share_icu is not None
    # no one in general or isolation beds, and no isolation bed: all to general beds
    assert ward.ward.share == pytest.approx(hosp.share_hospitalised - hosp.share_icu)
    assert (isolation.ward.share, isolation.capacity) == (0.0, 0)
    # Each band is the quantile of bed_forecast over the dashboard's simulated futures.
    by_hand = bed_forecast(
        dashboard.simulated, share=icu.ward.share, mean_stay=icu.ward.mean_stay, open_now=1
    )
    last = np.sort(by_hand[0, :, -1])
    n = last.size
    assert icu.days[-1].median == pytest.approx(round(float(last[int(np.ceil(0.5 * n)) - 1]), 2))
    assert icu.days[-1].upper90 == pytest.approx(round(float(last[int(np.ceil(0.95 * n)) - 1]), 2))
    for d in ward.days + isolation.days + icu.days:
        assert d.lower90 <= d.lower50 <= d.median <= d.upper50 <= d.upper90
    # 40 cases a day at 2% to the wards, 4 days' stay: about 3 beds, under 20.
    assert 1 < ward.days[-1].median < 6 and ward.runs_out is None
    assert icu.days[0].day == END + timedelta(days=1)


def test_no_beds_is_no_capacity_and_no_shares_no_forecast(session: Session) -> None:
    tree = small_tree(session)
    _cases(session, tree)
    profiles = load_profiles()
    beds = bed_outlook(session, ACTOR, tree["C1"], "covid19", END, profiles)
    assert beds is not None
    assert all(w.capacity == 0 and w.runs_out is None and w.may_run_out is None for w in beds.wards)
    no_shares = profiles["covid19"].hospitalisation.model_copy(
        update={"share_hospitalised": None, "share_icu": None}
    )
    assert wards(no_shares) == []
    assert bed_outlook(session, ACTOR, tree["C2"], "covid19", END, profiles) is None


def _spec(html: str, kind: str) -> dict[str, Any]:
    found = re.search(rf'id="bed-chart-{kind}-spec">(.*?)</script>', html, re.S)
    assert found, f"no {kind} chart"
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def test_care_page_draws_the_bed_forecast_per_bed_type(
    client: TestClient, session: Session
) -> None:
    made = world(session)
    tree = made["tree"]
    today = datetime.now(ZoneInfo(tree["C1"].timezone)).date()
    body = HospitalCreate(name="Harbour", jurisdiction_code="C1B", beds_general=3000)
    service.create_hospital(session, ACTOR, body)
    session.commit()
    log_in(client, "prov")
    html = client.get("/care?j=C1").text
    expected = bed_outlook(session, ACTOR, tree["C1"], "covid19", today, load_profiles())
    assert expected is not None
    ward = _spec(html, "general")
    medians = [r["lo"] for r in ward["data"]["values"] if r["series"] == "Median"]
    assert medians == [d.median for d in expected.wards[0].days]
    # 3,000 beds against a handful of patients: no capacity rule to flatten the chart.
    assert "rule" not in [layer["mark"]["type"] for layer in ward["layer"]]
    assert "Capacity is far above the forecast and is not drawn." in html
    assert "No intensive care beds are registered in Place C1." in html
    assert "No isolation beds are registered in Place C1." in html
    assert "Capacity runs out" not in html
    chinese = client.get("/care?j=C1&lang=zh").text
    assert "地区C1未登记重症监护床位。" in chinese
    icu = json.dumps(_spec(chinese, "icu"), ensure_ascii=False)
    # the chart's axes were English on the Chinese page (issue #14)
    assert "中位数" in icu and '"日期"' in icu and '"占用床位"' in icu
