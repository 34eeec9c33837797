"""``_()`` in templates keeps Jinja's newstyle meaning while it keeps what it made."""

from __future__ import annotations

import pytest

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
