"""The report as HTML and PDF: one Jinja template with print CSS for A4, charts drawn
on the server by vl-convert from the pages' own Vega-Lite specs (inlined as SVG, so the
document needs no browser and no network), and WeasyPrint for the PDF."""

from __future__ import annotations

import copy
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

import vl_convert
from babel.support import NullTranslations
from jinja2 import Environment
from markupsafe import Markup

from fireline.care.bedchart import bed_chart
from fireline.reports.sitrep.figures import EPICURVE_DAYS, Gathered
from fireline.reports.sitrep.narrative import figure_rows, page_links, sentences
from fireline.surveillance.views import charts
from fireline.surveillance.views.outlook_chart import outlook_chart
from fireline.web import i18n
from fireline.web.templating import build_environment
from fireline.zones.levels import load_levels

CHART_WIDTH: Final = 620  # points: the A4 text width at the report's margins
CHART_HEIGHT: Final = 170
FONT_DIRS: Final = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype")
FORMATS: Final = ("html", "pdf")
MEDIA_TYPES: Final = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@cache
def _environment() -> Environment:
    return build_environment()


@cache
def _translations() -> dict[str, NullTranslations]:
    return i18n.load_translations()


@cache
def _fonts() -> None:
    # vl-convert reads its own font database: add Debian's (fonts-noto-cjk) for Chinese.
    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vl_convert.register_font_directory(folder)


def svg(spec: dict[str, Any]) -> Markup:
    """A page's Vega-Lite spec drawn as SVG at the report's width."""
    _fonts()
    fixed = copy.deepcopy(spec)
    fixed["width"] = CHART_WIDTH
    # Shorter than on screen, so that a chart and its section fit on one A4 page.
    fixed["height"] = min(int(fixed.get("height", CHART_HEIGHT)), CHART_HEIGHT)
    fixed.pop("$schema", None)
    # No generated ARIA text ("X-axis titled … for a time scale"): it is English whatever
    # the language; the chart's own label is on its container.
    fixed["config"] = {**fixed.get("config", {}), "aria": False}
    drawn = vl_convert.vegalite_to_svg(vl_spec=fixed, vl_version="6.4")
    return Markup(drawn)


def _chart_text(gettext: Any) -> dict[str, str]:
    g = gettext
    return {
        "x": g("Date of report"),
        "y": g("Cases"),
        "mean": g("Mean"),
        "incomplete": g("Incomplete: onsets of these days are still being reported"),
        "reported": g("Reported by today"),
        "nowcast": g("Nowcast"),
        "forecast": g("Forecast"),
        "median": g("Median"),
        "band50": g("50% interval"),
        "band90": g("90% interval"),
        "capacity": g("Capacity"),
    }


def chart_svgs(found: Gathered, gettext: Any) -> dict[str, Any]:
    """The epicurve (the dashboard's onset chart with its nowcast when there is one,
    else its report-date bars), Rt and the care page's bed charts."""
    text = _chart_text(gettext)
    day = found.sitrep.report_date
    out: dict[str, Any] = {"epicurve": None, "rt": None, "beds": []}
    if found.outlook is not None:
        out["epicurve"] = svg(outlook_chart(found.outlook, {**text, "x": gettext("Date of onset")}))
    elif found.reported:
        rows = [
            {"date": r.date.isoformat(), "classification": r.classification, "cases": r.cases}
            for r in found.reported
        ]
        labels = {"confirmed": gettext("Confirmed"), "probable": gettext("Probable")}
        start = day - timedelta(days=EPICURVE_DAYS - 1)
        out["epicurve"] = svg(charts.epicurve(rows, labels, start, day, text))
    if found.rt is not None and found.rt.windows:
        windows = [
            {"date": w.date_end.isoformat(), "mean": w.mean, "lower": w.lower, "upper": w.upper}
            for w in found.rt.windows
        ]
        start = found.rt.windows[0].date_start
        rt_text = {**text, "x": gettext("Date of onset (end of 7-day window)")}
        out["rt"] = svg(charts.rt_chart(windows, start, day, found.rt_shade_from, rt_text))
    # The care page's axis titles (care/views.py), not the case charts'.
    beds = {**text, "x": gettext("Date"), "y": gettext("Beds occupied")}
    out["beds"] = [(w.forecast.ward.kind, svg(bed_chart(w.forecast, beds))) for w in found.wards]
    return out


def html(found: Gathered, language: str, *, standalone: bool = True) -> str:
    """The report as an HTML document (``standalone``) or as the page's fragment."""
    translations = _translations()[language]
    template = _environment().get_template("reports.sitrep/document.html")
    return template.render(
        lang=language,
        translations=translations,
        jurisdiction=None,
        standalone=standalone,
        report=found.sitrep,
        sentences=sentences(found.sitrep, language, translations.gettext),
        figures=figure_rows(found.sitrep),
        links=page_links(found.sitrep),
        charts=chart_svgs(found, translations.gettext),
        level_names={level.code: level.name(language) for level in load_levels().levels},
    )


def pdf(found: Gathered, language: str, base_url: str | None = None) -> bytes:
    """The report as A4 PDF (WeasyPrint, fonts from the system: fonts-noto-cjk); its
    links to the pages start with ``base_url`` (the server's address) when given."""
    import weasyprint  # type: ignore[import-untyped]  # heavy: paid only for a PDF

    document = html(found, language)
    written: bytes = weasyprint.HTML(string=document, base_url=base_url).write_pdf()
    return written


def render(found: Gathered, language: str, fmt: str, base_url: str | None = None) -> bytes:
    if fmt == "pdf":
        return pdf(found, language, base_url)
    return html(found, language).encode()
