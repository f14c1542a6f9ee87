"""``zicht fetch-cbs``: fresh KWB tables from CBS StatLine with ``cbsodata`` (needs internet).

Why by title: CBS column keys carry a positional suffix that changes every year
(``HuishOnderOfRondSociaalMinimum_73`` in 2017, ``_88`` in 2023); the *titles* are stable.
``resolve_columns`` maps titles (optionally prefixed with their parent group) to Zicht
indicators through ``DataProperties``; everything but the network call is pure and tested
with recorded fixtures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import cbs

KNOWN_TABLE_YEARS = {
    "83765NED": 2017,
    "84286NED": 2018,
    "84583NED": 2019,
    "84799NED": 2020,
    "85039NED": 2021,
    "85318NED": 2022,
    "85618NED": 2023,
    "85984NED": 2024,
    "86165NED": 2025,
}


@dataclass(frozen=True)
class Spec:
    """How one Zicht indicator is found in a KWB table and turned into Zicht's unit."""

    key: str
    titles: tuple[str, ...]
    per: str | None = None  # denominator field when the CBS unit is a count: 'inwoners' / 'huishoudens'
    factor: float = 100.0  # 100 for a percentage, 1000 for 'per 1.000 inwoners'


SPECS = (
    Spec("inwoners", ("aantal inwoners",)),
    Spec("huishoudens", ("huishoudens totaal",)),
    Spec("gem_huishoudensgrootte", ("gemiddelde huishoudensgrootte",)),
    Spec("bevolkingsdichtheid", ("bevolkingsdichtheid",)),
    Spec("pct_0_15", ("0 tot 15 jaar",), per="inwoners"),
    Spec("pct_15_25", ("15 tot 25 jaar",), per="inwoners"),
    Spec("pct_25_45", ("25 tot 45 jaar",), per="inwoners"),
    Spec("pct_45_65", ("45 tot 65 jaar",), per="inwoners"),
    Spec("pct_65plus", ("65 jaar of ouder",), per="inwoners"),
    Spec("pct_gescheiden", ("burgerlijke staat; gescheiden", "gescheiden"), per="inwoners"),
    Spec("pct_eenpersoonshhd", ("eenpersoonshuishoudens",), per="huishoudens"),
    Spec("pct_hhd_met_kind", ("huishoudens met kinderen",), per="huishoudens"),
    Spec("pct_hhd_zonder_kind", ("huishoudens zonder kinderen",), per="huishoudens"),
    Spec("gem_woz_waarde", ("gemiddelde woz-waarde van woningen", "gemiddelde woningwaarde")),
    Spec("gem_inkomen_inwoner", ("gemiddeld inkomen per inwoner",)),
    Spec("gem_inkomen_ontvanger", ("gemiddeld inkomen per inkomensontvanger",)),
    Spec("pct_hh_laagste40", ("40% huishoudens met laagste inkomen",)),
    Spec("pct_hh_laag_inkomen", ("huishoudens met een laag inkomen",)),
    Spec("pct_rond_sociaal_min", ("huishoudens onder of rond sociaal minimum",)),
    Spec("bijstand_per_1000", ("personen per soort uitkering; bijstand", "bijstand"), per="inwoners", factor=1000.0),
    Spec("ww_per_1000", ("personen per soort uitkering; ww", "ww"), per="inwoners", factor=1000.0),
    Spec("wmo_per_1000", ("wmo-cliënten relatief", "wmo-cliënten"), per="inwoners", factor=1000.0),
    Spec("pct_jeugdzorg", ("percentage jongeren met jeugdzorg", "jongeren met jeugdzorg in natura")),
    Spec("stedelijkheid", ("mate van stedelijkheid",)),
)
CODE_TITLES = ("codering",)  # i18n: not UI
NAME_TITLES = ("wijken en buurten",)  # i18n: not UI
GEMEENTE_NAME_TITLES = ("gemeentenaam",)  # i18n: not UI


@dataclass(frozen=True)
class Column:
    key: str  # the CBS key in this table, e.g. 'AantalInwoners_5'
    indicator: str
    is_count: bool  # CBS unit is 'aantal' (needs a denominator for % or per 1.000)
    spec: Spec


def _unit_is_count(unit: str | None) -> bool:
    return (unit or "").strip().lower() in {"aantal", "number", ""}


def _titles(properties: list[dict]) -> dict[str, dict]:
    """Normalised title (and 'parent; title') -> property; first one wins for ambiguous titles."""
    by_id = {p.get("ID"): p for p in properties}
    out: dict[str, dict] = {}
    for prop in properties:
        if not prop.get("Key") or prop.get("Type") in ("TopicGroup",):
            continue
        title = cbs.normalise_title(prop.get("Title", ""))
        parent = by_id.get(prop.get("ParentID"))
        if parent is not None:
            out.setdefault(f"{cbs.normalise_title(parent.get('Title', ''))}; {title}", prop)
        out.setdefault(title, prop)
    return out


def resolve_columns(properties: list[dict]) -> tuple[dict[str, str], list[Column], list[str]]:
    """Find the code/name keys and every indicator column by title.

    Returns (special keys {'code', 'name', 'gemeente'}, indicator columns, unresolved indicators).
    """
    titles = _titles(properties)
    special = {}
    for name, options in (("code", CODE_TITLES), ("name", NAME_TITLES), ("gemeente", GEMEENTE_NAME_TITLES)):
        for option in options:
            if option in titles:
                special[name] = titles[option]["Key"]
                break
    if "name" not in special:  # the dimension itself
        dims = [p for p in properties if p.get("Type") in ("GeoDimension", "Dimension")]
        if dims:
            special["name"] = dims[0]["Key"]
    columns, missing = [], []
    for spec in SPECS:
        prop = next((titles[t] for t in spec.titles if t in titles), None)
        if prop is None:
            missing.append(spec.key)
            continue
        is_count = _unit_is_count(prop.get("Unit")) and spec.per is not None
        if spec.key == "wmo_per_1000" and "relatief" in cbs.normalise_title(prop.get("Title", "")):
            is_count = False
        columns.append(Column(prop["Key"], spec.key, is_count, spec))
    return special, columns, missing


def table_year(table: str, infos: list[dict] | dict | None, override: int | None = None) -> int:
    if override:
        return override
    info = infos[0] if isinstance(infos, list) and infos else infos or {}
    for field in ("Period", "Title", "ShortTitle"):
        match = re.search(r"(20\d\d)", str(info.get(field, "")))
        if match:
            return int(match.group(1))
    if table.upper() in KNOWN_TABLE_YEARS:
        return KNOWN_TABLE_YEARS[table.upper()]
    raise ValueError(f"Jaar van tabel {table} onbekend; geef --jaar op")


def rows_to_figures(
    rows: list[dict], special: dict[str, str], columns: list[Column], gemeente: str | None = None
) -> tuple[list[dict], list[tuple[str, int, str, float | None]]]:
    """Areas (code, level, name) and figures (code, indicator, value) from TypedDataSet rows.

    Counts become percentages or rates with the area's own denominator; a missing count or
    denominator gives a missing figure, never zero.
    """
    if "code" not in special:
        raise ValueError("De tabel heeft geen kolom 'Codering'; is dit een KWB-tabel?")
    digits = gemeente.upper()[2:6] if gemeente else None
    areas, figures = [], []
    denominators = {c.indicator: c for c in columns if c.indicator in ("inwoners", "huishoudens")}
    for row in rows:
        code = cbs.clean_code(row.get(special["code"]))
        level = cbs.level_of(code)
        if level == "onbekend" or (digits and level != "land" and code[2:6] != digits):
            continue
        areas.append(
            {
                "code": code,
                "level": level,
                "naam": str(row.get(special.get("name"), "") or "").strip(),
                "gemeente_naam": str(row.get(special.get("gemeente"), "") or "").strip(),
            }
        )
        denom_values = {k: cbs.parse_value(row.get(c.key)) for k, c in denominators.items()}
        for column in columns:
            value = cbs.parse_value(row.get(column.key))
            if column.is_count:
                value = cbs.share(value, denom_values.get(column.spec.per), per=column.spec.factor)
            figures.append((code, column.indicator, value))
    return areas, figures


def fetch(table: str, gemeente: str | None = None, client=None, progress: Callable[[str], None] = lambda m: None) -> dict:
    """Download with ``cbsodata`` (or a stand-in ``client`` with the same functions) and resolve."""
    if client is None:
        import cbsodata as client  # noqa: N813 - the library's own name
    progress(f"Metadata van {table} ophalen")
    properties = client.get_meta(table, "DataProperties")
    try:
        infos = client.get_meta(table, "TableInfos")
    except Exception:  # noqa: BLE001 - TableInfos is only used to find the year
        infos = None
    special, columns, missing = resolve_columns(properties)
    filters = None
    if gemeente and "code" in special:
        digits = gemeente.upper()[2:6]
        filters = f"substringof('{digits}',{special['code']})"
    progress(f"Gegevens van {table} ophalen" + (f" voor {gemeente}" if gemeente else ""))
    rows = client.get_data(table, filters=filters)
    areas, figures = rows_to_figures(rows, special, columns, gemeente)
    return {"special": special, "columns": columns, "missing": missing, "areas": areas, "figures": figures, "infos": infos}
