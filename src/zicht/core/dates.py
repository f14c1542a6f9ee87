"""Calendar rules shared by every app (pure: no Django).

One place for adding years to a date (retention terms, signal expiry, erkenning validity) and
for a person's age on a day, so 29 February and the day before a birthday are decided once.
"""

from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (a birthday counts from the day itself)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def parse_iso_date(value: str | None) -> date | None:
    """A stored ``yyyy-mm-dd`` text as a date; None when empty or not a valid date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def age_from(geboortedatum: str | None, today: date) -> int | None:
    """Age on ``today`` of a stored birth date text; None when it is unknown or malformed."""
    born = parse_iso_date(geboortedatum)
    return None if born is None else age_on(born, today)
