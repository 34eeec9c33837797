"""What the quarantine pages share: clock, profiles, settings, the day in the chosen place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from fireline.diseases.schemas import DiseaseProfile
from fireline.quarantine import deps, proposals
from fireline.quarantine.settings import QuarantineSettings
from fireline.web.deps import Page
from fireline.web.deps import actor_of as actor_of
from fireline.web.deps import form_int as form_int
from fireline.web.deps import session_of as session_of  # re-exported for this package's views


def now(page: Page) -> datetime:
    """The app's injectable clock, never the wall clock."""
    return page.clock.now()


def today(page: Page) -> date:
    """Today in the chosen jurisdiction's time zone."""
    return page.today()


def profiles_of(page: Page) -> Mapping[str, DiseaseProfile]:
    """The deployment's disease profiles (``FIRELINE_DISEASE_DIR``)."""
    return page.context.profiles


def settings_of(page: Page) -> QuarantineSettings:
    return deps.settings(page.request)


def symptom_names(page: Page, disease: str | None) -> dict[str, str]:
    profile = profiles_of(page).get(disease or "")
    if profile is None:
        return {}
    return {
        s.code: s.names.zh if page.language == "zh" else s.names.en for s in profile.symptoms.items
    }


def waiting(page: Page) -> int:
    """Proposed orders waiting under the chosen jurisdiction: the subnav's count."""
    return proposals.waiting(session_of(page), actor_of(page), page.here)
