"""Whose registry figures a user may open: plain data, no Django.

Registry figures (gebiedscan pages, exports, factsheets, the API's area figures) are aggregates,
but a beleidsmedewerker of one gemeente has no business with another gemeente's wijk figures:

- a **beleidsmedewerker** sees their own gemeente in detail (gemeente and wijk figures); a regional
  policy coordinator (a region and no gemeente on the profile) the gemeenten of their region;
- a **ketenregisseur** the gemeenten of their Veilig Thuis region (and their own gemeente);
- both see their own region's regional table (the region page), which publishes per gemeente
  only the cells the gemeente pages publish; never another region's;
- an account with neither gemeente nor region is bound to the installation's own gemeente
  (``settings.DEMO_GEMEENTE``, one gemeente per installation), never to all;
- other roles see no registry figures (they have no area pages).
"""

from __future__ import annotations

KETENREGISSEUR = "ketenregisseur"
BELEIDSMEDEWERKER = "beleidsmedewerker"


def figure_gemeenten(
    role: str | None,
    *,
    profile_gemeente: str | None = None,
    region_gemeenten: frozenset[str] = frozenset(),
    organisation_gemeente: str | None = None,
    installation_gemeente: str | None = None,
) -> frozenset[str]:
    """The gemeenten whose registry figures (and those of their wijken) ``role`` may open in detail."""
    if role == BELEIDSMEDEWERKER:
        if profile_gemeente:
            return frozenset({profile_gemeente})
        if region_gemeenten:
            return frozenset(region_gemeenten)
    elif role == KETENREGISSEUR:
        codes = set(region_gemeenten) | {c for c in (profile_gemeente, organisation_gemeente) if c}
        if codes:
            return frozenset(codes)
    else:
        return frozenset()
    own = organisation_gemeente or installation_gemeente
    return frozenset({own}) if own else frozenset()


def figure_regions(
    role: str | None,
    *,
    profile_region: str | None = None,
    organisation_region: str | None = None,
    home_gemeente_region: str | None = None,
) -> frozenset[str]:
    """The VT regions whose regional tables ``role`` may open: their own region only."""
    if role not in (BELEIDSMEDEWERKER, KETENREGISSEUR):
        return frozenset()
    region = profile_region or organisation_region or home_gemeente_region
    return frozenset({region}) if region else frozenset()
