"""Find a CSV file's encoding and the lines that do not fit it; refuse what is not text.

Chinese public-health line lists arrive in UTF-8, UTF-8 with a byte order mark (what
Excel writes for "CSV UTF-8"), GB18030 (what Excel and WPS write on a Chinese Windows,
a superset of GBK and GB2312; GB 18030-2022) and UTF-16 (Excel's "Unicode Text").
The rules, in order:

1. A BOM names the encoding: UTF-8, UTF-16 LE or BE (Unicode 15, section 23.8).
2. NUL bytes never occur in UTF-8 or GB18030 text. When most bytes at odd (or even)
   offsets are NUL the file is UTF-16 without a BOM (the ASCII commas, digits and line
   ends of a CSV); any other NUL, or other C0 control bytes, means binary data: refused.
3. Bytes that are valid UTF-8 are UTF-8 (GB18030 text of any length is almost never
   valid UTF-8: its lead bytes 0x81-0xFE are followed by bytes that UTF-8 reserves).
4. Else GB18030, but only when the decoding looks like Chinese: GB 2312's 6,763 hanzi
   cover more than 99.9% of characters in modern Chinese text, so a decoding whose
   non-ASCII characters are mostly outside GB 2312 (or undecodable) is another
   encoding read wrongly (Latin-1 "Müller" becomes "M黮ler"). It is refused and the
   encoding ``charset-normalizer`` finds is named.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from typing import Final

import charset_normalizer

from fireline.interop.messages import NOT_TEXT, NOT_UTF16, WRONG_ENCODING, ReadError

UTF8_SIG = "utf-8-sig"
UTF8 = "utf-8"
GB18030 = "gb18030"
UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"
# Rule 4: a real Chinese file has a few rare characters (names); a misread one has most.
MAX_RARE_SHARE: Final = 0.2
SAMPLE: Final = 1 << 16
# Legacy encodings a refused file is most likely in (Western, Cyrillic, Chinese
# traditional, Japanese, Korean): charset-normalizer picks among these to name it.
LEGACY: Final = ["cp1252", "cp1251", "big5", "shift_jis", "euc_kr"]
# Tab, line ends, form feed and the DOS end-of-file mark (0x1A) occur in text files.
CONTROL: Final = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1a")


@dataclass
class Decoded:
    """Text as UTF-8 bytes, the encoding found, and the physical lines that failed it."""

    data: bytes
    encoding: str
    bad_lines: list[int] = field(default_factory=list)


def csv_text(raw: bytes) -> io.StringIO:
    """The file as text for ``csv.reader``; ``newline=""`` lets the reader end lines at CR,
    LF or CRLF and keep line breaks inside quotes (Python docs, ``csv`` module footnote)."""
    return io.StringIO(to_utf8(raw).data.decode(UTF8, errors="replace"), newline="")


def detect(raw: bytes) -> str:
    """The encoding ``to_utf8`` reads ``raw`` in (it refuses what it cannot read)."""
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
    utf16 = _utf16(raw)
    if utf16 is not None:
        return _from_utf16(raw, utf16)
    if _binary(raw[:SAMPLE]):
        raise ReadError(NOT_TEXT)
    if not _bad_lines(raw, UTF8, limit=1):
        return Decoded(raw, UTF8)
    bad = _bad_lines(raw, GB18030)
    text = raw.decode(GB18030, errors="replace")
    if _looks_misread(text):
        raise ReadError(WRONG_ENCODING, encoding=_likely_encoding(raw))
    return Decoded(text.encode(UTF8), GB18030, bad)


def _utf16(raw: bytes) -> str | None:
    """UTF-16 by its BOM, or by NULs at most odd (LE) or even (BE) offsets (rule 2)."""
    if raw.startswith(codecs.BOM_UTF16_LE):
        return UTF16_LE
    if raw.startswith(codecs.BOM_UTF16_BE):
        return UTF16_BE
    sample = raw[:SAMPLE]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    # A CSV's commas, digits and line ends are ASCII (one NUL each, on one side); a
    # hanzi's code unit rarely holds a zero byte; binary data has NULs on both sides.
    enough = max(1, len(sample) // 20)
    if odd >= enough and even <= odd // 10:
        return UTF16_LE
    if even >= enough and odd <= even // 10:
        return UTF16_BE
    return None


def _from_utf16(raw: bytes, codec: str) -> Decoded:
    body = raw[2:] if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else raw
    try:
        text = body.decode(codec)
    except UnicodeDecodeError:
        raise ReadError(NOT_UTF16, encoding=codec.upper()) from None
    if _binary(text[:SAMPLE].encode(UTF8)):
        raise ReadError(NOT_TEXT)
    return Decoded(text.encode(UTF8), codec)


def _binary(sample: bytes) -> bool:
    """NUL or other C0 control bytes (see ``CONTROL``): not a text file."""
    return len(sample.translate(None, CONTROL)) < len(sample)


def _looks_misread(text: str) -> bool:
    """Rule 4: most non-ASCII characters undecodable or outside GB 2312."""
    wide = [c for c in text[:SAMPLE] if ord(c) > 0x7F]
    if not wide:
        return False
    rare = sum(1 for c in wide if c == "\ufffd" or not _in_gb2312(c))
    return rare / len(wide) > MAX_RARE_SHARE


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _likely_encoding(raw: bytes) -> str:
    best = charset_normalizer.from_bytes(raw[:SAMPLE], cp_isolation=LEGACY).best()
    return best.encoding if best is not None else "an unknown encoding"


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
