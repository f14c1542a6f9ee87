"""'Similar wijken': nearest wijken by standardised CBS indicator profile.

Choice (documented in docs/gebiedscan.md): the search runs over *all wijken of the
Netherlands* by default, because within one gemeente there are too few comparable wijken
and a policy officer wants to learn from elsewhere; ``scope='gemeente'`` restricts it.
Profile: KWB 2017 (the only year with income indicators for every wijk) — share 65+,
log density, low income, around the social minimum, average income per inwoner and share
in the national lowest 40%. Each indicator is z-scored over all wijken with a complete
profile; distance is Euclidean over the z-scores.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from django.db.models import Max

from zicht.geo.cbs import INDICATORS
from zicht.geo.models import Kerncijfer, Wijk

PROFILE_YEAR = 2017
PROFILE = ("pct_65plus", "bevolkingsdichtheid", "pct_hh_laag_inkomen", "pct_rond_sociaal_min", "gem_inkomen_inwoner", "pct_hh_laagste40")
_cache: dict = {}
_lock = threading.Lock()


def zscore_nearest(codes: list[str], matrix: np.ndarray, target: str, n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
    """Pure: nearest ``n`` codes to ``target`` by Euclidean distance over column z-scores."""
    if target not in codes or len(codes) < 2:
        return []
    mean = matrix.mean(axis=0)
    std = matrix.std(axis=0)
    std[std == 0] = 1.0
    z = (matrix - mean) / std
    t = z[codes.index(target)]
    dist = np.sqrt(((z - t) ** 2).sum(axis=1))
    order = np.argsort(dist, kind="stable")
    out = []
    for i in order:
        code = codes[i]
        if code == target or (allowed is not None and code not in allowed):
            continue
        out.append((code, float(dist[i])))
        if len(out) == n:
            break
    return out


def _profiles():
    version = Kerncijfer.objects.filter(jaar=PROFILE_YEAR).aggregate(m=Max("id"))["m"]
    with _lock:
        if "codes" in _cache and _cache.get("version") == version:  # no key figures yet: version None
            return _cache["codes"], _cache["matrix"], _cache["raw"]
    rows = Kerncijfer.objects.filter(jaar=PROFILE_YEAR, indicator__in=PROFILE, area_code__startswith="WK", value__isnull=False).values_list(
        "area_code", "indicator", "value"
    )
    by_code: dict[str, dict[str, float]] = {}
    for code, ind, value in rows:
        by_code.setdefault(code, {})[ind] = value
    codes = sorted(c for c, v in by_code.items() if len(v) == len(PROFILE))
    raw = {c: by_code[c] for c in codes}
    matrix = (
        np.array([[math.log1p(raw[c][k]) if k == "bevolkingsdichtheid" else raw[c][k] for k in PROFILE] for c in codes], dtype=float)
        if codes
        else np.zeros((0, len(PROFILE)))
    )
    with _lock:
        _cache.update(version=version, codes=codes, matrix=matrix, raw=raw)
    return codes, matrix, raw


def similar_wijken(code: str, n: int = 5, scope: str = "nl") -> dict:
    codes, matrix, raw = _profiles()
    allowed = {c for c in codes if c[2:6] == code[2:6]} if scope == "gemeente" else None
    near = zscore_nearest(codes, matrix, code, n, allowed)
    names = {w.code: w for w in Wijk.objects.filter(code__in=[c for c, _ in near] + [code]).select_related("gemeente")}
    return {
        "indicators": [(k, INDICATORS[k].label, INDICATORS[k].unit) for k in PROFILE],
        "target_values": [raw[code][k] for k in PROFILE] if code in raw else None,
        "year": PROFILE_YEAR,
        "scope": scope,
        "rows": [
            {
                "code": c,
                "naam": names[c].naam if c in names else c,
                "gemeente": names[c].gemeente.naam if c in names else "",
                "distance": d,
                "values": [raw[c][k] for k in PROFILE],
                "same_gemeente": c[2:6] == code[2:6],
            }
            for c, d in near
        ],
    }
