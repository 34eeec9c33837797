"""How a person's coded values are written down and normalised, shared by every form and
import that records a person (cases, contacts, samples)."""

from __future__ import annotations

import re

# GB/T 2261.1-2003 codes sex as 0 unknown, 1 male, 2 female, 9 unstated.
SEX = {
    "male": "male",
    "m": "male",
    "男": "male",
    "男性": "male",
    "1": "male",
    "female": "female",
    "f": "female",
    "女": "female",
    "女性": "female",
    "2": "female",
    "unknown": "unknown",
    "u": "unknown",
    "未知": "unknown",
    "0": "unknown",
    "9": "unknown",
}


def phone_digits(phone: str) -> str:
    """One phone number as the intake normalises a column of them: digits only, without
    China's country code 86 before a mobile number."""
    digits = re.sub(r"\D", "", phone)
    return re.sub(r"^86(1\d{10})$", r"\1", digits)
