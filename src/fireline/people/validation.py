"""The rules a typed value about a person or a case must pass, one set for pages, API
schemas and imports alike.

Each rule raises (or returns) :class:`Invalid`: an English message marked with ``N_``
and its values, so a page translates it beside its field and the API names the field in
problem+json (as a Pydantic field error: ``Invalid`` is a ``ValueError``). Nothing is
cut or dropped silently: a value is accepted whole, normalised, or refused with a reason.

Sources of the rules:

- resident ID: GB 11643-1999 "Citizen identification number" (6-digit address code,
  8-digit birth date, 3-digit order code whose parity gives the sex, check character by
  ISO 7064:1983 MOD 11-2); the address code's first two digits are a province of
  GB/T 2260-2007, or 81/82/83 for the residence permits of Hong Kong, Macao and Taiwan
  residents (State Council General Office, 2018, No. 81). The 15-digit numbers of the
  first-generation cards stopped being valid on 2013-01-01 (NPC Standing Committee
  decision of 2011-10-29 on the Resident Identity Card Law).
- phone: ITU-T E.164, parsed and validated with libphonenumber's metadata
  (``phonenumbers``), mainland China (+86) by default.
- dates: an event cannot be recorded before it happens (no date after today, by the
  request's clock: docs/architecture.md "One request context"), and a case's dates
  follow the course of an illness: birth <= onset <= report (WHO, "Public health
  surveillance for COVID-19", 2022, case report form; China CDC case report card),
  last exposure <= start of isolation.
- numbers: read in the user's locale (Unicode CLDR via Babel), so "36,6" in a locale
  with a decimal comma is 36.6 and "1,000" is refused where "," is a decimal sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final

import phonenumbers
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from pydantic import AfterValidator

from fireline.bounds import MIN_YEAR
from fireline.errors import Problem
from fireline.translatable import N_

ID_LENGTH: Final = N_(
    "%(field)s: a resident ID number has 18 characters, 17 digits and a last digit or X."
)
ID_OLD_FORM: Final = N_(
    "%(field)s: 15-digit ID numbers are no longer valid; write the 18-digit number."
)
ID_REGION: Final = N_("%(field)s: %(code)s is not a province code (GB/T 2260).")
ID_BIRTH: Final = N_("%(field)s: the birth date in the number (%(digits)s) is not a real date.")
ID_BIRTH_FUTURE: Final = N_("%(field)s: the birth date in the number is after today.")
ID_CHECK: Final = N_(
    "%(field)s: the last character should be %(expected)s; check the number for a typing error."
)
ID_CONTRADICTS: Final = N_(
    "%(field)s does not match the resident ID number, which says %(expected)s."
)
PHONE: Final = N_(
    "%(field)s: %(value)s is not a phone number. Write a mobile number (11 digits) or a "
    "landline with its area code, e.g. 0571 8888 8888."
)
FUTURE: Final = N_("%(field)s is after today (%(today)s).")
AFTER: Final = N_("%(field)s is after %(other)s.")
TOO_LONG: Final = N_("%(field)s: at most %(limit)s characters (%(count)s typed).")
NOT_A_NUMBER: Final = N_("%(field)s: %(value)s is not a number; write it like %(example)s.")

# Field labels, msgids the pages translate (a field's name when no label is known).
LABELS: Final = {
    "national_id": N_("National ID"),
    "phone": N_("Phone"),
    "name": N_("Name"),
    "address": N_("Address"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "date_onset": N_("Date of onset"),
    "date_reporting": N_("Date of report"),
    "date_confirmation": N_("Date of confirmation"),
    "date_outcome": N_("Date of outcome"),
    "last_exposure": N_("Last exposure"),
    "isolation_start": N_("Start of isolation"),
    "external_id": N_("External ID"),
    "repeat_reason": N_("Reason for a repeat case"),
}

# GB/T 2260-2007 province-level codes, with 81-83 (HK, Macao, Taiwan residence permits).
PROVINCES: Final = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
# ISO 7064 MOD 11-2: weight of position i (1-based, left to right) is 2^(18-i) mod 11.
ID_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK_CHARS: Final = "10X98765432"


class Invalid(ValueError):
    """A refused value: ``message`` is an English msgid, ``values`` fill it in; ``field``
    names the input it is about. ``str()`` is the English sentence (API, logs of ids)."""

    def __init__(self, field: str, message: str, **values: Any) -> None:
        self.field = field
        self.message = message
        self.values = {"field": LABELS.get(field, field), **values}
        super().__init__(message % self.values)


class Refused(Problem):
    """One or more refused fields as problem+json (422): ``errors`` names each field."""

    def __init__(self, refusals: list[Invalid], loc: tuple[str, ...] = ("body",)) -> None:
        self.refusals = refusals
        super().__init__(
            422,
            "; ".join(str(r) for r in refusals),
            errors=[
                {"loc": [*loc, r.field], "msg": str(r), "type": "value_error"} for r in refusals
            ],
        )


def refuse(refusals: list[Invalid], loc: tuple[str, ...] = ("body",)) -> None:
    """Raise :class:`Refused` if anything was refused."""
    if refusals:
        raise Refused(refusals, loc)


@dataclass(frozen=True)
class ResidentId:
    """An 18-character resident ID number and what it says (GB 11643-1999)."""

    number: str
    region: str
    birth_date: date
    sex: str  # "male" | "female": the order code's parity


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def resident_id(text: str, today: date | None = None, *, field: str = "national_id") -> ResidentId:
    """Read an ID number (blanks ignored, x as X); refuse it with the reason otherwise."""
    number = "".join(text.split()).upper()
    if len(number) == 15 and number.isdigit():
        raise Invalid(field, ID_OLD_FORM)
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        raise Invalid(field, ID_LENGTH)
    if number[17] not in "0123456789X":
        raise Invalid(field, ID_LENGTH)
    if number[:2] not in PROVINCES:
        raise Invalid(field, ID_REGION, code=number[:2])
    digits = number[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise Invalid(field, ID_BIRTH, digits=digits) from None
    if born.year < MIN_YEAR:
        raise Invalid(field, ID_BIRTH, digits=digits)
    if today is not None and born > today:
        raise Invalid(field, ID_BIRTH_FUTURE)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise Invalid(field, ID_CHECK, expected=expected)
    sex = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number, number[:6], born, sex)


def fill_from_id(
    rid: ResidentId, birth_date: date | None, sex: str | None
) -> tuple[date, str, list[Invalid]]:
    """The birth date and sex a form gives, filled from the ID where left empty; a typed
    value the ID contradicts is refused (returned), never overwritten."""
    refusals = []
    if birth_date is not None and birth_date != rid.birth_date:
        refusals.append(Invalid("birth_date", ID_CONTRADICTS, expected=rid.birth_date.isoformat()))
    if sex in ("male", "female") and sex != rid.sex:
        refusals.append(Invalid("sex", ID_CONTRADICTS, expected=rid.sex))
    return rid.birth_date, rid.sex if sex in (None, "", "unknown") else sex, refusals


def phone_number(text: str, *, field: str = "phone", region: str = "CN") -> str:
    """A phone number as stored: a mainland number as its national digits (mobile
    ``13812345678``, landline ``057188888888``, as ``phone_digits`` stores them), any
    other as E.164 (``+85221234567``); refused unless libphonenumber finds it valid."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise Invalid(field, PHONE, value=text.strip()[:40]) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid(field, PHONE, value=text.strip()[:40])
    if phonenumbers.region_code_for_number(parsed) == "CN":
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(c for c in national if c.isdigit())
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def not_future(field: str, value: date | None, today: date) -> list[Invalid]:
    """Refused when ``value`` is after ``today`` (the request's clock, in its place)."""
    if value is not None and value > today:
        return [Invalid(field, FUTURE, today=today.isoformat())]
    return []


def in_order(*steps: tuple[str, date | None]) -> list[Invalid]:
    """The present dates of ``steps`` must not go back in time (e.g. birth, onset,
    report); the earlier step of a pair out of order is the one refused (an onset after
    the report is said beside the onset)."""
    refusals = []
    present = [(field, value) for field, value in steps if value is not None]
    for at, (field, value) in enumerate(present):
        later = next(((f, v) for f, v in present[at + 1 :] if v < value), None)
        if later is not None:
            refusals.append(Invalid(field, AFTER, other=LABELS.get(later[0], later[0])))
    return refusals


def case_dates(
    today: date,
    *,
    birth_date: date | None = None,
    date_onset: date | None = None,
    date_reporting: date | None = None,
    date_confirmation: date | None = None,
) -> list[Invalid]:
    """A case's dates: none after today; birth <= onset <= report, birth <= confirmation."""
    named = {
        "birth_date": birth_date,
        "date_onset": date_onset,
        "date_reporting": date_reporting,
        "date_confirmation": date_confirmation,
    }
    refusals = [r for field, value in named.items() for r in not_future(field, value, today)]
    refused = {r.field for r in refusals}
    order = [(f, v) for f, v in named.items() if f != "date_confirmation" and f not in refused]
    refusals += in_order(*order)
    if "date_confirmation" not in refused and "birth_date" not in refused:
        refusals += in_order(("birth_date", birth_date), ("date_confirmation", date_confirmation))
    return refusals


def exposure_dates(
    today: date, last_exposure: date | None, isolation_start: date | None
) -> list[Invalid]:
    """A contact's last exposure is not after today, nor after the isolation began."""
    return [
        *not_future("last_exposure", last_exposure, today),
        *in_order(("last_exposure", last_exposure), ("isolation_start", isolation_start)),
    ]


def text_length(field: str, value: str | None, limit: int) -> list[Invalid]:
    """Refused (with the count) when longer than ``limit`` characters: never cut."""
    if value is not None and len(value) > limit:
        return [Invalid(field, TOO_LONG, limit=limit, count=len(value))]
    return []


def locale_decimal(text: str, language: str, *, field: str = "value") -> Decimal:
    """A number typed in ``language``'s conventions (CLDR, strict grouping)."""
    try:
        return parse_decimal(text.strip(), locale=language, strict=True)
    except (NumberFormatError, ValueError):
        example = format_decimal(Decimal("36.6"), locale=language)
        raise Invalid(field, NOT_A_NUMBER, value=text.strip()[:40], example=example) from None


def _resident_id_number(value: str) -> str:
    return resident_id(value).number


# For API schemas: a field refused by these answers 422 problem+json naming the field.
ResidentIdText = Annotated[str, AfterValidator(_resident_id_number)]
PhoneText = Annotated[str, AfterValidator(phone_number)]
