"""What every Vega-Lite chart of the pages shares: the schema, the fonts (Chinese glyphs
on a machine without the page's own fonts) and the base config. The report draws the
same specs on the server (fireline.reports.sitrep.render)."""

from __future__ import annotations

from typing import Any, Final

SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"
FONT: Final = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
CONFIG: Final[dict[str, Any]] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11},
}
