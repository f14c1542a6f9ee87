"""Regional and local prevention: which plan a user may edit or read, and which agreements of the
region apply in a gemeente. Plain data, no Django.

Domestic violence is organised per Veilig Thuis region, with regional agreements next to local
policy ("Maak regionale afspraken", seed 000). A plan belongs to a gemeente (or one of its wijken)
or to a VT region; each line of a plan says whether it is a regional agreement or local policy.

Who may do what with a plan (``plan_access``):

- a **local plan** of gemeente G: edited by whoever may change G's reference data (the rule of
  ``zicht.access.domain.gemeente_scope``: their own gemeente, or the region's gemeenten for a
  regional coordinator); nobody else sees it;
- a **regional plan** of region R: edited by a beleidsmedewerker of R without a gemeente on their
  profile (the regional policy coordinator); read-only for every beleidsmedewerker and
  ketenregisseur whose gemeente (or region) lies in R; nobody else sees it;
- a functioneel beheerder reads no plans here (plans are the gemeenten's policy, not reference data)
  unless the gemeente rule gives them a gemeente.
"""

from __future__ import annotations

from zicht.access.roles import N_

REGIONAAL = "regionaal"
LOKAAL = "lokaal"
SCHALEN = [(LOKAAL, N_("Lokaal (deze gemeente)")), (REGIONAAL, N_("Regionale afspraak (hele VT-regio)"))]

EDIT = "edit"
READ = "read"

BELEIDSMEDEWERKER = "beleidsmedewerker"
KETENREGISSEUR = "ketenregisseur"


def is_regional_coordinator(role: str | None, *, profile_gemeente: str | None, profile_regio: str | None) -> bool:
    """A beleidsmedewerker with a region and no gemeente on their profile."""
    return role == BELEIDSMEDEWERKER and bool(profile_regio) and not profile_gemeente


def plan_access(
    role: str | None,
    *,
    plan_gemeente: str | None,
    plan_regio: str | None,
    editable_gemeenten: frozenset[str],
    profile_gemeente: str | None = None,
    profile_regio: str | None = None,
    user_regio: str | None = None,
) -> str | None:
    """EDIT, READ or None (the plan does not exist for this user).

    ``editable_gemeenten``: the gemeente rule's answer for the user; ``user_regio``: the region the
    user works in (their profile's, their organisation's, else their gemeente's region)."""
    if role is None:
        return None
    if plan_gemeente:
        if plan_gemeente not in editable_gemeenten:
            return None
        return EDIT if role == BELEIDSMEDEWERKER else READ
    if not plan_regio:
        return None
    if is_regional_coordinator(role, profile_gemeente=profile_gemeente, profile_regio=profile_regio) and profile_regio == plan_regio:
        return EDIT
    if role in (BELEIDSMEDEWERKER, KETENREGISSEUR) and user_regio == plan_regio:
        return READ
    return None


def default_schaal(plan_is_regional: bool) -> str:
    return REGIONAAL if plan_is_regional else LOKAAL


def applicable_regional_lines(lines: list[dict]) -> list[dict]:
    """The lines of a region's plans that apply in each of its gemeenten: the regional agreements
    (a regional plan may also record what one gemeente does locally: that stays there)."""
    return [line for line in lines if line.get("schaal") == REGIONAAL]


def coverage_by_gemeente(
    org_gemeente: dict[str, str], contributions: dict[str, set[str]], gemeenten: list[str], bouwstenen: list[str]
) -> dict[str, dict[str, int]]:
    """gemeente -> bouwsteen -> number of its organisations contributing (0: a witte vlek there).
    ``org_gemeente``: organisation code -> gemeente; ``contributions``: organisation code -> bouwstenen."""
    out = {g: dict.fromkeys(bouwstenen, 0) for g in gemeenten}
    for org, bouw in contributions.items():
        g = org_gemeente.get(org)
        if g in out:
            for b in bouw:
                if b in out[g]:
                    out[g][b] += 1
    return out


def matrix_agreement(matrices: dict[str, dict[str, set[str]]]) -> dict[str, dict[str, int]]:
    """partner type -> bouwsteen -> in how many gemeenten' matrices that partner type has that bouwsteen."""
    out: dict[str, dict[str, int]] = {}
    for matrix in matrices.values():
        for partner, bouw in matrix.items():
            row = out.setdefault(partner, {})
            for b in bouw:
                row[b] = row.get(b, 0) + 1
    return out
