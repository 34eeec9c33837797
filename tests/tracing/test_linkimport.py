"""Reference outbreaks loaded through the case import and ``import-links``, with reports."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.analytics.offspring import superspreaders
from fireline.auth.scope import Actor
from fireline.jurisdictions.importer import bundled_divisions
from fireline.places.models import Jurisdiction
from fireline.tracing import clusters
from fireline.tracing.linkimport import import_links
from fireline.tracing.models import TransmissionLink
from tests.cli_runner import run
from tests.places.factories import small_tree

from .factories import OUTBREAKS, import_reference


def admin_of(session: Session) -> tuple[Actor, Jurisdiction]:
    tree = small_tree(session)
    place = tree["C1A"]
    return Actor(None, "epi", "admin", place.id, place.path), place


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(TransmissionLink)) or 0)


def test_ebola_sim_problems_are_reported_not_loaded(session: Session) -> None:
    actor, place = admin_of(session)
    assert (
        import_reference(
            session,
            place,
            "ebola_sim_linelist.csv",
            "case_id",
            "date_of_onset",
            "ebola-sim",
        )
        == 5888
    )
    links = (OUTBREAKS / "ebola_sim_contacts.csv").read_text()
    lines = (OUTBREAKS / "ebola_sim_linelist.csv").read_text()
    strict = import_links(session, actor, links_text=links, source="ebola-sim", linelist_text=lines)
    kinds = Counter((p.kind, p.severity) for p in strict.problems)
    assert kinds == {
        ("missing_end", "error"): 1639,
        ("generation", "error"): 2,
        ("onset_before_infection", "warning"): 59,
    }
    assert not strict.committed and stored(session) == 0
    loaded = import_links(
        session,
        actor,
        links_text=links,
        source="ebola-sim",
        linelist_text=lines,
        good_rows_only=True,
    )
    assert loaded.loaded == 3800 - 1639 - 2 == stored(session)
    chains = clusters.load_chains(session, actor, "ebola")
    rows = list(csv.DictReader(lines.splitlines()))
    column = np.array([int(r["generation"]) for r in rows])
    assert len(chains.ids) == 5888 and int(chains.table.sizes.max()) >= 10
    # Within each chain the column minus the computed generation is constant.
    offset = column - chains.table.generation  # cases were created in file order
    linked = np.zeros(5888, dtype=bool)
    linked[chains.src] = linked[chains.dst] = True
    for number in np.unique(chains.table.cluster[linked]):
        members = offset[(chains.table.cluster == number) & linked]
        assert np.all(members == members[0])


def test_mers_korea_superspreaders_from_the_database(session: Session) -> None:
    actor, place = admin_of(session)
    import_reference(
        session,
        place,
        "mers_korea_2015_linelist.csv",
        "id",
        "dt_onset",
        "mers-kr",
        disease="covid19",
    )  # a stand-in: Fireline ships no MERS profile
    text = (OUTBREAKS / "mers_korea_2015_contacts.csv").read_text()
    report = import_links(session, actor, source="mers-kr", links_text=text)
    # The ECDC compilation gives SK_39 three putative infectors and SK_107 two; Fireline
    # keeps one infector per case, so the later ones are reported.
    assert Counter(p.kind for p in report.problems) == {"second_infector": 3}
    assert {p.message.split()[0] for p in report.problems} == {"SK_39", "SK_107"}
    assert not report.committed
    report = import_links(session, actor, source="mers-kr", links_text=text, good_rows_only=True)
    assert report.loaded == 95
    chains = clusters.load_chains(session, actor, "covid19")
    found, _ = superspreaders(chains.table.offspring, threshold=20)
    assert sorted(int(chains.table.offspring[i]) for i in found) == [21, 26, 38]
    assert [c.size for c in clusters.cluster_list(chains)][:2] == [94, 3]


def test_hagelloch_measles_from_its_infector_column(session: Session) -> None:
    actor, place = admin_of(session)
    import_reference(
        session,
        place,
        "measles_hagelloch_1861.csv",
        "case_ID",
        "date_of_prodrome",
        "hagelloch",
        disease="measles",
        shift_years=160,
    )
    rows = list(csv.DictReader((OUTBREAKS / "measles_hagelloch_1861.csv").open()))
    text = "from,to\n" + "".join(f"{r['infector']},{r['case_ID']}\n" for r in rows if r["infector"])
    report = import_links(session, actor, links_text=text, source="hagelloch")
    assert report.loaded == 184 and report.problems == []
    sizes = [c.size for c in clusters.cluster_list(clusters.load_chains(session, actor), 1)]
    assert sizes == [173, 9, 5, 1]


def test_a_cycle_in_a_file_stores_nothing(session: Session) -> None:
    actor, place = admin_of(session)
    import_reference(
        session,
        place,
        "mers_korea_2015_linelist.csv",
        "id",
        "dt_onset",
        "mers-kr",
        disease="covid19",
    )
    text = "from,to\nSK_1,SK_2\nSK_2,SK_3\nSK_3,SK_1\nSK_1,SK_4\n"
    report = import_links(session, actor, links_text=text, source="mers-kr")
    assert [(p.line, p.kind) for p in report.problems] == [(2, "cycle"), (3, "cycle"), (4, "cycle")]
    assert not report.committed and stored(session) == 0


@pytest.mark.parametrize("good_only", [False, True])
def test_cli_import_links(tmp_path: Path, good_only: bool) -> None:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    run(["jurisdictions", "import", str(bundled_divisions())], database)
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "id,name,location,date_reporting\nK1,Ann,330102,2024-03-02\nK2,Bo,330102,2024-03-03\n",
        encoding="utf-8",
    )
    assert run(["cases", "import", str(cases), "--disease", "covid19"], database).exit_code == 0
    links = tmp_path / "links.csv"
    links.write_text("from,to\nK1,K2\nK9,K1\n", encoding="utf-8")
    args = ["tracing", "import-links", str(links), *(["--good-rows-only"] if good_only else [])]
    result = run(args, database)
    assert "links line 3, missing_end (error): from 'K9' is not a case from file" in result.output
    if good_only:
        assert result.exit_code == 0 and "2 links read, 1 stored, 1 errors" in result.output
    else:
        assert result.exit_code == 1 and "nothing was stored" in result.output
