"""Buurt × month × aard aggregation with disclosure control over N reports (DuckDB, no database).

``zicht bench aggregation [--reports 1000000] [--repeat 5] [--json]`` builds N synthetic report
rows directly in Arrow over the real buurten of a gemeente (KWB 2017, weighted by inwoners;
36 months; aard shares as in the domain brief), then times: the DuckDB group-by, the disclosure
control of the resulting (buurt, month) × aard table with margins, and both together. Registering the
Arrow table with DuckDB (done once per data version in the web app) is timed separately.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from zicht.areas.disclosure import control_table
from zicht.areas.engine import ReportCube
from zicht.areas.policy import default_policy
from zicht.geo.loaders import KWB2017, read_kwb2017

AARD_SHARES = {
    "kindermishandeling": 0.56,
    "ex_partnergeweld": 0.31,
    "geweld_tegen_ouders": 0.07,
    "ouderenmishandeling": 0.02,
    "hg_overig": 0.04,
}


def add_arguments(parser):
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--gemeente", default="GM0855")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)


def buurten(gemeente: str) -> tuple[list[str], np.ndarray]:
    from django.conf import settings

    rows = [r for r in read_kwb2017(Path(settings.SHARED_DATA_DIR) / KWB2017) if r["level"] == "buurt" and r["code"][2:6] == gemeente[2:6]]
    codes = [r["code"] for r in rows]
    weights = np.array([max(r["values"]["inwoners"] or 0, 1.0) for r in rows])
    return codes, weights / weights.sum()


def _dict(indices: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), pa.array(values))


def synthetic(n: int, codes: list[str], weights: np.ndarray, months: int, seed: int) -> pa.Table:
    """N report rows as Arrow, text columns dictionary-encoded (as the web app's cached cube holds them)."""

    rng = np.random.default_rng(seed)
    buurt = rng.choice(len(codes), n, p=weights)
    wijken = sorted({"WK" + c[2:8] for c in codes})
    wijk_of = np.array([wijken.index("WK" + c[2:8]) for c in codes])
    start = date.today().replace(day=1) - timedelta(days=30 * months)
    days = rng.integers(0, 30 * months, n)
    datum = pa.array(np.datetime64(start) + days.astype("timedelta64[D]"), type=pa.date32())
    aard = rng.choice(len(AARD_SHARES), n, p=list(AARD_SHARES.values()))
    bron = rng.choice(3, n, p=[0.4, 0.5, 0.1])
    columns = {
        "report_id": pa.array(np.arange(n), type=pa.int64()),
        "buurt": _dict(buurt, codes),
        "wijk": _dict(wijk_of[buurt], wijken),
        "gemeente": _dict(np.zeros(n), ["GM" + codes[0][2:6]]),
        "datum": datum,
        "kind": _dict(np.where(bron == 0, 0, 1), ["incident", "melding"]),
        "bron": _dict(bron, ["politie", "veilig_thuis", "wijkteam"]),
        "aard": _dict(aard, list(AARD_SHARES)),
        "relatie": _dict(np.zeros(n), ["onbekend"]),
        "kinderen": pa.array(rng.random(n) < 0.4),
        "address_id": pa.array(rng.integers(0, n // 3, n), type=pa.int64()),
    }
    return pa.table(columns)


def run(options) -> dict:

    n = options.get("reports", 1_000_000)
    codes, weights = buurten(options.get("gemeente", "GM0855"))
    t0 = time.perf_counter()
    table = synthetic(n, codes, weights, options.get("months", 36), options.get("seed", 1))
    build = time.perf_counter() - t0
    policy = default_policy()
    agg_times, dc_times, totals, cube_times, cells, suppressed = [], [], [], [], 0, 0
    for _ in range(max(1, options.get("repeat", 5))):
        t_cube = time.perf_counter()
        cube = ReportCube(table)  # once per data version in the web app (cached); timed apart
        start = time.perf_counter()
        cube_times.append(start - t_cube)
        counts = cube.counts(["buurt", "month", "aard"])
        t_agg = time.perf_counter()
        controlled = control_table({((b, m), a): v for (b, m, a), v in counts.items()}, col_keys=list(AARD_SHARES), policy=policy)
        end = time.perf_counter()
        agg_times.append(t_agg - start)
        dc_times.append(end - t_agg)
        totals.append(end - start)
        cells = len(controlled.cells)
        suppressed = controlled.suppressed_count
    return {
        "reports": n,
        "buurten": len(codes),
        "table": f"{len(controlled.row_keys)} (buurt, maand) × {len(controlled.col_keys)} aard + totalen",
        "cells": cells,
        "suppressed_entries": suppressed,
        "build_arrow_s": round(build, 3),
        "cube_register_s_median": round(statistics.median(cube_times), 3),
        "duckdb_groupby_s_median": round(statistics.median(agg_times), 3),
        "disclosure_control_s_median": round(statistics.median(dc_times), 3),
        "total_s_median": round(statistics.median(totals), 3),
        "total_s_best": round(min(totals), 3),
        "target_s": 0.5,
        "runs": len(totals),
    }
