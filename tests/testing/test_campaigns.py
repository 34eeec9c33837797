"""Campaign set-up checks its target: a zone campaign needs an active zone of its area."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.testing.pooling.campaigns import create_campaign
from fireline.testing.pooling.schemas import CampaignCreate
from tests.places.factories import small_tree
from tests.testing.factories import DEPLOYED, context_of, deployment_folder
from tests.zones.factories import draw


def _body(**values: object) -> CampaignCreate:
    base = {
        "name": "Zone round",
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "target_kind": "zone",
        "prevalence": 0.01,
        "starts_on": date(2026, 1, 2),
    }
    return CampaignCreate.model_validate({**base, **values})


def _lab(place: Jurisdiction) -> Actor:
    return Actor(None, "lab", "lab", place.id, place.path)


def test_a_zone_campaign_targets_an_active_zone_of_its_area(session: Session) -> None:
    tree = small_tree(session)
    mine = draw(session, tree["C1A"], name="Here")
    theirs = draw(session, tree["C2A"], name="There")
    lab = _lab(tree["C1A"])
    campaign = create_campaign(session, context_of(lab), _body(zone_id=mine.id, population=40))
    assert campaign.zone_id == mine.id and campaign.population == 40
    with pytest.raises(Problem) as missing:
        create_campaign(session, context_of(lab), _body())
    assert missing.value.status == 422
    assert missing.value.extensions["errors"][0]["path"] == "zone_id"
    with pytest.raises(Problem) as foreign:
        create_campaign(session, context_of(lab), _body(zone_id=theirs.id))
    assert foreign.value.status == 404


def test_a_campaign_for_a_deployment_disease_uses_its_profile(
    session: Session, tmp_path: Path
) -> None:
    """The pool size is capped by the deployment profile's ``max_pool_size`` (5 here)."""
    tree = small_tree(session)
    body = _body(disease=DEPLOYED, target_kind="jurisdiction", prevalence=0.0001)
    with pytest.raises(Problem) as unknown:
        create_campaign(session, context_of(_lab(tree["C1A"])), body)
    assert unknown.value.status == 422 and "testpox" in unknown.value.detail
    deployed = context_of(_lab(tree["C1A"]), disease_dir=deployment_folder(tmp_path))
    campaign = create_campaign(session, deployed, body)
    assert campaign.disease == DEPLOYED and campaign.pool_size == 5
