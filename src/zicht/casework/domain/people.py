"""How casework pages name and count the persons of an address or household (pure: no Django).

- A person is shown by full name (``voornamen tussenvoegsel achternaam``) or, in an export
  without names, by initials; a person without any name part is ``Persoon #id``.
- A **child** is a person under 18 on the day the page is shown, or anyone reported in the role
  ``kind`` (betrokken kind) whatever the age on record (birth dates are often missing).
- Persons are listed oldest first; those of unknown age last.
"""

from __future__ import annotations

from collections.abc import Iterable

ADULT_AGE = 18
CHILD_ROLE = "kind"


def full_name(voornamen: str | None, tussenvoegsel: str | None, achternaam: str | None, pk) -> str:
    return " ".join(p for p in (voornamen, tussenvoegsel, achternaam) if p) or f"Persoon #{pk}"


def initials(voornamen: str | None, tussenvoegsel: str | None, achternaam: str | None, pk) -> str:
    """'A.B. vdB' style: up to two given-name initials, then the first letter of every surname word."""
    given = "".join(p[0].upper() + "." for p in (voornamen or "").split()[:2])
    tail = "".join(w[0] for w in f"{tussenvoegsel or ''} {achternaam or ''}".split())
    return (given + " " + tail).strip() or f"#{pk}"


def is_child(age: int | None, role_codes: Iterable[str]) -> bool:
    return (age is not None and age < ADULT_AGE) or CHILD_ROLE in set(role_codes)


def oldest_first(age: int | None) -> tuple[bool, int]:
    """Sort key: oldest first, unknown age last."""
    return (age is None, -(age or 0))
