"""The dashboard's nowcast and forecast chart, in both languages."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.surveillance.views.factories import world
from tests.web.pages import log_in


def _spec(html: str) -> dict[str, Any]:
    found = re.search(r'id="outlook-spec">(.*?)</script>', html, re.S)
    assert found, "no outlook chart"
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def test_outlook_chart_has_nowcast_and_forecast_layers(
    client: TestClient, session: Session
) -> None:
    world(session)
    log_in(client, "prov")
    html = client.get("/surveillance?j=C1&days=28").text
    spec = _spec(html)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.count("bar") == 2 and "area" in marks and "line" in marks
    assert "Nowcast and forecast by onset" in html
    chinese = client.get("/surveillance?j=C1&days=28&lang=zh").text
    assert "按发病日期的即时推算与预测" in chinese
    legend = _spec(chinese)["layer"][1]["transform"][1]["calculate"]
    assert "截至今日已报告" in legend  # the legend is in the spec's JSON, \u-escaped in HTML
