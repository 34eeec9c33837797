"""Hostile files for the reader tests: a zip bomb shaped like a workbook, a Latin-1 CSV."""

from __future__ import annotations

import functools
import io
import zipfile

from fireline.interop.limits import MB

LATIN1_CSV = "name,city\nMüller,Köln\nJosé,São Paulo\nFrançois,Zürich\n".encode("latin-1")


@functools.cache  # deflating 200 MB takes seconds; the archive is the same every time
def bomb(unpacked: int) -> bytes:
    """A workbook-shaped archive whose one sheet inflates to ``unpacked`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * MB
            for _ in range(unpacked // MB):
                sheet.write(chunk)
    return buffer.getvalue()
