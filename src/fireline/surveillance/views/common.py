"""What the surveillance pages share: permissions, disease names, periods.

Pages query nothing: they hand the services ``page.context``, whose actor is narrowed
to the chosen jurisdiction (``actor.within``), so scope stays in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Final

from fastapi import Request

from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Forbidden
from fireline.surveillance import service
from fireline.surveillance.caselist import can_read_cases
from fireline.web.deps import Page
from fireline.web.deps import actor_of as actor_of
from fireline.web.deps import session_of as session_of  # re-exported for this package's views

# The periods offered by the dashboard, in days ending today.
PERIODS: Final = (28, 56, 90, 180, 365)
DEFAULT_PERIOD: Final = 90
# Cases that count for incidence, Rt and growth (trends/service.py says why).
COUNTED: Final = ("confirmed", "probable")


def require_case_pages(actor: Actor) -> None:
    if not can_read_cases(actor):
        raise Forbidden()


def profiles(page: Page) -> Mapping[str, DiseaseProfile]:
    """The deployment's disease profiles (``FIRELINE_DISEASE_DIR``), as the context holds them."""
    return page.context.profiles


def disease_name(page: Page, code: str) -> str:
    profile = profiles(page).get(code)
    return (
        profile.names.zh
        if profile and page.language == "zh"
        else (profile.names.en if profile else code)
    )


def disease_options(page: Page) -> list[tuple[str, str]]:
    """(code, name) of the profiles with cases in the chosen subtree, most cases first,
    and the one the address asks for, known but without a case here yet."""
    counts = service.cases_by_disease(session_of(page), page.context.actor)
    known = profiles(page)
    with_cases = sorted((c for c in counts if c in known), key=lambda c: (-counts[c], c))
    # No case yet: the deployment's disease, not the first name in the alphabet (a new
    # profile such as cholera would otherwise become every empty form's default).
    default = page.state.settings.default_disease
    codes = with_cases or ([default] if default in known else sorted(known)[:1])
    asked = page.request.query_params.get("disease", "")
    if asked in known and asked not in codes:  # a link to a disease with no case here yet
        codes.append(asked)
    return [(code, disease_name(page, code)) for code in codes]


def all_disease_options(page: Page) -> list[tuple[str, str]]:
    return [(code, disease_name(page, code)) for code in sorted(profiles(page))]


def classification_names(page: Page, disease: str) -> dict[str, str]:
    """The profile's own names of its classifications, in the page language."""
    profile = profiles(page).get(disease)
    if profile is None:
        return {}
    return {
        c.code: c.names.zh if page.language == "zh" else c.names.en
        for c in profile.classifications.items
    }


def chosen_period(request: Request) -> int:
    try:
        days = int(request.query_params.get("days", DEFAULT_PERIOD))
    except ValueError:
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def period_bounds(page: Page, days: int) -> tuple[date, date]:
    end = page.today()
    return end - timedelta(days=days - 1), end


def jurisdiction_choices(page: Page) -> list[tuple[str, str]]:
    """The switcher's (code, indented name) list: every jurisdiction in the user's scope."""
    return page.switcher_options()
