"""The import wizard: upload, mapping (with saved mappings), report, commit, done."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.interop.limits import MB
from fireline.surveillance.models import Case, ColumnMapping, ImportBatch
from tests.interop.factories import LATIN1_CSV, bomb
from tests.surveillance.intake.factories import GOOD_ZH, ZH_HEADER, csv_bytes
from tests.surveillance.views.factories import world
from tests.web.pages import log_in

BAD_ZH = "Z3,王五,,男,1970-01-01,13900000003,C1A,不是日期,2024/3/4,确诊"


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def upload(client: TestClient, csrf: str, content: bytes, name: str = "病例.csv") -> Any:
    return client.post(
        "/surveillance/imports",
        data={"csrf_token": csrf, "disease": "covid19", "default_classification": "suspected"},
        files={"file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def test_gb18030_file_through_the_wizard(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    assert "批量导入病例" in client.get("/surveillance/imports?lang=zh").text
    sent = upload(client, csrf, csv_bytes(ZH_HEADER, [*GOOD_ZH, BAD_ZH], "gb18030"))
    assert sent.status_code == 303
    mapping_url = sent.headers["location"]
    batch_id = int(re.findall(r"\d+", mapping_url)[0])
    mapping = client.get(mapping_url).text
    assert '<option value="姓名" translate="no" selected>' in mapping  # recognised from the header
    form = {"csrf_token": csrf, "save_as": "县报表"}
    for block in mapping.split('<select id="map_')[1:]:
        field, chosen = block.split('"', 1)[0], re.search(r'value="([^"]*)"[^>]* selected', block)
        form[f"map_{field}"] = chosen.group(1) if chosen else ""
    checked = client.post(mapping_url, data=form)
    assert checked.status_code == 200, re.findall(r"notice error[^<]*<[^<]*", checked.text)
    assert "不是日期" in checked.text  # the bad row, in the report
    assert session.scalar(select(ColumnMapping.name)) == "县报表"
    report = client.get(f"/surveillance/imports/{batch_id}/report.csv")
    assert "不是日期" in report.text and report.text.startswith("\ufeffline,")
    before = session.scalar(select(func.count()).select_from(Case))
    refused = client.post(f"/surveillance/imports/{batch_id}/commit", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "未导入任何数据" in refused.text
    assert session.scalar(select(func.count()).select_from(Case)) == before
    done = client.post(
        f"/surveillance/imports/{batch_id}/commit", data={"csrf_token": csrf, "good_rows_only": "1"}
    )
    assert done.status_code == 200 and "病例已导入" in done.text
    listed = client.get(f"/surveillance/cases?batch={batch_id}").text
    assert "张三" in listed and "李四" in listed and "共 2 例" in listed


def test_upload_needs_a_file_and_csrf(client: TestClient, data: dict[str, Any]) -> None:
    csrf = log_in(client, "ann")
    empty = upload(client, csrf, b"")
    assert empty.status_code == 422 and "Choose a file" in empty.text
    no_csrf = client.post(
        "/surveillance/imports",
        data={"disease": "covid19"},
        files={"file": ("a.csv", b"x", "text/csv")},
    )
    assert no_csrf.status_code == 403


def test_another_county_cannot_open_a_batch(client: TestClient, data: dict[str, Any]) -> None:
    csrf = log_in(client, "ann")
    location = upload(client, csrf, csv_bytes(ZH_HEADER, GOOD_ZH, "utf-8-sig")).headers["location"]
    log_in(client, "bob")
    assert client.get(location).status_code == 404
    log_in(client, "viewer")
    assert client.get("/surveillance/imports").status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("latin1.csv", LATIN1_CSV, "看似 cp1252 编码"),
        ("bomb.xlsx", bomb(200 * MB), "解压后将达 200 MB"),
    ],
)
def test_a_refused_file_is_named_by_its_field_in_chinese_and_leaves_no_batch(
    client: TestClient,
    data: dict[str, Any],
    session: Session,
    name: str,
    content: bytes,
    said: str,
) -> None:
    csrf = log_in(client, "ann")
    before = session.scalar(select(func.count()).select_from(ImportBatch))
    page = client.post(
        "/surveillance/imports?lang=zh",
        data={"csrf_token": csrf, "disease": "covid19", "default_classification": "suspected"},
        files={"file": (name, content, "text/csv")},
    )
    assert page.status_code == 422
    field = page.text.split('id="file"', 1)[1].split("</div>", 1)[0]
    assert said in field and 'aria-invalid="true"' in field
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == before
