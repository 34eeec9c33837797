"""Why a file cannot be read: one English message per reason, translated on pages.

Each message is a msgid (``N_``, extracted by pybabel) with ``%(name)s`` values that
are numbers or encoding names, so a page can show it in the user's language and the
API can show it in English (``str(error)``).
"""

from __future__ import annotations

from typing import Final

from fireline.translatable import N_

EMPTY: Final = N_("The file is empty or has no header line.")
DUPLICATE_HEADER: Final = N_("The header “%(name)s” appears twice.")
HEADER_LINE_BREAK: Final = N_(
    "The header line is not valid CSV: a quote is left open, or a header holds a line break."
)
NOT_TEXT: Final = N_("The file is not text (it holds binary data); upload a CSV or XLSX file.")
NOT_UTF16: Final = N_(
    "The file looks like UTF-16 (%(encoding)s) but is not valid UTF-16 "
    "text; save it as UTF-8 and upload it again."
)
WRONG_ENCODING: Final = N_(
    "The file is not UTF-8, UTF-16 or GB18030 text: it looks like %(encoding)s. Save it as "
    "UTF-8 (“CSV UTF-8”) and upload it again."
)
NOT_CSV: Final = N_(
    "The file could not be read as CSV: a line is longer than %(size)s MB or the file is not CSV."
)
NOT_A_WORKBOOK: Final = N_("The file is not a readable XLSX workbook.")
EMPTY_SHEET: Final = N_("The workbook's first sheet is empty.")
TOO_BIG_UNPACKED: Final = N_(
    "The workbook would unpack to %(unpacked)s MB, %(ratio)s times its size; the limits are "
    "%(limit)s MB and %(max_ratio)s times. Split it or save it as CSV."
)

TOO_MANY_ENTRIES: Final = N_(
    "The Bundle has %(entries)s entries; the limit is %(limit)s. Split it into smaller Bundles."
)


class ReadError(ValueError):
    """The file cannot be read at all: ``message`` is one of the msgids above."""

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)
