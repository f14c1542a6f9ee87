"""The bouwstenen of the Tilburg handreiking (seed 003) and its partners × bouwstenen matrix.

Seed 003 §1.2 names seven bouwstenen, worked out in chapters 2 to 8; §9.6 gives a table of which
partner types are expected to contribute to which bouwsteen. The table lost its column headers in
extraction; the columns follow the chapter order 2–8, which the rows confirm (only "Zorg: 2e lijn"
ticks the last column, specialistische inzet, and only bouwsteen 4's partners tick armoede).
"""

from __future__ import annotations

from dataclasses import dataclass

from zicht.access.roles import N_


@dataclass(frozen=True)
class Bouwsteen:
    code: str
    hoofdstuk: int
    titel: str
    omschrijving: str  # the wording of the list in seed 003 §1.2


BOUWSTENEN = [
    Bouwsteen(
        "vertrouwen",
        2,
        N_("Werken aan vertrouwen"),
        "vertrouwens- en samenwerkingsrelatie tussen inwoners, informele ondersteuning en professionals",
    ),
    Bouwsteen("taboe", 3, N_("Taboes doorbreken"), "bespreekbaar maken van de problematiek"),
    Bouwsteen("armoede", 4, N_("Minder armoede"), "verminderen van armoede"),
    Bouwsteen("opgroeien", 5, N_("Minder opgroeiproblemen"), "verminderen van opgroeiproblematiek"),
    Bouwsteen("opvoeden", 6, N_("Betere opvoedvaardigheden"), "verstevigen van opvoedvaardigheden"),
    Bouwsteen(
        "zorgafhankelijkheid",
        7,
        N_("Minder risico's door zorgafhankelijkheid"),
        "verminderen van risico's die samenhangen met zorgafhankelijkheid",
    ),
    Bouwsteen(
        "specialistisch",
        8,
        N_("Specialistische inzet op LVB-, GGZ- en verslavingsproblematiek"),
        "specialistische inzet op GGZ-, LVB- en verslavingsproblematiek",
    ),
]
BOUWSTEEN_CODES = [b.code for b in BOUWSTENEN]
BY_CODE = {b.code: b for b in BOUWSTENEN}

# Seed 003 §9.6: partner types (rows) and the bouwstenen (columns 2–8) they are expected to contribute to.
PARTNER_TYPES = [
    ("toegang", N_("Toegang")),
    ("onderwijs", N_("Onderwijs incl. leerplicht")),
    ("welzijn", N_("Welzijn en maatschappelijk werk")),
    ("zorg_1e_lijn", N_("Zorg: 1e lijn")),
    ("zorg_2e_lijn", N_("Zorg: 2e lijn")),
    ("zorg_jeugd", N_("Zorg voor jeugd")),
    ("informeel", N_("Verenigingen, vrijwilligers, zelforganisaties")),
    ("woningbouw", N_("Woningbouw, nutsbedrijven")),
    ("politie", N_("Politie")),
    ("gemeente", N_("Gemeentelijke uitvoerders")),
    ("veilig_thuis", N_("Veilig Thuis")),
]
PARTNER_TYPE_CODES = [code for code, _ in PARTNER_TYPES]

_ROWS = {  # the X marks per row, in column order 2..8
    "toegang": "XX.XXXX",
    "onderwijs": "XXXXX..",
    "welzijn": "XXXXXX.",
    "zorg_1e_lijn": "X...XXX",
    "zorg_2e_lijn": "......X",
    "zorg_jeugd": "XX.XX..",
    "informeel": "XXXXXX.",
    "woningbouw": "X.X....",
    "politie": "X..X...",
    "gemeente": "X.X..X.",
    "veilig_thuis": ".X.XX..",
}
DEFAULT_MATRIX: dict[str, frozenset[str]] = {
    partner: frozenset(code for code, mark in zip(BOUWSTEEN_CODES, marks) if mark == "X") for partner, marks in _ROWS.items()
}

# registry.vocab.ORGANISATIE_TYPES → the handreiking's partner type (for organisations without an explicit one).
ORGANISATION_TYPE_TO_PARTNER = {
    "politie": "politie",
    "veilig_thuis": "veilig_thuis",
    "wijkteam": "toegang",
    "onderwijs": "onderwijs",
    "leerplicht": "onderwijs",
    "kinderopvang": "informeel",
    "gezondheidszorg": "zorg_1e_lijn",
    "ggz": "zorg_2e_lijn",
    "jeugdzorg": "zorg_jeugd",
    "ggd": "toegang",  # seed 003: "Toegang (GGD, IMW, MEE)"
    "gemeente": "gemeente",
    "justitie": "politie",
}

# Which bouwstenen work on which risk factor (seed 003 chapters 4–8 name their problem; 2–3 are
# preconditions for every factor and are matched to the closed-community factors seed 003 ties them to).
FACTOR_BOUWSTENEN: dict[str, tuple[str, ...]] = {
    "armoede": ("armoede",),
    "opvoedingsbelasting": ("opgroeien", "opvoeden"),
    "vechtscheiding": ("opgroeien",),
    "afhankelijkheid": ("zorgafhankelijkheid",),
    "zorgafhankelijkheid": ("zorgafhankelijkheid",),
    "ggz_lvb_verslaving": ("specialistisch",),
    "verslaving": ("specialistisch",),
    "gesloten_gemeenschap": ("vertrouwen", "taboe"),
    "traditionele_rolpatronen": ("taboe",),
    "sociaal_isolement": ("vertrouwen",),
    "weerbaarheid": ("opgroeien", "taboe"),
    "eerdere_delicten": (),
}


def label(code: str) -> str:
    return BY_CODE[code].titel


def bouwstenen_for_factors(codes) -> list[str]:
    wanted = {b for c in codes for b in FACTOR_BOUWSTENEN.get(c, ())}
    return [b for b in BOUWSTEEN_CODES if b in wanted]
