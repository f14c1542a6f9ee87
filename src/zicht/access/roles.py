"""The roles of PRODUCT.md and what each may see. Pure data; the groups in the database mirror it."""

from __future__ import annotations

KETENREGISSEUR = "ketenregisseur"
PROFESSIONAL = "professional"
BELEIDSMEDEWERKER = "beleidsmedewerker"
FUNCTIONEEL_BEHEERDER = "functioneel_beheerder"
PRIVACY_OFFICER = "privacy_officer"

ROLES = [
    (KETENREGISSEUR, "Ketenregisseur / analist"),
    (PROFESSIONAL, "Professional (wijkteam, politie, school, GGD)"),
    (BELEIDSMEDEWERKER, "Beleidsmedewerker gemeente"),
    (FUNCTIONEEL_BEHEERDER, "Functioneel beheerder"),
    (PRIVACY_OFFICER, "Privacy officer / auditor"),
]

# Roles with a legal basis for individual-level views (DPIA: Wmo 2015, Jeugdwet, Wet verplichte meldcode).
PERSONAL_DATA_ROLES = frozenset({KETENREGISSEUR, PROFESSIONAL})
AGGREGATE_ROLES = frozenset({KETENREGISSEUR, BELEIDSMEDEWERKER, FUNCTIONEEL_BEHEERDER, PRIVACY_OFFICER})
ALL_ROLES = frozenset(code for code, _ in ROLES)


def label(role: str) -> str:
    return dict(ROLES).get(role, role)
