"""Dates as partners write them: Dutch (dd-mm-jjjj, 3 maart 2024), ISO (jjjj-mm-dd) and Excel.

Why one module: a date that is silently read the wrong way round (03-12 vs 12-03) corrupts
both the timeline of an address and linkage on date of birth, so every format is explicit
in the import profile and anything else is an error that says which formats were expected.
Two-digit years are refused: '01-02-03' has no safe reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FORMAT_NAMES = {
    "nl": "dd-mm-jjjj",
    "iso": "jjjj-mm-dd",
    "excel": "Excel-datum",
}

MAANDEN = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_NL_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_NL_WORDS = re.compile(r"^(\d{1,2})\s*[-. ]\s*([A-Za-z]+)\.?\s*[-. ]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 given Excel's 1900 leap-year bug
_EXCEL_MAX = 2958465  # 9999-12-31


class DateError(ValueError):
    """The value is not a date in any of the expected formats (the value is never quoted)."""


def describe(formats: Iterable[str]) -> str:
    return " of ".join(FORMAT_NAMES.get(f, f) for f in formats)


def parse_nl(text: str) -> date:
    """'03-12-2024', '3/12/2024', '3.12.2024', '3 december 2024', '3 dec. 2024'."""
    if len(text) == 10 and text[2] == text[5] and text[2] in "-/.":
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    match = _NL_NUMERIC.match(text)
    if match:
        return date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
    match = _NL_WORDS.match(text)
    if match and match.group(2).lower() in MAANDEN:
        return date(int(match.group(3)), MAANDEN[match.group(2).lower()], int(match.group(1)))
    raise ValueError


def parse_iso(text: str) -> date:
    """'2024-12-03', optionally with a time part ('2024-12-03T10:00:00')."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    match = _ISO.match(text)
    if not match:
        raise ValueError
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def from_excel_serial(serial: float) -> date:
    """Excel's day number (1900 date system). Serial 60 is Excel's non-existent 29-02-1900."""
    if not 1 <= serial < _EXCEL_MAX + 1:  # also refuses NaN
        raise ValueError
    day = int(serial)
    if day == 60:
        raise ValueError
    if day < 60:
        day += 1  # before the phantom leap day the epoch is one day later
    return _EXCEL_EPOCH + timedelta(days=day)


def parse_excel(text: str) -> date:
    """An Excel serial written as text ('45290' or '45290.5')."""
    return from_excel_serial(float(text))


_NAMED: dict[str, Callable[[str], date]] = {"nl": parse_nl, "iso": parse_iso, "excel": parse_excel}


def make_parser(formats: Iterable[str]) -> Callable[[object], date]:
    """A parser trying ``formats`` in order: 'nl', 'iso', 'excel' or strptime patterns ('%d%m%Y').

    The parser accepts str, date, datetime (XLSX cells) and numbers (XLSX cells holding an
    Excel serial when 'excel' is among the formats) and raises DateError naming the formats.
    """
    formats = list(formats)
    if not formats:
        raise ValueError("at least one date format is required")
    parsers = []
    for fmt in formats:
        if fmt in _NAMED:
            parsers.append(_NAMED[fmt])
        elif "%" in fmt:
            parsers.append(lambda text, fmt=fmt: datetime.strptime(text, fmt).date())
        else:
            raise ValueError(f"unknown date format {fmt!r} (use nl, iso, excel or a strptime pattern)")
    allow_serial = "excel" in formats
    expected = describe(formats)

    def parse(value: object) -> date:
        if value.__class__ is str:  # the common case first: a CSV cell
            for parser in parsers:
                try:
                    return parser(value)
                except (ValueError, OverflowError):
                    continue
            raise DateError(f"geen geldige datum (verwacht {expected})")
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if allow_serial:
                try:
                    return from_excel_serial(value)
                except ValueError:
                    pass
            raise DateError(f"geen geldige datum (verwacht {expected})")
        text = str(value).strip()
        for parser in parsers:
            try:
                return parser(text)
            except (ValueError, OverflowError):
                continue
        raise DateError(f"geen geldige datum (verwacht {expected})")

    return parse


def parse_date(value: object, formats: Iterable[str] = ("nl", "iso")) -> date:
    """One-off parse (the import pipeline builds its parser once with make_parser)."""
    return make_parser(formats)(value)


# -- plausibility of a record's dates (both import paths: RowChecker and ColumnChecker) ----------

PRENATAL_DAYS = 300  # a melding about an unborn child may precede the birth by a pregnancy


@dataclass(frozen=True)
class DateRules:
    """The date rules of an import row: the record date is not in the future; a date of birth is
    not in the future, not older than the profile's maximum age, and not long after the record date.

    Why one class: the row checker applies them per row and the column checker per distinct
    value (and, for birth against record date, on day numbers with numpy); both take the
    limits and the reasons from here, so the two paths cannot drift apart.
    """

    today: date
    max_age_years: int

    @property
    def earliest_birth(self) -> date:
        return date(self.today.year - self.max_age_years, self.today.month, 1)

    def latest_birth(self, datum: date) -> date:
        """The latest plausible date of birth of a person in a record of ``datum``."""
        return datum + timedelta(days=PRENATAL_DAYS)

    def datum_reason(self, datum: date) -> str | None:
        return "datum ligt in de toekomst" if datum > self.today else None

    def birth_reason(self, dob: date) -> str | None:
        """What is wrong with a date of birth on its own (None: plausible)."""
        if dob > self.today:
            return "geboortedatum ligt in de toekomst"
        if dob < self.earliest_birth:
            return f"geboortedatum onwaarschijnlijk (ouder dan {self.max_age_years} jaar)"
        return None

    def problems(self, datum: date | None, dob: date | None) -> list[tuple[str, str]]:
        """(field, reason) for every date rule a row breaks."""
        out = []
        if datum is not None and (reason := self.datum_reason(datum)):
            out.append(("report.datum", reason))
        if dob is not None:
            reason = self.birth_reason(dob)
            if reason is None and datum is not None and dob > self.latest_birth(datum):
                reason = "geboortedatum ligt ruim na de datum van het record"
            if reason:
                out.append(("person.geboortedatum", reason))
        return out
