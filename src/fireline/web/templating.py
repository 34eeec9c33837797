"""The one Jinja2 environment of the app, built by ``install_pages`` (never at import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final
from weakref import WeakKeyDictionary

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, PrefixLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from fireline.settings import Settings
from fireline.translatable import N_
from fireline.web import i18n
from fireline.web.assets import AssetVersions
from fireline.web.nav import main_nav

PACKAGE_ROOT: Final = Path(__file__).parent.parent
STATIC_DIR: Final = Path(__file__).parent / "static"
ASSETS: Final = AssetVersions(STATIC_DIR)
# What scripts/build_vendor.mjs copies; a page needs all of them for charts and htmx.
VENDOR_FILES: Final = (
    "htmx.min.js",
    "vega.min.js",
    "vega-lite.min.js",
    "vega-embed.min.js",
    "cytoscape.min.js",
)


@dataclass(frozen=True)
class WebState:
    """What the pages share, kept on ``app.state.web``."""

    templates: Jinja2Templates
    translations: dict[str, NullTranslations]
    settings: Settings
    vendor_dir: Path

    def vendor_ready(self) -> bool:
        """Checked per request (a few stat calls) so `make vendor` needs no restart."""
        return all((self.vendor_dir / name).is_file() for name in VENDOR_FILES)


def template_folders(root: Path = PACKAGE_ROOT) -> dict[str, FileSystemLoader]:
    """Each package's ``templates/`` under its dotted name: ``reports/…``, ``tracing.venues/…``."""
    loaders: dict[str, FileSystemLoader] = {}
    for folder in sorted(root.rglob("templates")):
        if folder.is_dir() and "static" not in folder.parts:
            prefix = ".".join(folder.parent.relative_to(root).parts)
            loaders[prefix] = FileSystemLoader(folder)
    return loaders


@pass_context
def _gettext(context: Context, message: str) -> str:
    # The language differs per request while the environment is shared, so the
    # catalogue comes from the template context rather than an installed global.
    translations: NullTranslations = context["translations"]
    return translations.gettext(message)


# Per catalogue (dropped with it): (message, autoescape) -> what _() returns for it;
# bounded, since a template may translate text that is not a msgid (an import's detail).
TRANSLATIONS_KEPT: Final = 8192  # the catalogue holds about 1,300 msgids
_TRANSLATED: WeakKeyDictionary[NullTranslations, dict[tuple[str, bool], str]] = WeakKeyDictionary()


@pass_context
def _lean_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` and ``gettext`` in templates with jinja2.ext's newstyle meaning (Markup
    under autoescape, always %-formatted), in one call instead of three, and kept once
    made when no variable is given: a label macro translates its whole table per call,
    so a list of 50 cases made over a thousand translations per render."""
    translations: NullTranslations = context["translations"]
    autoescape = bool(context.eval_ctx.autoescape)
    if not variables:
        known = _TRANSLATED.get(translations)
        if known is None:
            known = _TRANSLATED.setdefault(translations, {})
        made = known.get((message, autoescape))
        if made is None:
            made = _translate(translations.gettext(message), autoescape, {})
            if len(known) < TRANSLATIONS_KEPT:  # _() of a row's detail must not grow it
                known[message, autoescape] = made
        return made
    return _translate(translations.gettext(message), autoescape, variables)


def _translate(text: str, autoescape: bool, variables: dict[str, Any]) -> str:
    result: str = (Markup(text) if autoescape else text) % variables
    return result


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    translations: NullTranslations = context["translations"]
    return translations.ngettext(singular, plural, count)


@pass_context
def _number(context: Context, value: float | int | None) -> str:
    return i18n.number(value, context["lang"])


@pass_context
def _total(context: Context, value: int) -> str:
    """A list's total as its reader should take it: beyond the count's cap
    (fireline.pagination.COUNT_CAP) "about" the estimate, or "more than" the cap."""
    shown = i18n.number(value, context["lang"])
    if getattr(value, "exact", True):
        return shown
    translations: NullTranslations = context["translations"]
    words = N_("about %(n)s") if getattr(value, "estimated", False) else N_("more than %(n)s")
    return _translate(translations.gettext(words), bool(context.eval_ctx.autoescape), {"n": shown})


@pass_context
def _rate(context: Context, value: float | None) -> str:
    return i18n.rate(value, context["lang"])


@pass_context
def _decimal(context: Context, value: float | None, places: int = 1) -> str:
    return i18n.decimal(value, places, context["lang"])


@pass_context
def _day(context: Context, value: date | None) -> str:
    return i18n.day(value, context["lang"]) if value is not None else "–"


@pass_context
def _long_date(context: Context, value: date) -> str:
    return i18n.long_date(value, context["lang"])


@pass_context
def _local_datetime(context: Context, value: datetime) -> str:
    """An instant in the chosen jurisdiction's time zone (SQLite hands back naive UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    place = context.get("jurisdiction")
    zone = place.timezone if place is not None else "Asia/Shanghai"
    return i18n.short_datetime(value, context["lang"], zone)


def static_url(path: str) -> str:
    """The asset's URL with its content hash (web/assets.py): cached for a year, and
    fetched anew as soon as the file changes."""
    return ASSETS.url(path)


def build_environment(root: Path = PACKAGE_ROOT) -> Environment:
    env = Environment(
        loader=PrefixLoader(dict(template_folders(root)), delimiter="/"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the package and change only with a release: without this
        # every page stats each template it uses (and macros.html) on every render.
        auto_reload=False,
    )
    # Collapse whitespace inside {% trans %} so msgids match what pybabel extracts
    # with ``trimmed = true`` in babel.cfg.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = env.globals["_"] = _lean_gettext
    env.filters["number"] = _number
    env.filters["total"] = _total
    env.filters["rate"] = _rate
    env.filters["decimal"] = _decimal
    env.filters["day"] = _day
    env.filters["long_date"] = _long_date
    env.filters["local_datetime"] = _local_datetime
    env.globals["static_url"] = static_url
    env.globals["main_nav"] = main_nav
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    env.globals["html_lang"] = i18n.HTML_LANG
    return env


def build_state(settings: Settings, *, vendor_dir: Path | None = None) -> WebState:
    templates = Jinja2Templates(env=build_environment())
    return WebState(
        templates=templates,
        translations=i18n.load_translations(),
        settings=settings,
        vendor_dir=vendor_dir or STATIC_DIR / "vendor",
    )
