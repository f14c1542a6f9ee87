"""Where the areas app gets its inputs: reports as an Arrow table (cached), CBS key figures.

The report pull reads only non-personal columns in one query. The resulting ``ReportCube``
is cached per process for a gemeente, keyed on the newest import batch and report ids, and
expires after ``CACHE_SECONDS`` so that deletions (retention) show up soon as well.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import pyarrow as pa
from django.db import connection
from django.db.models import Max

from zicht.geo.models import Buurt, Gemeente, Kerncijfer, Wijk
from zicht.registry.models import ImportBatch, Organisation, Report, current_report_sql

from .engine import SCHEMA, ReportCube
from .sources import colour_source

CACHE_SECONDS = 120
_cache: dict[tuple, tuple[float, ReportCube]] = {}
_lock = threading.Lock()

COLUMNS = (
    "id",
    "buurt_id",
    "buurt__wijk_id",
    "buurt__gemeente_id",
    "datum",
    "soort",
    "source__type",
    "aard",
    "relatie",
    "kinderen_aanwezig",
    "address_id",
)


def _version() -> tuple:
    return (
        ImportBatch.objects.aggregate(m=Max("id"))["m"],
        Report.objects.aggregate(m=Max("id"))["m"],
    )


def load_reports(gemeente_code: str, chunk: int = 100_000) -> pa.Table:
    """All reports placed in a buurt of the gemeente, as Arrow columns (no personal data).

    One plain SQL query (portable between SQLite and PostgreSQL), fetched in chunks straight
    into columns: for a million reports this is several times faster than model instances or
    ``values_list``.
    """
    r, b, o = Report._meta.db_table, Buurt._meta.db_table, Organisation._meta.db_table
    # The date as ISO text: no per-row date objects (Arrow parses the column at once).
    sql = (
        f"SELECT r.id, r.buurt_id, b.wijk_id, b.gemeente_id, CAST(r.datum AS VARCHAR(10)), r.soort, o.type, r.aard, r.relatie, "
        f"r.kinderen_aanwezig, r.address_id FROM {r} r JOIN {b} b ON b.code = r.buurt_id "
        f"JOIN {o} o ON o.id = r.source_id WHERE b.gemeente_id = %s AND {current_report_sql('r')}"
    )
    columns: list[list] = [[] for _ in SCHEMA.names]
    with connection.cursor() as cursor:
        cursor.execute(sql, [gemeente_code])
        while True:
            rows = cursor.fetchmany(chunk)
            if not rows:
                break
            for target, values in zip(columns, zip(*rows)):
                target.extend(values)
    arrays = []
    for field, values in zip(SCHEMA, columns):
        if field.name == "datum":
            array = pa.array(values)
            arrays.append(array if array.type == pa.date32() else array.cast(pa.string()).cast(pa.date32()))
        elif field.name == "kinderen":
            arrays.append(pa.array([None if v is None else bool(v) for v in values], type=pa.bool_()))
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.table(arrays, schema=SCHEMA)


def cube_for(gemeente_code: str) -> ReportCube:
    key = (connection.alias, connection.settings_dict.get("NAME"), gemeente_code, _version())
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    cube = ReportCube(load_reports(gemeente_code))
    with _lock:
        for old in [k for k in _cache if k[:3] == key[:3]]:
            _cache.pop(old, None)
        _cache[key] = (now, cube)
    return cube


VERSION_SECONDS = 2.0
_version_memo: dict = {}


def data_version() -> tuple:
    """Changes when reports or CBS figures change: part of every cached page fragment's key.

    Memoised for two seconds per process and database, so that a busy page does not ask the
    database four times per request; a new import shows within two seconds.
    """
    key = (connection.alias, connection.settings_dict.get("NAME"))
    now = time.monotonic()
    hit = _version_memo.get(key)
    if hit and now - hit[0] < VERSION_SECONDS:
        return hit[1]
    version = _data_version()
    _version_memo[key] = (now, version)
    return version


def _data_version() -> tuple:
    source = colour_source()
    colours = source.version() if source is not None else None
    return (*_version(), Kerncijfer.objects.aggregate(m=Max("id"))["m"], colours)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _version_memo.clear()


def latest_values(codes, indicator: str, year: int | None = None) -> dict[str, tuple[float, int]]:
    """{code: (value, year)} of the newest non-missing value (at or before ``year``)."""
    qs = Kerncijfer.objects.filter(area_code__in=list(codes), indicator=indicator, value__isnull=False)
    if year:
        qs = qs.filter(jaar__lte=year)
    out: dict[str, tuple[float, int]] = {}
    for code, jaar, value in qs.order_by("area_code", "jaar").values_list("area_code", "jaar", "value"):
        out[code] = (value, jaar)
    return out


def values_for_year(codes, indicators, year: int) -> dict[tuple[str, str], float | None]:
    """{(code, indicator): value} for exactly one year (None where missing)."""
    out = defaultdict(lambda: None)
    qs = Kerncijfer.objects.filter(area_code__in=list(codes), indicator__in=list(indicators), jaar=year)
    for code, ind, value in qs.values_list("area_code", "indicator", "value"):
        out[(code, ind)] = value
    return out


def population(codes) -> dict[str, tuple[float, int]]:
    """Latest CBS inwoners per area (wijk: 2024 where known; buurt: KWB 2017)."""
    return latest_values(codes, "inwoners")


def gemeente_of(code: str) -> Gemeente | None:
    return Gemeente.objects.filter(code="GM" + code[2:6]).first()


def wijken_of(gemeente_code: str):
    return Wijk.objects.filter(gemeente_id=gemeente_code).order_by("code")


def buurten_by_wijk(gemeente_code: str) -> dict[str, list[str]]:
    """Buurt codes per wijk (ordered by code), as the wijk pages list them (``wijk.buurten.order_by``)."""
    out: dict[str, list[str]] = {}
    for code, wijk in Buurt.objects.filter(wijk__gemeente_id=gemeente_code).order_by("code").values_list("code", "wijk_id"):
        out.setdefault(wijk, []).append(code)
    return out
