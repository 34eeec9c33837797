"""The disease-profile pages: the list of profiles in force and one profile with its
delays, case definitions with their criteria, release rule, playbook and sources."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.diseases.loader import load_profiles
from fireline.diseases.reading import delay_curves
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in


@pytest.fixture
def client(session: Session, app_factory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    small_tree(session)
    make_user(session, "viewer", "viewer", "C1A")
    session.commit()
    with TestClient(app_factory()) as test_client:
        log_in(test_client, "viewer")
        yield test_client


def test_the_list_names_every_profile_with_its_delays(client: TestClient) -> None:
    page = client.get("/diseases?lang=en").text
    for code in load_profiles():
        assert f'href="/diseases/{code}"' in page
    cholera = page.split('data-disease="cholera"')[1].split("</tr>")[0]
    assert "Cholera" in cholera and "0–5 days" in cholera and "median 1.4" in cholera
    assert "mean 3.7, sd 2.0 days" in cholera and "on every confirmed case" in cholera
    assert "霍乱" in client.get("/diseases?lang=zh").text


def test_a_profile_shows_criteria_deadlines_release_and_its_sources(client: TestClient) -> None:
    page = client.get("/diseases/cholera?lang=en").text
    suspected = page.split('data-classification="suspected"')[1].split("</tr>")[0]
    assert "acute watery diarrhoea and severe dehydration" in suspected
    assert 'href="#source-gtfcc_surveillance"' in suspected
    notify = page.split('data-task="notify"')[1].split("</tr>")[0]
    assert "2 h" in notify and "County level" in notify
    water = page.split('data-task="water"')[1].split("</tr>")[0]
    assert "24 h" in water and "Investigate the case" in water  # it waits for the interview
    release = page.split('id="release"')[1].split("</div>")[0]
    assert "2 negative tests in a row, at least 24 hours apart" in release
    assert "Diarrhoea and vomiting have stopped" in release
    assert "monitoring only" in page  # contacts are watched, not quarantined
    # every cited number points at a listed source
    for key in set(re.findall(r'href="#source-(\w+)"', page)):
        assert f'id="source-{key}"' in page
    assert "https://doi.org/10.1016/j.jinf.2012.11.013" in page
    spec = json.loads(page.split('id="delay-spec">')[1].split("</script>")[0])
    assert {v["what"] for v in spec["data"]["values"]} == {"Incubation period", "Serial interval"}


def test_the_chinese_page_gives_the_criteria_in_chinese(client: TestClient) -> None:
    page = client.get("/diseases/measles?lang=zh").text
    assert "发热并出现斑丘疹" in page and "报告病例" in page and "24 小时" in page
    assert "Fever and a maculopapular" not in page


def test_an_unknown_disease_is_a_page_not_a_trace(client: TestClient) -> None:
    response = client.get("/diseases/plague?lang=en")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_the_curves_follow_the_profiles_medians() -> None:
    """The incubation curve of a lognormal profile peaks before its median, and its
    area over the drawn days is close to 1 (the days cover the distribution)."""
    for profile in load_profiles().values():
        curves = {c.what: c for c in delay_curves(profile)}
        assert "serial_interval" in curves
        for curve in curves.values():
            step = curve.days[1] - curve.days[0]
            assert 0.95 < sum(curve.density) * step < 1.05, (profile.code, curve.what)
        median = profile.incubation_period.distribution.median
        if median is not None and profile.incubation_period.distribution.name == "lognormal":
            inc = curves["incubation"]
            peak = inc.days[inc.density.index(max(inc.density))]
            assert peak <= median


def test_the_dashboards_disease_picker_links_to_the_profile(client: TestClient) -> None:
    page = client.get("/surveillance?j=C1A&disease=cholera&lang=en").text
    assert 'id="disease-profile-link"' in page and 'href="/diseases/cholera"' in page
