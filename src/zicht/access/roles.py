"""The roles of PRODUCT.md and what each may see. Pure data; the groups in the database mirror it."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks a label for translation (``zicht makemessages`` extracts N_); translated where shown."""
    return text


def dutch(text: str) -> str:
    """The ``tr`` of a pure function that builds a sentence when no page asks for another language:
    the Dutch source text as it is (what is stored and what the CLI prints)."""
    return text


KETENREGISSEUR = "ketenregisseur"
PROFESSIONAL = "professional"
BELEIDSMEDEWERKER = "beleidsmedewerker"
FUNCTIONEEL_BEHEERDER = "functioneel_beheerder"
PRIVACY_OFFICER = "privacy_officer"

ROLES = [
    (KETENREGISSEUR, N_("Ketenregisseur / analist")),
    (PROFESSIONAL, N_("Professional (wijkteam, politie, school, GGD)")),
    (BELEIDSMEDEWERKER, N_("Beleidsmedewerker gemeente")),
    (FUNCTIONEEL_BEHEERDER, N_("Functioneel beheerder")),
    (PRIVACY_OFFICER, N_("Privacy officer / auditor")),
]

# Roles with a legal basis for individual-level views (DPIA: Wmo 2015, Jeugdwet, Wet verplichte meldcode).
PERSONAL_DATA_ROLES = frozenset({KETENREGISSEUR, PROFESSIONAL})
AGGREGATE_ROLES = frozenset({KETENREGISSEUR, BELEIDSMEDEWERKER, FUNCTIONEEL_BEHEERDER, PRIVACY_OFFICER})
ALL_ROLES = frozenset(code for code, _ in ROLES)


def label(role: str) -> str:
    return dict(ROLES).get(role, role)


# Roles whose accounts must pass a second factor (TOTP): everyone who can see personal data, the
# access log (who looked at which household) or partner files being imported. A beleidsmedewerker
# sees only disclosure-controlled aggregates and logs in with a password alone.
TWO_FACTOR_ROLES = frozenset({KETENREGISSEUR, PROFESSIONAL, FUNCTIONEEL_BEHEERDER, PRIVACY_OFFICER})

# The roles as data: each role is a Django group holding these permissions (codename, label).
# UserProfile.role stays the source of truth; the groups mirror it so an administrator can read
# who may do what in the admin, and `zicht` keeps them in sync (see zicht.access.groups).
PERMISSIONS = {
    "view_personal_data": "Mag persoonsgegevens op individueel niveau inzien",
    "view_own_organisation": "Mag alleen gegevens van de eigen organisatie inzien",
    "view_region": "Mag gegevens van de eigen Veilig Thuis-regio inzien",
    "view_aggregates": "Mag geaggregeerde, onthullingsbeveiligde cijfers inzien",
    "register_signal": "Mag signalen registreren (verwijsindex)",
    "import_files": "Mag partnerbestanden importeren",
    "review_links": "Mag koppelingen van personen beoordelen",
    "manage_reference_data": "Mag organisaties, profielen, regelsets en catalogus beheren",
    "plan_prevention": "Mag preventieplannen maken",
    "view_access_log": "Mag het toegangslogboek inzien en exporteren",
    "run_retention": "Mag bewaartermijnen beoordelen en uitvoeren",
}

ROLE_PERMISSIONS = {
    KETENREGISSEUR: {"view_personal_data", "view_region", "view_aggregates", "import_files", "review_links"},
    PROFESSIONAL: {"view_personal_data", "view_own_organisation", "register_signal"},
    BELEIDSMEDEWERKER: {"view_aggregates", "plan_prevention"},
    FUNCTIONEEL_BEHEERDER: {"view_aggregates", "import_files", "manage_reference_data", "run_retention"},
    PRIVACY_OFFICER: {"view_aggregates", "view_access_log", "run_retention"},
}


def group_name(role: str) -> str:
    """The Django group that mirrors a role (its Dutch label, readable in the admin)."""
    return label(role)
