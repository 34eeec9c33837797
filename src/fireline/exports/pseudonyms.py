"""Stable pseudonyms per export key, and the coarsened values a line list carries.

Pseudonymisation as GDPR Art. 4(5) defines it: the data can no longer be attributed to
a person without additional information (the key) kept separately. A pseudonym is the
keyed hash HMAC-SHA256(key, "case:<id>") (RFC 2104; ISO/IEC 20889:2018, 8.3
"cryptographic pseudonymisation with a keyed hash"), so the same key gives the same
pseudonym in every export (a recipient can link this week's file to last week's) and
two keys give pseudonyms nobody can link without both secrets. A plain hash of an id
would not do: ids are small integers, and anyone could hash them all.

Direct identifiers are left out (name, national ID, phone, address) and the exact birth
date becomes a five-year age band, the grouping of Eurostat's and WHO's standard
population tables (Ahmad et al. 2001, WHO GPE Discussion Paper 31).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Final

# 20 hex digits (80 bits): a collision among 10 million cases has odds about 4e-11.
DIGITS: Final = 20
BAND_YEARS: Final = 5
TOP_BAND: Final = 85


def pseudonym(key: bytes, kind: str, record_id: int) -> str:
    """The pseudonym of record ``record_id`` of ``kind`` ("case", "person") under ``key``."""
    digest = hmac.digest(key, f"{kind}:{record_id}".encode(), hashlib.sha256)
    return digest.hex()[:DIGITS]


def age_years(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int | None) -> str:
    """ "0-4", "5-9", ... "80-84", "85+"; empty when the birth date is unknown."""
    if age is None or age < 0:
        return ""
    if age >= TOP_BAND:
        return f"{TOP_BAND}+"
    low = age - age % BAND_YEARS
    return f"{low}-{low + BAND_YEARS - 1}"
