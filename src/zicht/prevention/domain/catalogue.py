"""Catalogue rules: vocabularies, row validation for CSV import, the erkenning age flag, search.

Pure Python so the rules can be tested table-driven and reused by the importer, the views and the
``zicht catalogue`` command alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from zicht.access.roles import N_
from zicht.areas.risk_factors import PREVENTION_TYPE_LABELS, PREVENTION_TYPES, RISK_FACTORS
from zicht.core.dates import add_years

from .bouwstenen import BOUWSTEEN_CODES

# SEI erkenningsniveaus (domain brief §9) plus 'onbekend' for anything not verified.
ERKENNINGSNIVEAUS = [
    ("sterke_aanwijzingen", N_("Effectief – sterke aanwijzingen")),
    ("goede_aanwijzingen", N_("Effectief – goede aanwijzingen")),
    ("eerste_aanwijzingen", N_("Effectief – eerste aanwijzingen")),
    ("goed_onderbouwd", N_("Goed onderbouwd")),
    ("goed_beschreven", N_("Goed beschreven")),
    ("in_herbeoordeling", N_("In herbeoordeling")),
    ("niet_erkend", N_("Niet erkend")),
    # Laws, instruments, publications, campaigns and monitors: no databank recognises them (the
    # databanks only take planned interventions: NJi inclusion criteria), so no level applies.
    ("niet_van_toepassing", N_("Niet van toepassing (geen interventie)")),
    ("onbekend", N_("Onbekend")),
]
ERKENNING_CODES = [c for c, _ in ERKENNINGSNIVEAUS]
# Strength for ranking: higher is stronger evidence. Unknown and not recognised rank lowest.
ERKENNING_RANK = {
    "sterke_aanwijzingen": 5,
    "goede_aanwijzingen": 4,
    "eerste_aanwijzingen": 3,
    "goed_onderbouwd": 2,
    "goed_beschreven": 1,
    "in_herbeoordeling": 0,
    "niet_erkend": 0,
    "niet_van_toepassing": 0,
    "onbekend": 0,
}
SOORTEN = [("interventie", N_("Interventie")), ("instrument", N_("Instrument"))]
SETTINGS = [
    ("thuis", N_("Thuis")),
    ("school", N_("School")),
    ("wijk", N_("Wijk / buurtvoorziening")),
    ("instelling", N_("Instelling")),
    ("publiek", N_("Publiek / campagne")),
    ("online", N_("Online")),
]
SETTING_CODES = [c for c, _ in SETTINGS]
ERKENNING_VALID_YEARS = 5  # an erkenning is valid five years (domain brief §9)

COLUMNS = [
    "slug",
    "naam",
    "soort",
    "beschrijving",
    "preventietypes",
    "doelgroep",
    "leeftijd_min",
    "leeftijd_max",
    "setting",
    "risicofactoren",
    "bouwstenen",
    "erkenningsniveau",
    "erkenningsdatum",
    "erkenning_toelichting",
    "erkenning_bron",
    "bron",
    "toelichting",
]
REQUIRED = ["naam", "soort", "beschrijving", "bron"]
MULTI = {
    "preventietypes": PREVENTION_TYPES,
    "setting": SETTING_CODES,
    "risicofactoren": tuple(RISK_FACTORS),
    "bouwstenen": tuple(BOUWSTEEN_CODES),
}


def label(vocab: list[tuple[str, str]], code: str) -> str:
    return dict(vocab).get(code, code)


SLUG_PATTERN = re.compile(r"[a-z0-9-]{1,80}")  # what slugify produces


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


@dataclass(frozen=True)
class ErkenningDate:
    """An erkenning date as precise as the source gives it: a day, or only a year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def latest_possible(self) -> date:
        """The latest day the erkenning can have been given (the benefit of the doubt for the age flag)."""
        if self.month is None:
            return date(self.year, 12, 31)
        return date(self.year, self.month, self.day or 1)

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        if self.month is None:
            return str(self.year)
        return f"{self.day}-{self.month}-{self.year}"


def parse_erkenningsdatum(text: str) -> ErkenningDate | None:
    """'2019-04-08', '8-4-2019' or '2015' → ErkenningDate; '' → None. Raises ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return ErkenningDate(int(text))
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", text)
        if not m:
            raise ValueError("datum moet JJJJ, JJJJ-MM-DD of D-M-JJJJ zijn")
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    date(y, mo, d)  # raises ValueError for 31-02 etc.
    return ErkenningDate(y, mo, d)


def erkenning_outdated(erkenning: ErkenningDate | None, today: date, *, years: int = ERKENNING_VALID_YEARS) -> bool:
    """True when the erkenning is certainly older than ``years`` on ``today``.

    A year-only date counts from 31 December of that year, so it is only flagged when it is
    outdated whatever the exact day was. No date: not flagged (it is shown as 'onbekend' instead).
    """
    if erkenning is None:
        return False
    return add_years(erkenning.latest_possible, years) < today


def erkenning_status(niveau: str, erkenning: ErkenningDate | None, today: date) -> str:
    """One word for the badge: 'actueel', 'verouderd', 'geen datum', 'n.v.t.' or 'onbekend'."""
    if niveau == "onbekend":
        return "onbekend"
    if niveau == "niet_van_toepassing":
        return "n.v.t."
    if erkenning is None:
        return "geen datum"
    return "verouderd" if erkenning_outdated(erkenning, today) else "actueel"


@dataclass
class RowError:
    row: int  # 1-based data row number as a spreadsheet shows it (header is row 1)
    field: str
    message: str

    def __str__(self) -> str:
        return f"rij {self.row}, veld '{self.field}': {self.message}"


@dataclass
class CleanRow:
    values: dict = field(default_factory=dict)


def _split(value: str) -> list[str]:
    return [p.strip().lower() for p in re.split(r"[|;]", value or "") if p.strip()]


def _age(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{1,3}", value):
        raise ValueError("leeftijd moet een geheel aantal jaren zijn")
    age = int(value)
    if age > 120:
        raise ValueError("leeftijd boven 120")
    return age


def validate_row(raw: dict, row_number: int) -> tuple[dict | None, list[RowError]]:
    """Check one CSV row. Returns (clean values, []) or (None, errors naming row and field)."""
    errors: list[RowError] = []
    out: dict = {}
    raw = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
    for name in REQUIRED:
        if not raw.get(name):
            errors.append(RowError(row_number, name, "is verplicht"))
    out["naam"] = raw.get("naam", "")[:200]
    out["slug"] = slugify(raw.get("slug") or raw.get("naam", ""))
    if raw.get("naam") and not out["slug"]:
        errors.append(RowError(row_number, "slug", "kan niet uit de naam worden afgeleid"))
    soort = (raw.get("soort") or "").lower()
    if soort and soort not in dict(SOORTEN):
        errors.append(RowError(row_number, "soort", f"onbekende waarde; kies uit {', '.join(dict(SOORTEN))}"))
    out["soort"] = soort
    for name in ("beschrijving", "doelgroep", "bron", "toelichting", "erkenning_toelichting", "erkenning_bron"):
        out[name] = raw.get(name, "")
    for name, allowed in MULTI.items():
        values = _split(raw.get(name, ""))
        bad = [v for v in values if v not in allowed and v != "onbekend"]
        if bad:
            errors.append(RowError(row_number, name, f"onbekende waarde(n) {', '.join(bad)}"))
        out[name] = [v for v in values if v in allowed]
    for name in ("leeftijd_min", "leeftijd_max"):
        try:
            out[name] = _age(raw.get(name, ""))
        except ValueError as exc:
            errors.append(RowError(row_number, name, str(exc)))
            out[name] = None
    if out.get("leeftijd_min") is not None and out.get("leeftijd_max") is not None and out["leeftijd_min"] > out["leeftijd_max"]:
        errors.append(RowError(row_number, "leeftijd_max", "is kleiner dan leeftijd_min"))
    niveau = (raw.get("erkenningsniveau") or "onbekend").lower()
    if niveau not in ERKENNING_CODES:
        errors.append(RowError(row_number, "erkenningsniveau", f"onbekende waarde; kies uit {', '.join(ERKENNING_CODES)}"))
    out["erkenningsniveau"] = niveau
    try:
        erk = parse_erkenningsdatum(raw.get("erkenningsdatum", ""))
        out["erkenningsdatum"] = erk.iso() if erk else ""
    except ValueError as exc:
        errors.append(RowError(row_number, "erkenningsdatum", str(exc)))
    if errors:
        return None, errors
    return out, []


def validate_rows(rows: list[dict], *, first_row_number: int = 2) -> tuple[list[dict], list[RowError]]:
    """Validate all rows; also rejects duplicate slugs within the file."""
    clean, errors, seen = [], [], {}
    for i, raw in enumerate(rows):
        n = first_row_number + i
        values, errs = validate_row(raw, n)
        if values and values["slug"] in seen:
            errs = [RowError(n, "naam", f"dubbel in dit bestand (ook rij {seen[values['slug']]})")]
            values = None
        if values:
            seen[values["slug"]] = n
            clean.append(values)
        errors.extend(errs)
    return clean, errors


# --- search and filter, as the databanks do -------------------------------------------------------


@dataclass
class CatalogueQuery:
    tekst: str = ""
    soort: str = ""
    preventietype: str = ""
    doelgroep: str = ""
    leeftijd: int | None = None
    setting: str = ""
    risicofactor: str = ""
    bouwsteen: str = ""
    erkenning: str = ""  # a level, 'erkend' (any effective or onderbouwd level) or 'actueel'

    def active(self) -> bool:
        return any(v not in ("", None) for v in vars(self).values())


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def matches(entry: dict, q: CatalogueQuery, today: date) -> bool:
    """Does a catalogue entry (plain dict with the CSV fields, lists parsed) match the query?"""
    if q.tekst:
        hay = _norm(" ".join(str(entry.get(k, "")) for k in ("naam", "beschrijving", "doelgroep", "toelichting")))
        if not all(word in hay for word in _norm(q.tekst).split()):
            return False
    if q.soort and entry.get("soort") != q.soort:
        return False
    if q.preventietype and q.preventietype not in entry.get("preventietypes", []):
        return False
    if q.doelgroep and _norm(q.doelgroep) not in _norm(entry.get("doelgroep", "")):
        return False
    if q.leeftijd is not None:
        lo, hi = entry.get("leeftijd_min"), entry.get("leeftijd_max")
        if lo is None and hi is None:
            return False  # no age given: it cannot be shown to fit
        if lo is not None and q.leeftijd < lo:
            return False
        if hi is not None and q.leeftijd > hi:
            return False
    if q.setting and q.setting not in entry.get("setting", []):
        return False
    if q.risicofactor and q.risicofactor not in entry.get("risicofactoren", []):
        return False
    if q.bouwsteen and q.bouwsteen not in entry.get("bouwstenen", []):
        return False
    if q.erkenning:
        niveau = entry.get("erkenningsniveau", "onbekend")
        if q.erkenning == "erkend":
            if ERKENNING_RANK.get(niveau, 0) < 1:
                return False
        elif q.erkenning == "actueel":
            erk = parse_erkenningsdatum(entry.get("erkenningsdatum", ""))
            if erkenning_status(niveau, erk, today) != "actueel":
                return False
        elif niveau != q.erkenning:
            return False
    return True


def prevention_type_label(code: str) -> str:
    return PREVENTION_TYPE_LABELS.get(code, code)
