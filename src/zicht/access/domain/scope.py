"""Who sees which records: the scoping rule per role, as plain data (no Django).

- professional: only what their own organisation registered (verwijsindex principle: another
  organisation's involvement is shown by the casework pages as a fact, never its content);
- ketenregisseur: records in the gemeenten of their Veilig Thuis region;
- functioneel beheerder, privacy officer, beleidsmedewerker: no individual records at all
  (aggregates, reference data and the access log only).

A user whose profile lacks the organisation or region the rule needs sees nothing: the rule
fails closed, never open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NONE = "none"
ORGANISATION = "organisation"
REGION = "region"


@dataclass(frozen=True)
class Scope:
    kind: str  # none | organisation | region
    organisation_id: int | None = None
    region: str = ""
    gemeente_codes: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_nothing(self) -> bool:
        return self.kind == NONE


def decide_scope(
    role: str | None,
    *,
    organisation_id: int | None = None,
    organisation_region: str = "",
    profile_region: str = "",
    gemeente_codes: frozenset[str] = frozenset(),
) -> Scope:
    """The scope of one user. ``gemeente_codes``: the gemeenten of the region (and the profile's own)."""
    if role == "professional":
        return Scope(ORGANISATION, organisation_id=organisation_id) if organisation_id else Scope(NONE)
    if role == "ketenregisseur":
        region = (profile_region or organisation_region or "").strip()
        if region or gemeente_codes:
            return Scope(REGION, region=region, gemeente_codes=frozenset(gemeente_codes))
        return Scope(NONE)
    return Scope(NONE)
