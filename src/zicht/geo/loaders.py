"""Load CBS geography and key figures from the offline files in ``settings.SHARED_DATA_DIR``.

One transaction per run (atomic), upserts by code and replaces this loader's own
Kerncijfer rows (idempotent: running twice gives the same database). See docs/gebiedscan.md.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import cbs
from .models import Buurt, Gemeente, Kerncijfer, Wijk

KWB2017 = "kwb/kwb_2017_gemeente_wijk_buurt_selected_cols.csv"
GEMEENTEN = "kwb/gemeenten_{year}_kwb_plus.geojson"
WIJKEN_2024 = "boundaries/wijken_2024.geojson"
GGD = "regions/gemeente_ggdregio_from_certegis_pc4.csv"
BRON_2017 = "CBS 83765NED (KWB 2017)"
BRON_PDOK = "CBS/PDOK wijkenbuurten {year}"
BRON_POLITIE = "Politie/CBS geregistreerde misdrijven {year}"
BRON_NATIONAAL = "Afgeleid: som/gewogen gemiddelde gemeenten {year}"
PDOK_YEARS = (2022, 2023, 2024)


def _data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)


def _memo(fn):
    """Parse each file once per process (keyed on path, size and mtime): tests load often."""
    cache: dict = {}

    @functools.wraps(fn)
    def wrapper(path: Path):
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in cache:
            cache[key] = fn(path)
        return cache[key]

    return wrapper


@_memo
def _read_geojson(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


@_memo
def read_kwb2017(path: Path) -> list[dict]:
    """KWB 2017 rows with clean codes and parsed values (missing stays None)."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = cbs.clean_code(row["Codering_3"])
            values = {key: cbs.parse_value(row.get(col)) for col, key in cbs.KWB2017_COLUMNS.items()}
            values["pct_65plus"] = cbs.share(values["inwoners_65plus"], values["inwoners"])
            rows.append(
                {
                    "code": code,
                    "level": cbs.level_of(code),
                    "gemeente_naam": (row["Gemeentenaam_1"] or "").strip(),
                    "values": values,
                }
            )
    return rows


def read_ggd(path: Path) -> dict[str, str]:
    """Gemeente name -> GGD region, plus the 2022+ codes given in the file."""
    by_name: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["gemeente"] and row["ggdregio"]:
                by_name[row["gemeente"].strip()] = row["ggdregio"].strip()
                if row.get("gemeentecode_2022_by_name"):
                    by_name[row["gemeentecode_2022_by_name"].strip()] = row["ggdregio"].strip()
    return by_name


def ggd_for(code: str, naam: str, by_name: dict[str, str]) -> str:
    if code in by_name:
        return by_name[code]
    if naam in by_name:
        return by_name[naam]
    regions = {by_name[p] for p in cbs.GEMEENTE_PREDECESSORS.get(naam, ()) if p in by_name}
    return regions.pop() if len(regions) == 1 else ""


def load_geo(gemeente: str | None = None, progress: Callable[[str], None] = lambda msg: None) -> dict:
    """Load all of NL (or one gemeente plus the national row). Returns counts per kind."""
    base = _data_dir()
    only = gemeente.upper() if gemeente else None

    def wanted(code: str) -> bool:
        if only is None or code.startswith("NL"):
            return True
        return code[2:6] == only[2:6]

    progress("KWB 2017 lezen")
    kwb = [r for r in read_kwb2017(base / KWB2017) if wanted(r["code"])]
    progress("Gemeenten 2022-2024 lezen")
    pdok = {year: _read_geojson(base / GEMEENTEN.format(year=year)) for year in PDOK_YEARS}
    progress("Wijkgrenzen 2024 lezen")
    wijken24 = [f for f in _read_geojson(base / WIJKEN_2024) if wanted(f["properties"]["wijkcode"])]
    ggd = read_ggd(base / GGD)

    gemeenten: dict[str, Gemeente] = {}
    for row in kwb:
        if row["level"] == "gemeente":
            gemeenten[row["code"]] = Gemeente(code=row["code"], naam=row["gemeente_naam"], indeling_jaar=2017)
    for feature in pdok[2024]:
        props = feature["properties"]
        code = props["gemeentecode"]
        if code == "GM0998" or not wanted(code):  # 'Buitenland'
            continue
        gemeenten[code] = Gemeente(code=code, naam=props["gemeentenaam"], indeling_jaar=2024, geometry=feature["geometry"])
    for g in gemeenten.values():
        g.ggd_regio = ggd_for(g.code, g.naam, ggd)

    wijken: dict[str, Wijk] = {}
    for row in kwb:
        if row["level"] == "wijk" and "GM" + row["code"][2:6] in gemeenten:
            wijken[row["code"]] = Wijk(
                code=row["code"],
                gemeente_id="GM" + row["code"][2:6],
                indeling_jaar=2017,
                naam=cbs.derived_wijk_name(row["gemeente_naam"], row["code"]),
            )
    for feature in wijken24:
        props = feature["properties"]
        if props["gemeentecode"] not in gemeenten:
            continue
        wijken[props["wijkcode"]] = Wijk(
            code=props["wijkcode"],
            naam=props["wijknaam"],
            gemeente_id=props["gemeentecode"],
            indeling_jaar=2024,
            geometry=feature["geometry"],
        )
    buurten = []
    for row in kwb:
        if row["level"] != "buurt":
            continue
        wijk = wijken.get("WK" + row["code"][2:8])
        if wijk is None:
            continue
        buurten.append(
            Buurt(
                code=row["code"],
                naam=cbs.derived_buurt_name(wijk.naam, row["code"]),
                wijk_id=wijk.code,
                gemeente_id=wijk.gemeente_id,
                indeling_jaar=2017,
            )
        )

    figures: list[Kerncijfer] = []

    def add(code, year, key, value, bron):
        indicator = cbs.INDICATORS[key]
        figures.append(Kerncijfer(area_code=code, jaar=year, indicator=key, value=value, unit=indicator.unit, bron=bron))

    for row in kwb:
        for key, value in row["values"].items():
            add(row["code"], 2017, key, value, BRON_2017)
    for year, features in pdok.items():
        per_gemeente = {}
        for feature in features:
            props = feature["properties"]
            code = props["gemeentecode"]
            if code == "GM0998":  # 'Buitenland'
                continue
            values = {key: cbs.parse_value(props.get(field)) for field, key in cbs.PDOK_FIELDS.items() if field in props}
            per_gemeente[code] = values
            if wanted(code):
                for key, value in values.items():
                    add(code, year, key, value, BRON_PDOK.format(year=year))
                crime_year = cbs.parse_value(props.get("cr_jaar"))
                if crime_year:
                    for field, key in cbs.PDOK_CRIME_FIELDS.items():
                        if field in props:
                            add(code, int(crime_year), key, cbs.parse_value(props[field]), BRON_POLITIE.format(year=int(crime_year)))
        # National values from all gemeenten (the file has no 'Land' row for these years).
        for key, weight in cbs.NATIONAL_FROM_GEMEENTEN.items():
            if not any(key in v for v in per_gemeente.values()):
                continue
            if weight is None:
                parts = [v.get(key) for v in per_gemeente.values()]
                value = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
            else:
                value = cbs.weighted_mean([(v.get(key), v.get(weight)) for v in per_gemeente.values()])
                value = round(value, 1) if value is not None else None
            add("NL00", year, key, value, BRON_NATIONAAL.format(year=year))
    for feature in wijken24:
        props = feature["properties"]
        if props["gemeentecode"] not in gemeenten:
            continue
        for field, key in cbs.PDOK_FIELDS.items():
            if field in props:
                add(props["wijkcode"], 2024, key, cbs.parse_value(props[field]), BRON_PDOK.format(year=2024))
    # A figure may be given twice (wijk and gemeente file for the same key): keep the first.
    unique: dict[tuple, Kerncijfer] = {}
    for k in figures:
        unique.setdefault((k.area_code, k.jaar, k.indicator), k)
    figures = list(unique.values())

    bronnen = [
        BRON_2017,
        *(BRON_PDOK.format(year=y) for y in PDOK_YEARS),
        *(BRON_POLITIE.format(year=y) for y in PDOK_YEARS),
        *(BRON_NATIONAAL.format(year=y) for y in PDOK_YEARS),
    ]
    with transaction.atomic():
        progress(f"{len(gemeenten)} gemeenten, {len(wijken)} wijken, {len(buurten)} buurten opslaan")
        Gemeente.objects.bulk_create(
            gemeenten.values(),
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["naam", "indeling_jaar", "geometry", "ggd_regio"],
        )
        Wijk.objects.bulk_create(
            wijken.values(),
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["naam", "gemeente", "indeling_jaar", "geometry"],
        )
        Buurt.objects.bulk_create(
            buurten,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["naam", "wijk", "gemeente", "indeling_jaar"],
        )
        old = Kerncijfer.objects.filter(bron__in=bronnen)
        if only:
            area_codes = {k.area_code for k in figures}
            old = old.filter(area_code__in=area_codes)
        progress(f"{len(figures)} kerncijfers opslaan")
        old.delete()
        Kerncijfer.objects.bulk_create(
            figures,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["area_code", "jaar", "indicator"],
            update_fields=["value", "unit", "bron"],
        )
    return {"gemeenten": len(gemeenten), "wijken": len(wijken), "buurten": len(buurten), "kerncijfers": len(figures)}
