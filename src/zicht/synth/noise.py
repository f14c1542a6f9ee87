"""The noise model: how partner registrations deviate from the true person and address.

Every kind has a documented base rate (`BASE_RATES`, per mention, at ``--noise 1``); the
effective rate is ``min(1, rate * noise)`` so ``--noise 0`` yields clean data and ``--noise 2``
doubles every kind. Source profiles (`SOURCE_RATES`) hold what differs per partner: police
rows mostly carry a BSN, Veilig Thuis and wijkteam rows mostly do not.

All functions are pure and take the `random.Random` they may use, so runs are reproducible.
"""

from __future__ import annotations

import random
import string
import unicodedata
from dataclasses import dataclass
from datetime import date

# Per-mention probability at noise 1.0 (conditional where a name says so).
BASE_RATES: dict[str, float] = {
    "typo_achternaam": 0.04,  # insert / delete / substitute / transpose one letter
    "typo_voornaam": 0.03,
    "phonetic": 0.015,  # ij↔y, ei↔ij, dt→t, ck→k, ou↔au, ch→g, ph→f
    "tussenvoegsel_variant": 0.35,  # of mentions whose surname has a tussenvoegsel
    "name_swap": 0.015,  # first and last name swapped
    "dob_day_month_swap": 0.01,  # only where the day is ≤ 12 (else still a valid date)
    "diacritics_dropped": 0.5,  # of mentions whose name has diacritics
    "toevoeging_dropped": 0.15,  # of mentions at an address with a toevoeging
    "married_name": 0.25,  # of mentions of a woman living with a husband (VT, wijkteam)
    "geslacht_missing": 0.02,
    "postcode_no_space": 0.45,  # '5041AB' rather than '5041 AB'
    "postcode_lower": 0.05,
    "street_split": 0.15,  # VT free address: 'Korvelse weg' for 'Korvelseweg'
    "street_lowercase": 0.10,
}

# Per-source missingness and name habits (also scaled by noise).
SOURCE_RATES: dict[str, dict[str, float]] = {
    "politie": {"bsn_missing": 0.12, "dob_missing": 0.02, "initials_only": 0.03, "first_voornaam_only": 0.25},
    "veilig_thuis": {"bsn_missing": 0.75, "dob_missing": 0.10, "initials_only": 0.12, "first_voornaam_only": 0.90},
    "advies": {"bsn_missing": 0.97, "dob_missing": 0.55, "initials_only": 0.20, "first_voornaam_only": 0.95},
    "wijkteam": {"bsn_missing": 0.55, "dob_missing": 0.05, "initials_only": 0.0, "first_voornaam_only": 0.95},
}

_TV_VARIANTS = {
    "van der": ["vd", "v.d.", "V.d.", "v/d", "Van der", "van de"],
    "van den": ["vd", "v.d.", "V.d.", "v/d", "Van den", "van de"],
    "van de": ["vd", "v.d.", "V.d.", "Van de", "van der"],
    "van": ["v.", "V.", "Van"],
    "de": ["De", "d."],
    "van het": ["v.h.", "van 't", "Van het"],
    "ter": ["Ter", "ten"],
    "ten": ["Ten", "ter"],
    "te": ["Te"],
    "el": ["El", "al"],
}
_PHONETIC = [
    ("ij", "y"),
    ("y", "ij"),
    ("ei", "ij"),
    ("ij", "ei"),
    ("dt", "t"),
    ("ck", "k"),
    ("ou", "au"),
    ("au", "ou"),
    ("ch", "g"),
    ("ph", "f"),
    ("ss", "s"),
    ("ee", "e"),
]
_SPECIAL_FOLD = str.maketrans({"ı": "i", "İ": "I", "ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L"})


@dataclass(frozen=True)
class Noise:
    """Effective rates for one run: ``rate(kind)`` = base × level, capped at 1."""

    level: float = 1.0

    def rate(self, kind: str, source: str | None = None) -> float:
        base = SOURCE_RATES[source][kind] if source else BASE_RATES[kind]
        return min(1.0, base * self.level)

    def hit(self, rng: random.Random, kind: str, source: str | None = None) -> bool:
        return self.level > 0 and rng.random() < self.rate(kind, source)


def typo(value: str, rng: random.Random) -> str:
    """One keyboard slip: insert, delete, substitute or transpose a letter (not the first)."""
    if len(value) < 3:
        return value
    i = rng.randrange(1, len(value))
    kind = rng.randrange(4)
    if kind == 3 and i == len(value) - 1:
        i -= 1
    if kind == 3 and value[i] == value[i + 1]:
        kind = 2  # transposing equal letters changes nothing
    if kind == 0:
        return value[:i] + rng.choice(string.ascii_lowercase) + value[i:]
    if kind == 1:
        return value[:i] + value[i + 1 :]
    if kind == 2:
        letter = rng.choice([c for c in string.ascii_lowercase if c != value[i].lower()])
        return value[:i] + letter + value[i + 1 :]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def phonetic_variant(value: str, rng: random.Random) -> str:
    """A Dutch spelling-by-ear variant ('Meijer' → 'Meyer'), or the value itself."""
    options = [(a, b) for a, b in _PHONETIC if a in value]
    if not options:
        return value
    a, b = rng.choice(options)
    return value.replace(a, b, 1)


def strip_diacritics(value: str) -> str:
    """'Öztürk' → 'Ozturk', 'Yılmaz' → 'Yilmaz': what many source systems store."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_diacritics(value: str) -> bool:
    return strip_diacritics(value) != value


def tussenvoegsel_variant(tussenvoegsel: str, achternaam: str, rng: random.Random) -> tuple[str, str]:
    """Registration variants: abbreviated ('vd', 'V.d.'), moved after ('Berg, van den'), or merged."""
    form = rng.randrange(4)
    if form == 0:
        return "", f"{achternaam}, {tussenvoegsel}"
    if form == 1:
        return "", f"{tussenvoegsel} {achternaam}"
    variants = _TV_VARIANTS.get(tussenvoegsel, [tussenvoegsel.capitalize()])
    return rng.choice(variants), achternaam


def initials(voornamen: str, all_names: bool = True) -> str:
    """'Pieter Jan' → 'P.J.' (or 'P.' with all_names False)."""
    parts = voornamen.split()
    if not parts:
        return ""
    if not all_names:
        parts = parts[:1]
    return "".join(p[0].upper() + "." for p in parts)


def format_postcode(pc4: str, letters: str, space: bool, lower: bool) -> str:
    value = f"{pc4} {letters}" if space else f"{pc4}{letters}"
    return value.lower() if lower else value


def swap_day_month(value: date) -> date:
    """Day and month swapped where that is still a date (the classic dd-mm/mm-dd mix-up)."""
    if value.day <= 12 and value.day != value.month:
        return value.replace(month=value.day, day=value.month)
    return value


_STREET_SUFFIXES = ("straat", "weg", "laan", "singel", "pad", "baan", "dreef", "hof", "ring", "steeg", "boulevard", "plein")


def split_compound_street(straat: str) -> str:
    """'Korvelseweg' → 'Korvelse weg': the street typed as two words."""
    for suffix in _STREET_SUFFIXES:
        if straat.lower().endswith(suffix) and len(straat) > len(suffix) + 2:
            return f"{straat[: -len(suffix)]} {straat[-len(suffix) :]}"
    return straat


def free_address(straat: str, huisnummer: int, toevoeging: str, rng: random.Random, noise: Noise) -> str:
    """A one-field address as a case worker types it: 'Korvelseweg 12 a', 'korvelse weg 12-A'.

    (Dropping the toevoeging is decided in `population.observe`, not here.)
    """
    name = straat
    if noise.hit(rng, "street_split"):
        name = split_compound_street(name)
    if noise.hit(rng, "street_lowercase"):
        name = name.lower()
    if not toevoeging:
        return f"{name} {huisnummer}"
    if toevoeging.isalpha():
        sep = rng.choice(["", " ", "-"]) if noise.level > 0 else ""
    else:  # '12-2', never '122'
        sep = rng.choice([" ", "-"]) if noise.level > 0 else "-"
    toev = toevoeging.lower() if (noise.level > 0 and rng.random() < 0.3) else toevoeging
    tail = " bis" if (noise.level > 0 and toevoeging.isalpha() and rng.random() < 0.05) else ""
    return f"{name} {huisnummer}{sep}{toev}{tail}"
