"""The organisation map at regional scale (the GGD Zuid-Limburg example: about 1,600 organisations
mapped by their use of the meldcode): vocabularies, row validation for the import profile,
counts and gaps. Plain data, no Django.

Status per organisation (domain brief §1): the organisation must *have* a meldcode (Wet verplichte
meldcode, since 1 July 2013); the **aandachtsfunctionaris** supports colleagues and maintains it;
whether that person and the staff are trained is what the map shows next to the traffic light
(groen/oranje/rood, ``zicht.registry.vocab.MELDCODE_STOPLICHT``). Each is ja / nee / onbekend:
not mapped yet is never "nee".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from zicht.access.roles import N_

JA, NEE, ONBEKEND = "ja", "nee", "onbekend"
JA_NEE = [(JA, N_("Ja")), (NEE, N_("Nee")), (ONBEKEND, N_("Onbekend"))]

# Sectors of the Wet verplichte meldcode (gezondheidszorg, onderwijs, kinderopvang,
# maatschappelijke ondersteuning, jeugdhulp, justitie) and SDU's additions (ouderenzorg,
# gehandicaptenzorg, asielzoekerscentra); politie is named by another list (domain brief §1).
SECTORS = [
    ("gezondheidszorg", N_("Gezondheidszorg")),
    ("onderwijs", N_("Onderwijs")),
    ("kinderopvang", N_("Kinderopvang")),
    ("maatschappelijke_ondersteuning", N_("Maatschappelijke ondersteuning")),
    ("jeugdhulp", N_("Jeugdhulp")),
    ("justitie", N_("Justitie")),
    ("ouderenzorg", N_("Ouderenzorg")),
    ("gehandicaptenzorg", N_("Gehandicaptenzorg")),
    ("asielopvang", N_("Asielopvang")),
    ("politie", N_("Politie")),
    ("sport_en_vrije_tijd", N_("Sport en vrije tijd")),
    ("overig", N_("Overig")),
]
SECTOR_CODES = frozenset(code for code, _ in SECTORS)
SECTOR_LABELS = dict(SECTORS)

# The organisation type (zicht.registry.vocab.ORGANISATIE_TYPES) a new organisation gets from its sector.
SECTOR_TO_ORGANISATION_TYPE = {
    "gezondheidszorg": "gezondheidszorg",
    "onderwijs": "onderwijs",
    "kinderopvang": "kinderopvang",
    "maatschappelijke_ondersteuning": "wijkteam",
    "jeugdhulp": "jeugdzorg",
    "justitie": "justitie",
    "politie": "politie",
}

STOPLICHT_CODES = ("groen", "oranje", "rood", "onbekend")
# The codes as the list shows them (lower case, like ja / nee / onbekend).
STOPLICHT_LABELS = {"groen": N_("groen"), "oranje": N_("oranje"), "rood": N_("rood"), "onbekend": N_("onbekend")}
ANSWER_LABELS = {JA: N_("ja"), NEE: N_("nee"), ONBEKEND: N_("onbekend")}
STATUS_FIELDS = ("meldcode", "aandachtsfunctionaris", "af_getraind", "medewerkers_getraind")
STATUS_LABELS = {
    "meldcode": N_("Heeft een meldcode"),
    "aandachtsfunctionaris": N_("Heeft een aandachtsfunctionaris"),
    "af_getraind": N_("Aandachtsfunctionaris getraind"),
    "medewerkers_getraind": N_("Medewerkers getraind"),
}
REQUIRED_FIELDS = ("code", "naam", "sector", "gemeente")
FIELDS = (*REQUIRED_FIELDS, "stoplicht", *STATUS_FIELDS, "peildatum")

_JA = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
_NEE = {"nee", "n", "no", "0", "false", "onwaar"}
_ONBEKEND = {"", "onbekend", "?", "-", "nvt", "n.v.t.", "weet niet"}
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # spreadsheet row: the header is row 1
    field: str  # the file's column name (or the field when the column is missing)
    message: str

    def __str__(self) -> str:
        return f"{self.file}, rij {self.row}, kolom '{self.field}': {self.message}"


def ja_nee(value) -> str | None:
    """ja / nee / onbekend from what spreadsheets hold; None when unreadable."""
    text = str(value).strip().lower() if value is not None else ""
    if text in _JA:
        return JA
    if text in _NEE:
        return NEE
    if text in _ONBEKEND:
        return ONBEKEND
    return None


def normalise(text) -> str:
    return re.sub(r"[\s\-/]+", "_", str(text or "").strip().lower())


def sector_code(value, aliases: dict[str, str]) -> str | None:
    key = normalise(value)
    key = aliases.get(key, key)
    return key if key in SECTOR_CODES else None


@dataclass
class Profile:
    """Which column holds which field, and the file's own spellings of sector values."""

    name: str
    columns: dict[str, str]  # field -> column name in the file
    sector_aliases: dict[str, str] = field(default_factory=dict)  # normalised file value -> sector code
    sheet: str = ""
    description: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Profile:
        columns = dict(data.get("columns", {}))
        unknown = sorted(set(columns) - set(FIELDS))
        missing = [f for f in REQUIRED_FIELDS if f not in columns]
        if unknown or missing:
            raise ValueError(f"profiel '{data.get('name', '?')}': onbekende velden {unknown}, ontbrekende velden {missing}")
        aliases = {normalise(k): v for k, v in data.get("sector", {}).items()}
        bad = sorted(v for v in aliases.values() if v not in SECTOR_CODES)
        if bad:
            raise ValueError(f"profiel '{data.get('name', '?')}': onbekende sectoren {bad}")
        return cls(data["name"], columns, aliases, data.get("file", {}).get("sheet", ""), data.get("description", ""))


def check_header(header: list[str], profile: Profile, file: str) -> list[RowError]:
    present = {str(h).strip() for h in header if h is not None}
    return [
        RowError(file, 1, column, f"kolom ontbreekt (profiel '{profile.name}', veld {fld})")
        for fld, column in profile.columns.items()
        if column not in present
    ]


def clean_row(raw: dict, row: int, profile: Profile, file: str, gemeenten: dict[str, str]) -> tuple[dict, list[RowError]]:
    """One file row (column -> value) to the fields, or errors naming file, row and column.

    ``gemeenten``: lower-case gemeentecode or name -> gemeentecode (of the gemeenten the importer may change)."""
    col = profile.columns
    errors: list[RowError] = []

    def value(fld):
        v = raw.get(col[fld]) if fld in col else None
        return "" if v is None else str(v).strip()

    out: dict = {}
    code = value("code").lower()
    if not _CODE.match(code):
        errors.append(RowError(file, row, col["code"], "ongeldige code (letters, cijfers, - of _; hoogstens 60 tekens)"))
    out["code"] = code
    naam = value("naam")
    if not naam or len(naam) > 200:
        errors.append(RowError(file, row, col["naam"], "naam ontbreekt of is langer dan 200 tekens"))
    out["naam"] = naam
    sector = sector_code(value("sector"), profile.sector_aliases)
    if sector is None:
        errors.append(RowError(file, row, col["sector"], "onbekende sector"))
    out["sector"] = sector
    gm = gemeenten.get(value("gemeente").lower())
    if gm is None:
        errors.append(RowError(file, row, col["gemeente"], "onbekende gemeente, of een gemeente buiten uw regio"))
    out["gemeente"] = gm
    stoplicht = value("stoplicht").lower() or "onbekend"
    if stoplicht not in STOPLICHT_CODES:
        errors.append(RowError(file, row, col.get("stoplicht", "stoplicht"), "stoplicht moet groen, oranje, rood of onbekend zijn"))
    out["stoplicht"] = stoplicht
    for fld in STATUS_FIELDS:
        status = ja_nee(value(fld)) if fld in col else ONBEKEND
        if status is None:
            errors.append(RowError(file, row, col[fld], "verwacht ja, nee of onbekend"))
        out[fld] = status
    peil = value("peildatum")[:10] if "peildatum" in col else ""
    if peil and not _DATE.match(peil):
        errors.append(RowError(file, row, col["peildatum"], "datum als jjjj-mm-dd"))
    out["peildatum"] = peil or None
    if out.get("af_getraind") == JA and out.get("aandachtsfunctionaris") == NEE:
        errors.append(RowError(file, row, col["af_getraind"], "getrainde aandachtsfunctionaris, maar 'aandachtsfunctionaris' is nee"))
    return out, errors


def validate(rows, profile: Profile, file: str, gemeenten: dict[str, str]) -> tuple[list[dict], list[RowError]]:
    """All rows or none: (clean rows, errors). ``rows``: (row number, column -> value)."""
    clean, errors, seen = [], [], {}
    for row, raw in rows:
        values, errs = clean_row(raw, row, profile, file, gemeenten)
        errors += errs
        if values["code"] in seen:
            errors.append(RowError(file, row, profile.columns["code"], f"code komt al voor in rij {seen[values['code']]}"))
        seen.setdefault(values["code"], row)
        clean.append(values)
    return clean, errors


# --- counts and gaps ----------------------------------------------------------------------------


def level(record: dict) -> str:
    """One summary of the status, from least to most ready (for the map and the filters)."""
    if record["meldcode"] != JA:
        return "geen_meldcode" if record["meldcode"] == NEE else "onbekend"
    if record["aandachtsfunctionaris"] != JA:
        return "meldcode"
    if record["af_getraind"] != JA:
        return "aandachtsfunctionaris"
    return "getraind"


LEVELS = [
    ("onbekend", N_("Nog niet in kaart")),
    ("geen_meldcode", N_("Geen meldcode")),
    ("meldcode", N_("Meldcode, geen aandachtsfunctionaris")),
    ("aandachtsfunctionaris", N_("Aandachtsfunctionaris, niet getraind")),
    ("getraind", N_("Getrainde aandachtsfunctionaris")),
]


def counts_per_gemeente(records: list[dict]) -> dict[str, dict]:
    """gemeente -> {n, per level, per stoplicht, with a trained aandachtsfunctionaris (n and share)}."""
    out: dict[str, dict] = {}
    for r in records:
        c = out.setdefault(r["gemeente"], {"n": 0, "levels": Counter(), "stoplicht": Counter()})
        c["n"] += 1
        c["levels"][level(r)] += 1
        c["stoplicht"][r["stoplicht"]] += 1
    for c in out.values():
        c["getraind"] = c["levels"]["getraind"]
        c["aandeel_getraind"] = c["getraind"] / c["n"] if c["n"] else None
    return out


@dataclass
class MapGaps:
    gemeenten_zonder_getrainde_af: list[str] = field(default_factory=list)  # no organisation at all has one
    sectoren_zonder_getrainde_af: list[str] = field(default_factory=list)  # in the whole selection
    gemeente_sector_zonder_getrainde_af: list[tuple[str, str, int]] = field(default_factory=list)  # (gemeente, sector, n organisations)
    zonder_meldcode: list[tuple[str, str, int]] = field(default_factory=list)  # (gemeente, sector, n) that say "nee"
    niet_in_kaart: int = 0  # meldcode status onbekend

    def empty(self) -> bool:
        return not any(vars(self).values())


def find_gaps(records: list[dict], gemeenten: list[str] | None = None) -> MapGaps:
    """Where the meldcode is not carried: gemeenten and sectors without a trained
    aandachtsfunctionaris, gemeente × sector cells where organisations exist but none has one,
    organisations that state they have no meldcode, and how many are not mapped yet.
    ``gemeenten``: all gemeenten of the selection (a gemeente without any organisation is a gap too)."""
    trained_g, trained_s, trained_gs = set(), set(), set()
    present_gs: Counter = Counter()
    without: Counter = Counter()
    unknown = 0
    for r in records:
        g, s = r["gemeente"], r["sector"]
        present_gs[(g, s)] += 1
        if level(r) == "getraind":
            trained_g.add(g)
            trained_s.add(s)
            trained_gs.add((g, s))
        if r["meldcode"] == NEE:
            without[(g, s)] += 1
        if r["meldcode"] == ONBEKEND:
            unknown += 1
    all_g = sorted(set(gemeenten or []) | {g for g, _ in present_gs})
    sectors_present = {s for _, s in present_gs}
    return MapGaps(
        gemeenten_zonder_getrainde_af=[g for g in all_g if g not in trained_g],
        sectoren_zonder_getrainde_af=[c for c, _ in SECTORS if c in sectors_present and c not in trained_s],
        gemeente_sector_zonder_getrainde_af=sorted((g, s, n) for (g, s), n in present_gs.items() if (g, s) not in trained_gs),
        zonder_meldcode=sorted((g, s, n) for (g, s), n in without.items()),
        niet_in_kaart=unknown,
    )


def sector_matrix(records: list[dict]) -> dict[str, dict[str, tuple[int, int]]]:
    """gemeente -> sector -> (organisations, with a trained aandachtsfunctionaris)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in records:
        cell = out[r["gemeente"]][r["sector"]]
        cell[0] += 1
        cell[1] += level(r) == "getraind"
    return {g: {s: (v[0], v[1]) for s, v in d.items()} for g, d in out.items()}


def matches(record: dict, *, sector: str = "", gemeente: str = "", status: str = "", stoplicht: str = "") -> bool:
    """The map's filters (empty: no filter); ``status`` is a level or ``<field>:<ja|nee|onbekend>``."""
    if sector and record["sector"] != sector:
        return False
    if gemeente and record["gemeente"] != gemeente:
        return False
    if stoplicht and record["stoplicht"] != stoplicht:
        return False
    if status:
        if ":" in status:
            fld, want = status.split(":", 1)
            if fld not in STATUS_FIELDS or record[fld] != want:
                return False
        elif level(record) != status:
            return False
    return True
