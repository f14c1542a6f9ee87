"""Essential versus auxiliary fields: which invalid values cost the row, and which are set aside.

Why: real partner exports carry typos. A record of domestic violence must not go missing
because one digit of a BSN was wrong. A row is refused only when a field the record or the
party cannot exist without is wrong (registratienummer, kind, datum, aard where required,
rol: the *essential* fields). An invalid value of an *auxiliary* field (BSN, date of birth,
gender, the address parts) is set aside: the row loads without it, the value is never used
(no BSN hash, no address), and the raw value is kept encrypted for a reviewer.

Pure: no Django. The reason codes below are what the batch summary, ``zicht import --json``
and the review pages show; they never carry the value itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from zicht.access.roles import N_, dutch

# Fields whose invalid value can be set aside (a profile may make any of them essential again).
SET_ASIDE_CAPABLE = frozenset(
    {
        "person.bsn",
        "person.geboortedatum",
        "person.geslacht",
        "address.adres",
        "address.postcode",
        "address.huisnummer",
        "address.toevoeging",
    }
)
DEFAULT_AUXILIARY = SET_ASIDE_CAPABLE
ADDRESS_FIELDS = frozenset(f for f in SET_ASIDE_CAPABLE if f.startswith("address."))
DEFAULT_MAX_SHARE = 0.05  # more than 5 % of the rows with a set-aside value: the file is refused
REFUSAL_FLOOR = 5  # ... but never for this many rows or fewer (one typo in a 7-row file is not a broken export)

# reason code → what a reviewer reads (Dutch, never the value; translated where shown)
REASONS = {
    "bsn_11proef": N_("ongeldig (11-proef)"),
    "bsn_vorm": N_("ongeldig (geen 9 cijfers)"),
    "geboortedatum_onleesbaar": N_("onleesbare datum"),
    "geboortedatum_onwaarschijnlijk": N_("onwaarschijnlijke datum"),
    "geslacht_onbekend": N_("code niet in het profiel"),
    "postcode_ongeldig": N_("onmogelijke postcode"),
    "huisnummer_ongeldig": N_("ongeldig huisnummer"),
    "adres_ongeldig": N_("onleesbaar adres"),
    "te_lang": N_("te lang"),
}
FIELD_LABELS = {
    "person.bsn": N_("BSN"),
    "person.geboortedatum": N_("geboortedatum"),
    "person.geslacht": N_("geslacht"),
    "address.adres": N_("adres"),
    "address.postcode": N_("postcode"),
    "address.huisnummer": N_("huisnummer"),
    "address.toevoeging": N_("toevoeging"),
}


class SetAside(NamedTuple):
    """One value set aside on a row: the field, a reason code (REASONS) and the raw cell text.

    ``raw`` is personal data: it is only ever stored encrypted and never logged or shown
    outside the reviewer's page."""

    field: str
    reason: str
    raw: str


def auxiliary_fields(
    essential: frozenset[str] | set[str], auxiliary: frozenset[str] | set[str] | None, required: frozenset[str] | set[str]
) -> frozenset[str]:
    """The fields of a profile whose invalid values are set aside: the default (or declared)
    auxiliary fields, minus those declared essential and those the profile requires."""
    chosen = DEFAULT_AUXILIARY if auxiliary is None else frozenset(auxiliary)
    return frozenset(chosen) - frozenset(essential) - frozenset(required)


def reason_code(field: str, message: str) -> str:
    """The reason code for the checker's message about ``field`` (the message never holds the value)."""
    text = message.casefold()
    if "te lang" in text:
        return "te_lang"
    if field == "person.bsn":
        return "bsn_11proef" if "11-proef" in text else "bsn_vorm"
    if field == "person.geboortedatum":
        onwaarschijnlijk = "toekomst" in text or "onwaarschijnlijk" in text or "na de datum" in text
        return "geboortedatum_onwaarschijnlijk" if onwaarschijnlijk else "geboortedatum_onleesbaar"
    if field == "person.geslacht":
        return "geslacht_onbekend"
    if field == "address.postcode":
        return "postcode_ongeldig"
    if field in ("address.huisnummer", "address.toevoeging"):
        return "huisnummer_ongeldig"
    return "adres_ongeldig"


def describe(field: str, reason: str, tr: Callable[[str], str] = dutch) -> str:
    """'BSN terzijde gelegd: ongeldig (11-proef)' — what the review pages show (``tr=gettext``
    there; Dutch by default, as the access log stores it)."""
    _ = tr
    return _("%(field)s terzijde gelegd: %(reason)s") % {
        "field": tr(FIELD_LABELS.get(field, field)),
        "reason": tr(REASONS.get(reason, reason)),
    }


def exceeds_share(rows_set_aside: int, rows_total: int, max_share: float, floor: int = REFUSAL_FLOOR) -> bool:
    """Whether more than ``max_share`` of the rows carry a set-aside value (then the file is refused:
    so many typos point at a broken export, e.g. a shifted column). At most ``floor`` rows never do."""
    return rows_set_aside > floor and rows_set_aside > max_share * rows_total


def is_record_level(field: str, record_id_column: str) -> bool:
    """Whether a reject on ``field`` makes the record (the incident) itself invalid, rather than
    only the row of one person: the registratienummer and every report field."""
    return field == record_id_column or field.startswith("report") or field == "(record)"
