"""Code cites the project's own architecture page, by headings that exist there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    path
    for folder in ("src", "scripts", "bench")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".py", ".yaml", ".mjs", ".html", ".js"} and "vendor" not in path.parts
]
CITATION = re.compile(r'docs/architecture\.md,\s+"([^"]+)"')


def test_no_source_cites_a_design_document_outside_the_repository() -> None:
    citing = [str(p.relative_to(ROOT)) for p in SOURCES if "DESIGN.md" in p.read_text("utf-8")]
    assert citing == []


def test_every_cited_principle_is_a_heading_of_the_architecture_page() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    headings = {line.lstrip("#").strip() for line in page.splitlines() if line.startswith("#")}
    cited = {
        (str(path.relative_to(ROOT)), " ".join(name.split()))
        for path in SOURCES
        for name in CITATION.findall(path.read_text("utf-8"))
    }
    assert cited, "no citation found: the pattern no longer matches the docstrings"
    missing = sorted((where, name) for where, name in cited if name not in headings)
    assert missing == []
