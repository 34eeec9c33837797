"""Find a CSV file's encoding and the lines that do not fit it.

Chinese public-health line lists arrive in three encodings: UTF-8, UTF-8 with a
byte order mark (what Excel writes for "CSV UTF-8") and GB18030 (what Excel and
WPS write on a Chinese Windows, a superset of GBK and GB2312; GB 18030-2022).
The rule: a BOM means UTF-8; bytes that are valid UTF-8 are UTF-8 (GB18030 text
of any length is almost never valid UTF-8, because its lead bytes 0x81-0xFE are
followed by bytes that UTF-8 reserves for continuation or lead positions); else
GB18030.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

UTF8_SIG = "utf-8-sig"
UTF8 = "utf-8"
GB18030 = "gb18030"


@dataclass
class Decoded:
    """Text as UTF-8 bytes, the encoding found, and the physical lines that failed it."""

    data: bytes
    encoding: str
    bad_lines: list[int] = field(default_factory=list)


def detect(raw: bytes) -> str:
    """``utf-8-sig`` when a BOM leads, ``utf-8`` when the bytes are valid UTF-8,
    else ``gb18030``."""
    return to_utf8(raw).encoding


def to_utf8(raw: bytes) -> Decoded:
    """The file as UTF-8 bytes (what pyarrow's CSV reader parses natively).

    Decoding is strict; each line with bytes the detected encoding cannot decode is
    recorded (1-based) and decoded with U+FFFD replacements, so that the rows after
    it keep their place and the report can name the line.
    """
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8) :]
        bad = _bad_lines(body, UTF8)
        return Decoded(_recode(body, UTF8) if bad else body, UTF8_SIG, bad)
    if not _bad_lines(raw, UTF8, limit=1):
        return Decoded(raw, UTF8)
    bad = _bad_lines(raw, GB18030)
    return Decoded(_recode(raw, GB18030), GB18030, bad)


def _recode(raw: bytes, codec: str) -> bytes:
    return raw.decode(codec, errors="replace").encode(UTF8)


def _bad_lines(raw: bytes, codec: str, limit: int | None = None) -> list[int]:
    """Lines that fail to decode: one decode attempt per bad line, not one per line."""
    bad: list[int] = []
    start, line, counted_to = 0, 1, 0
    view = memoryview(raw)
    while True:
        try:
            codecs.decode(view[start:], codec)
            return bad
        except UnicodeDecodeError as exc:
            position = start + exc.start
        line_start = raw.rfind(b"\n", 0, position) + 1
        line += raw.count(b"\n", counted_to, line_start)
        counted_to = line_start
        bad.append(line)
        if limit is not None and len(bad) >= limit:
            return bad
        line_end = raw.find(b"\n", position)
        if line_end < 0:
            return bad
        start = line_end + 1
