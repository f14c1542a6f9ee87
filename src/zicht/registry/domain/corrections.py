"""Corrections of a record delivered again (issue 13): which fields changed, which party is which.

Pure rules, no Django. A record is compared as plain values: strings, dates as ISO text, the
BSN as its keyed hash, an address as its key ('PC6|huisnummer|TOEVOEGING').

Parties are matched in two steps, so that the same content delivered in another row order is
no change at all, and a corrected party keeps its person (and person number ``rid/n``):

1. a delivered party identical to a stored one is that party (lowest person number first);
2. the remaining delivered parties take the remaining stored person numbers in order;
3. what is left over is a party added (delivered) or removed (stored).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from zicht.access.roles import N_, dutch

RECORD_FIELDS = (
    "soort",
    "datum",
    "aard",
    "vormen",
    "relatie",
    "kinderen_aanwezig",
    "letsel",
    "wapen",
    "huisverbod",
    "hoedanigheid_melder",
    "categorie",
    "toelichting",
    "contact_medewerker",
    "contact_telefoon",
    "address",
)
PERSON_FIELDS = ("rol", "bsn", "voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum", "geslacht", "address")
PERSON_PREFIX = "persoon."

# Dutch labels for the batch summary and the record page (field names, never values); translated where shown.
LABELS = {
    "soort": N_("soort"),
    "datum": N_("datum"),
    "aard": N_("aard"),
    "vormen": N_("geweldsvormen"),
    "relatie": N_("relatie"),
    "kinderen_aanwezig": N_("kinderen aanwezig"),
    "letsel": N_("letsel"),
    "wapen": N_("wapen"),
    "huisverbod": N_("huisverbod"),
    "hoedanigheid_melder": N_("hoedanigheid melder"),
    "categorie": N_("categorie"),
    "toelichting": N_("toelichting"),
    "contact_medewerker": N_("contactpersoon"),
    "contact_telefoon": N_("telefoon contactpersoon"),
    "address": N_("adres"),
    "persoon.rol": N_("rol"),
    "persoon.bsn": N_("BSN"),
    "persoon.voornamen": N_("voornamen"),
    "persoon.voorletters": N_("voorletters"),
    "persoon.tussenvoegsel": N_("tussenvoegsel"),
    "persoon.achternaam": N_("achternaam"),
    "persoon.geboortedatum": N_("geboortedatum"),
    "persoon.geslacht": N_("geslacht"),
    "persoon.address": N_("adres betrokkene"),
    "betrokkene": N_("betrokkene toegevoegd of vervallen"),
}


def label(field: str, tr: Callable[[str], str] = dutch) -> str:
    return tr(LABELS.get(field, field))


def changed_fields(old: Mapping, new: Mapping, fields: Sequence[str]) -> list[str]:
    """The names in ``fields`` whose value differs between ``old`` and ``new`` (in ``fields`` order)."""
    return [f for f in fields if old.get(f) != new.get(f)]


def person_key(values: Mapping) -> tuple:
    return tuple(values.get(f) for f in PERSON_FIELDS)


def match_parties(
    stored: Sequence[tuple[int, Mapping]], delivered: Sequence[Mapping]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(pairs (stored number, delivered index), delivered indexes added, stored numbers removed).

    ``stored``: (person number, values) per stored party; ``delivered``: values per delivered row.
    """
    by_content: dict[tuple, list[int]] = {}
    for number, values in sorted(stored, key=lambda t: t[0]):
        by_content.setdefault(person_key(values), []).append(number)
    pairs: list[tuple[int, int]] = []
    rest_delivered = []
    for i, values in enumerate(delivered):
        numbers = by_content.get(person_key(values))
        if numbers:
            pairs.append((numbers.pop(0), i))
        else:
            rest_delivered.append(i)
    taken = {n for n, _ in pairs}
    rest_stored = [n for n, _ in sorted(stored, key=lambda t: t[0]) if n not in taken]
    pairs.extend(zip(rest_stored, rest_delivered))
    added = rest_delivered[len(rest_stored) :]
    removed = rest_stored[len(rest_delivered) :]
    return sorted(pairs), added, removed


def summary_fields(field_lists: Sequence[Sequence[str]], limit: int = 6, tr: Callable[[str], str] = dutch) -> str:
    """'aard, geboortedatum': the labels of the fields changed, most frequent first (at most ``limit``).
    Dutch (the batch's stored message) unless a page passes ``tr=gettext``."""
    _ = tr
    counts: dict[str, int] = {}
    for fields in field_lists:
        for name in dict.fromkeys(label(f, tr) for f in fields):
            counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts, key=lambda n: (-counts[n], n))
    text = ", ".join(ordered[:limit])
    return text + (_(" en %(n)d meer") % {"n": len(ordered) - limit} if len(ordered) > limit else "")


def is_withdrawn_status(value: str | None, statuses: Sequence[str]) -> bool:
    """Whether a status cell marks the record withdrawn (case and surrounding spaces ignored)."""
    if value is None:
        return False
    return value.strip().casefold() in {s.strip().casefold() for s in statuses}
