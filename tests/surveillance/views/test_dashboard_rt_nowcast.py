"""The dashboard's Rt toggle: reported counts by default, nowcast-corrected on request."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.surveillance.views.factories import world
from tests.web.pages import log_in


def test_rt_toggle_switches_to_nowcast_counts_and_says_so(
    client: TestClient, session: Session
) -> None:
    world(session)
    log_in(client, "prov")
    plain = client.get("/surveillance?j=C1&days=28").text
    assert 'id="rt-counts"' in plain and "Last complete 7-day window, onsets" in plain
    assert "rt=nowcast" in plain  # the toggle's other half
    corrected = client.get("/surveillance?j=C1&days=28&rt=nowcast").text
    # The headline says which window it is (trends.headline): here the nowcast-corrected one.
    assert "Last 7-day window, onsets" in corrected and "on nowcast-corrected counts" in corrected
    assert '<input type="hidden" name="rt" value="nowcast">' in corrected  # kept by the filters
    assert "Nowcast: counts of these onset days include cases not yet reported" in corrected
    assert "rt-nowcast-note" in corrected and "rt-nowcast-note" not in plain
    odd = client.get("/surveillance?j=C1&days=28&rt=<b>").text  # unknown value: the default
    assert "Last complete 7-day window" in odd and "<b>" not in odd
    chinese = client.get("/surveillance?j=C1&days=28&rt=nowcast&lang=zh").text
    assert "基于即时推算校正的病例数" in chinese and "已报告病例数" in chinese
