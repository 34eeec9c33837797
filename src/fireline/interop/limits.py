"""What a file reader refuses before it spends memory or time: the defaults of the settings.

OWASP File Upload Cheat Sheet ("File Size Limit", "Compressed files"): limit the
upload's size, and for archives the unpacked size and the compression ratio, checked
from the archive's directory before anything is inflated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MB: Final = 1024 * 1024
# A line list of 100,000 cases as CSV is about 15 MB; 50 MB leaves room without letting
# one request fill the server's memory.
DEFAULT_MAX_UPLOAD_MB: Final = 50


@dataclass(frozen=True)
class FileLimits:
    """Limits on what a file may unpack to; ``Settings.file_limits()`` builds them."""

    # An openpyxl-written line list of 1,000 and 20,000 rows unpacks to 9.5x and 10.2x
    # its size; DEFLATE reaches about 1,000x on repeated bytes. 100x keeps honest
    # workbooks with room to spare and refuses bombs.
    xlsx_max_ratio: int = 100
    xlsx_max_unpacked: int = 200 * MB
    # One lab message per Bundle; 10,000 results is more than a day of a large laboratory.
    fhir_max_entries: int = 10_000


DEFAULT_LIMITS: Final = FileLimits()
