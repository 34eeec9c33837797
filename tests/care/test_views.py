"""The care page: the bed-demand chart speaks the page's language."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.care import service
from fireline.care.schemas import HospitalCreate
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in


def test_the_bed_chart_axes_are_in_chinese(session: Session, app_factory) -> None:  # type: ignore[no-untyped-def]
    small_tree(session)
    service.create_hospital(
        session, system_actor(), HospitalCreate(name="H", jurisdiction_code="C1A", beds_general=5)
    )
    session.commit()
    make_user(session, "ward", "epidemiologist", "C1A")
    with TestClient(app_factory()) as client:
        log_in(client, "ward")
        html = client.get("/care?lang=zh").text
    spec = json.loads(html.split('id="bed-chart-spec">')[1].split("</script>")[0])
    line, rule = spec["layer"]
    assert line["encoding"]["x"]["title"] == "日期"
    assert line["encoding"]["x"]["axis"]["format"] == "%m-%d"
    assert line["encoding"]["y"]["title"] == "所需床位"
    assert rule["encoding"]["tooltip"][0]["title"] == "床位容量"
