"""The pages' Python-side messages are translated too.

``web/babel.cfg`` scans ``**/views.py`` only, so the messages of the
``surveillance/views/`` package are checked here until it scans sub-packages.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from fireline.surveillance import views
from fireline.web import i18n

PACKAGE = Path(views.__file__).parent


def test_view_messages_have_chinese() -> None:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: set[str] = set()
    for module in PACKAGE.glob("*.py"):
        found |= {str(m) for _l, m, _c, _x in extract_from_file("python", str(module), keywords)}
        found |= set(re.findall(r'(?:page\.gettext|\bg)\("([^"]+)"\)', module.read_text()))
    with (i18n.TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {str(m.id): m.string for m in read_po(handle) if m.id}
    assert len(found) > 20
    assert not sorted(m for m in found if m != "%(detail)s" and not catalogue.get(m))
