"""Who sees what of the verwijsindex (pure: no Django).

- A **professional** sees their own organisation's signals and, of a match, only the other
  organisations and whom to call there (``stacking.counterparts``); never the other signals' persons.
- A **ketenregisseur** sees a match (in the inbox) when its person or household lies in their
  region, or when one of the signalling organisations belongs to their region: by gemeente, or
  by Veilig Thuis region. Outside a region scope they see no match at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrganisationScope:
    """Organisations of a region: those in one of ``gemeente_codes``, or of Veilig Thuis region ``vt_regio``."""

    gemeente_codes: frozenset[str]
    vt_regio: str | None


def match_organisations(scope_kind: str, region_kind: str, gemeente_codes, region: str | None) -> OrganisationScope | None:
    """The organisations whose signals make a match visible to a user of this scope; None: no match is visible."""
    if scope_kind != region_kind:
        return None
    return OrganisationScope(frozenset(gemeente_codes), region or None)


def help_subject(params) -> tuple[str, int] | None:
    """The subject a new help trajectory is for: ``adres=<id>`` or else ``huishouden=<id>`` (digits only)."""
    for param, kind in (("adres", "address"), ("huishouden", "household")):
        value = params.get(param)
        if value and str(value).isdigit():
            return kind, int(value)
    return None
