"""``_()`` in templates keeps Jinja's newstyle meaning while it keeps what it made."""

from __future__ import annotations

import pytest

from fireline.pagination import Total
from fireline.web import templating
from fireline.web.i18n import load_translations
from fireline.web.templating import build_environment

SOURCE = (
    '{{ _("Confirmed") }}|{{ _("<b>") }}|{{ _("%(n)s of %(m)s", n="<i>", m=2) }}|'
    '{{ _("100%%") }}|{{ _("Confirmed") }}'
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_translations_escape_format_and_are_kept_within_bounds(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = load_translations()[lang]
    env = build_environment()
    page = env.from_string(SOURCE)
    confirmed, tag, formatted, percent, again = page.render(translations=catalogue).split("|")
    assert confirmed == again == catalogue.gettext("Confirmed")
    assert (lang == "zh") == (confirmed != "Confirmed")
    # As in Jinja: the message is trusted markup, the values are escaped.
    assert tag == "<b>" and formatted == "&lt;i&gt; of 2" and percent == "100%"
    stock = build_environment()  # Jinja's own newstyle callables, as before the lean one
    stock.install_gettext_callables(templating._gettext, templating._ngettext, newstyle=True)  # type: ignore[attr-defined]
    stock.globals["_"] = stock.globals["gettext"]  # what _() resolves to in Jinja
    assert stock.globals["_"] is not templating._lean_gettext
    assert stock.from_string(SOURCE).render(translations=catalogue) == page.render(
        translations=catalogue
    )
    monkeypatch.setattr(templating, "TRANSLATIONS_KEPT", 3)
    for n in range(10):
        env.from_string("{{ _(text) }}").render(translations=catalogue, text=f"detail {n}")
    assert len(templating._TRANSLATED[catalogue]) <= 3


PAGER = (
    '{% from "web/macros.html" import pager with context %}{{ total|total }}|'
    "{% macro link(n) %}?page={{ n }}{% endmacro %}{{ pager(2, 4, link, total) }}"
)


@pytest.mark.parametrize(
    ("lang", "total", "said", "pages"),
    [
        ("en", Total(1_234_000, exact=False, estimated=True), "about 1,234,000", "of about 4"),
        ("zh", Total(1_234_000, exact=False, estimated=True), "约 1,234,000", "约 4 页"),
        ("en", Total(10_000, exact=False), "more than 10,000", "of more than 4"),
        ("zh", Total(10_000, exact=False), "超过 10,000", "超过 4 页"),
        ("en", Total(180), "180", "Page 2 of 4"),
    ],
)
def test_a_total_says_whether_it_is_estimated_and_next_follows_the_cursor(
    lang: str, total: Total, said: str, pages: str
) -> None:
    env = build_environment()
    page = env.from_string(PAGER)
    shown = total.beside(more=True, next_cursor="abc_-9")
    context = {"translations": load_translations()[lang], "lang": lang}
    words, pager = page.render(total=shown, **context).split("|", 1)
    assert words == said and pages in pager
    assert 'href="?page=3&amp;after=abc_-9" rel="next"' in pager
    assert "?page=1" in pager  # the page numbers' links still work
