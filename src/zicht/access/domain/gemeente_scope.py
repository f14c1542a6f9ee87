"""For which gemeenten a user may change gemeente-bound reference data (prevention plans, the
partner matrix, organisations' stoplicht and profile): plain data, no Django.

- a profile gemeente: that gemeente only;
- otherwise a Veilig Thuis region (profile, else organisation): the gemeenten of that region;
- otherwise the organisation's gemeente;
- otherwise nothing: the rule fails closed, as the record scoping does (zicht.access.domain.scope).
"""

from __future__ import annotations


def editable_gemeenten(
    *,
    profile_gemeente: str | None,
    region_gemeenten: frozenset[str] = frozenset(),
    organisation_gemeente: str | None = None,
) -> frozenset[str]:
    if profile_gemeente:
        return frozenset({profile_gemeente})
    if region_gemeenten:
        return frozenset(region_gemeenten)
    if organisation_gemeente:
        return frozenset({organisation_gemeente})
    return frozenset()
