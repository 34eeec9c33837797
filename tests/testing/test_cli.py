"""``fireline testing``: import-results (CSV, FHIR) and campaign-status; errors as one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.testing.pooling import campaigns
from fireline.testing.pooling.schemas import CampaignCreate, SiteCreate
from tests.cli_runner import run
from tests.places.factories import small_tree
from tests.testing.factories import DEPLOYED, DEPLOYED_LOINC, context_of, deployment_folder

FHIR = Path(__file__).parent.parent / "data" / "fhir"
CSV = (
    "barcode,disease,outcome,resulted_at,loinc,result_id,ct_N,jurisdiction_code,sample_type,"
    "collected_at,name,national_id\n"
    "B-1,covid19,positive,2026-01-02T08:00:00+00:00,94500-6,R-1,24.5,C1A,nasopharyngeal_swab,"
    "2026-01-02T01:00:00+00:00,Ann Lee,ID0001\n"
)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        small_tree(session)
        made = campaigns.create_campaign(
            session,
            context_of(),
            CampaignCreate(
                name="Round one",
                disease="covid19",
                jurisdiction_code="C1A",
                prevalence=0.001,
                starts_on=date(2026, 1, 2),
            ),
        )
        campaigns.add_site(
            session,
            system_actor(),
            made.id,
            SiteCreate(code="S1", name="Gym", capacity_per_hour=500),
        )
    engine.dispose()
    return path


def test_import_results_csv_twice_is_a_no_op(database: Path, tmp_path: Path) -> None:
    file = tmp_path / "results.csv"
    file.write_text(CSV)
    first = run(["testing", "import-results", str(file)], database)
    assert first.exit_code == 0, first.output
    assert "1 new" in first.output and "1 cases created" in first.output
    again = run(["testing", "import-results", str(file)], database)
    assert again.exit_code == 0 and "received before, nothing changed" in again.output


def test_import_results_fhir(database: Path) -> None:
    bundle = FHIR / "covid_positive_bundle.json"
    found = run(["testing", "import-results", str(bundle), "--jurisdiction", "C1A"], database)
    assert found.exit_code == 0, found.output
    assert "(fhir)" in found.output and "new" in found.output


def test_bad_files_fail_with_one_line(database: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("24.5", "99"))
    refused = run(["testing", "import-results", str(bad)], database)
    assert refused.exit_code == 1
    assert "line 2" in refused.output and "Ct 99" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    missing = run(["testing", "import-results", str(tmp_path / "nope.csv")], database)
    assert missing.exit_code == 1 and "cannot read" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle", "type": "collection", "entry": [{}]}')
    assert run(["testing", "import-results", str(broken)], database).exit_code == 1


def test_import_results_knows_the_deployment_s_diseases(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "results.csv"
    file.write_text(
        CSV.replace("covid19", DEPLOYED)
        .replace("94500-6", DEPLOYED_LOINC)
        .replace(",positive,", ",negative,")
    )
    refused = run(["testing", "import-results", str(file)], database)
    assert refused.exit_code == 1 and "unknown disease 'testpox'" in refused.output
    monkeypatch.setenv("FIRELINE_DISEASE_DIR", str(deployment_folder(tmp_path)))
    found = run(["testing", "import-results", str(file)], database)
    assert found.exit_code == 0, found.output
    assert "1 new" in found.output


def test_campaign_status(database: Path) -> None:
    found = run(["testing", "campaign-status", "1", "--now", "2026-01-02T09:30+08:00"], database)
    assert found.exit_code == 0, found.output
    assert "campaign 1 'Round one'" in found.output and "site S1" in found.output
    assert "2026-01-02 01:30" in found.output  # the --now instant, shown in UTC
    unknown = run(["testing", "campaign-status", "99"], database)
    assert unknown.exit_code == 1 and "campaign 99" in unknown.output
