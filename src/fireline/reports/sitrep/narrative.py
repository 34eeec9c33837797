"""The report's short sentences, from translated templates, each figure linked to the
page it comes from; and the figures table that lists every figure once, by its path in
the JSON answer, so that a reader (and the tests) can find each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from fireline.reports.sitrep.schemas import Sitrep
from fireline.surveillance.trends.headline import MIN_CASES
from fireline.web import i18n
from fireline.web.i18n import N_

Gettext = Callable[[str], str]


def page_links(sitrep: Sitrep) -> dict[str, str]:
    """Where each figure comes from: the page showing it for the same place."""
    code, disease = sitrep.place.code, sitrep.disease
    j = urlencode({"j": code})
    return {
        "cases": "/surveillance?" + urlencode({"j": code, "disease": disease, "days": 28}),
        "alerts": "/surveillance?" + urlencode({"j": code, "disease": disease}) + "#alerts",
        "responses": "/response/league?" + urlencode({"j": code, "level": "county"}),
        "follow_up": "/quarantine?" + j,
        "screening": "/testing/campaigns?" + j,
        "zones": "/zones?" + j,
        "beds": "/care?" + urlencode({"j": code, "disease": disease}),
    }


@dataclass(frozen=True)
class Writer:
    language: str
    gettext: Gettext
    links: dict[str, str]

    def number(self, value: float | int | None, page: str) -> Markup:
        return self.link(i18n.number(value, self.language), page)

    def day(self, value: date) -> Markup:
        return Markup(escape(i18n.day(value, self.language)))

    def link(self, text: str, page: str) -> Markup:
        return Markup('<a class="figure" href="{}">{}</a>').format(self.links[page], text)

    def sentence(self, template: str, **values: Markup) -> Markup:
        # The template is escaped first, then the figures (already markup) go in.
        return Markup(str(escape(self.gettext(template))).format(**values))


def _cases(w: Writer, s: Sitrep) -> Iterator[Markup]:
    yield w.sentence(
        N_("{new} new cases were reported on {day}, {cumulative} in all."),
        new=w.number(s.new_cases, "cases"),
        day=w.day(s.report_date),
        cumulative=w.number(s.cumulative_cases, "cases"),
    )
    if s.rt is not None:
        yield w.sentence(
            N_(
                "Rt was {rt} ({lower} to {upper}) in the last complete 7-day window, "
                "ending {end}; the last {days} days are left out as still being reported."
            ),
            rt=w.link(i18n.decimal(s.rt.mean, 2, w.language), "cases"),
            lower=w.link(i18n.decimal(s.rt.lower, 2, w.language), "cases"),
            upper=w.link(i18n.decimal(s.rt.upper, 2, w.language), "cases"),
            end=w.day(s.rt.window_end),
            days=w.number(s.rt.incomplete_days, "cases"),
        )
    else:
        yield w.sentence(
            N_("Rt is not shown: fewer than {minimum} cases in the last complete 7-day window."),
            minimum=Markup(escape(i18n.number(MIN_CASES, w.language))),  # a rule, not a figure
        )
    g = s.growth
    if g.growth_rate is not None:
        yield w.sentence(
            N_("Over the last {window} days cases changed by {rate} a day."),
            window=w.number(g.window_days, "cases"),
            rate=w.link(f"{g.growth_rate:+.1%}", "cases"),
        )


def _operations(w: Writer, s: Sitrep) -> Iterator[Markup]:
    yield w.sentence(
        N_("{opened} alerts were raised for the day and {closed} were closed."),
        opened=w.number(s.alerts.opened, "alerts"),
        closed=w.number(s.alerts.closed, "alerts"),
    )
    overdue = sum(r.overdue_tasks for r in s.responses)
    yield w.sentence(
        N_("{overdue} response tasks are overdue."), overdue=w.number(overdue, "responses")
    )
    f = s.follow_up
    yield w.sentence(
        N_("{active} people are under follow-up; {silent} have not reported for a day."),
        active=w.number(f.under_follow_up, "follow_up"),
        silent=w.number(f.non_reporting, "follow_up"),
    )
    active = sum(1 for z in s.zones if z.status == "active")
    yield w.sentence(
        N_("{zones} risk zones are in force and {rounds} screening campaigns are running."),
        zones=w.number(active, "zones"),
        rounds=w.number(len(s.screening), "screening"),
    )
    occupied = sum(b.occupied for b in s.beds)
    capacity = sum(b.capacity for b in s.beds)
    if capacity:
        yield w.sentence(
            N_("{occupied} of {capacity} beds are occupied."),
            occupied=w.number(occupied, "beds"),
            capacity=w.number(capacity, "beds"),
        )
    else:
        yield w.sentence(N_("There are no hospital beds recorded here."))


def sentences(sitrep: Sitrep, language: str, gettext: Gettext) -> list[Markup]:
    w = Writer(language, gettext, page_links(sitrep))
    return [*_cases(w, sitrep), *_operations(w, sitrep)]


def _plain(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def figure_rows(sitrep: Sitrep) -> list[tuple[str, str]]:
    """Every number and date of the report as (path in the JSON answer, value as
    written there): list items are named by their code (or kind, or id)."""
    rows: list[tuple[str, str]] = []
    data = sitrep.model_dump(exclude={"place", "epicurve", "as_of", "disease"})
    for key, value in data.items():
        rows += list(_walk(key, value))
    return rows


def _item_name(item: dict[str, Any]) -> str:
    if "place" in item and "campaign_id" not in item:
        return str(item["place"]["code"])
    for key in ("campaign_id", "zone_id", "kind"):
        if key in item:
            return str(item[key])
    return "?"


def _walk(path: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("place", "name", "name_en", "name_zh", "level", "status"):
                yield from _walk(f"{path}.{key}", inner)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(f"{path}.{_item_name(item)}", item)
    elif not isinstance(value, str):  # names and codes are words, not figures
        yield path, _plain(value)
