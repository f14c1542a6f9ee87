"""Effect estimate on registry data: monthly series of a wijk and its comparison wijken (see effects.py).

``estimate_for`` gives the estimate only (no counts). ``quarterly_rates`` gives the two series for the
chart as published cells: counts per quarter through ``control_series`` and rates per 1,000 inwoners
from the published counts (``disclosure.rate``).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext

from .data import cube_for, population
from .disclosure import Cell, Policy, control_series, rate
from .effects import (
    Candidate,
    Ranked,
    Series,
    did_estimate,
    monthly_series,
    months_needed,
    parallel_trends,
    pre_trend,
    rank_comparison,
    wording,
)
from .similar import similar_wijken

DEFAULT_COMPARISON = 5


def _monthly(gemeente: str, codes: list[str], start: date, aard: str | None) -> tuple[dict[str, Series], int]:
    """Monthly series of ``codes`` (with their population) and the month index of ``start``."""
    cube = cube_for(gemeente)
    months = cube.months()
    where = {"aard": aard} if aard else None
    counts = cube.counts(["wijk", "month"], where=where)
    pops = population(codes)
    by_area: dict[str, dict[str, int]] = {}
    for (wk, month), n in counts.items():
        by_area.setdefault(wk, {})[month] = n
    start_index = sum(1 for m in months if m < start.strftime("%Y-%m"))
    series = {c: Series(c, monthly_series(by_area.get(c, {}), months), pops[c][0] or 0) for c in codes if c in pops}
    return series, start_index


def comparison_candidates(gemeente: str, code: str, wijken: list[str], start: date | None, aard: str | None = None) -> list[Ranked]:
    """Every other wijk of the gemeente ranked as a comparison for ``code``: CBS-profile distance
    (``similar.py``) plus the difference in pre-period trend (``effects.rank_comparison``). Without a
    start date the pre-period is unknown and the ranking is by profile only."""
    others = [w for w in wijken if w != code]
    distances = {r["code"]: r["distance"] for r in similar_wijken(code, len(others) or 1, "gemeente")["rows"]}
    if start is None:
        return rank_comparison([Candidate(c, distances.get(c), None) for c in others], None, weight=0, _=gettext)
    series, start_index = _monthly(gemeente, [code, *others], start, aard)
    treated_trend = pre_trend(series[code], start_index) if code in series else None
    candidates = [Candidate(c, distances.get(c), pre_trend(series[c], start_index) if c in series else None) for c in others]
    return rank_comparison(candidates, treated_trend, _=gettext)


def default_comparison(ranked: list[Ranked], n: int = DEFAULT_COMPARISON) -> list[str]:
    return [r.code for r in ranked[:n]]


def estimate_for(gemeente: str, code: str, comparison: list[str], start: date, aard: str | None = None) -> dict:
    series, start_index = _monthly(gemeente, [code, *comparison], start, aard)
    treated = series.get(code) or Series(code, [], 0)
    if not treated.counts:
        treated = Series(code, [0] * len(cube_for(gemeente).months()), 0)
    others = [series[c] for c in comparison if c in series and c != code]
    estimate = did_estimate(treated, others, start_index, _=gettext)
    check = parallel_trends(treated, others, start_index)
    pre = max(start_index, 1)
    t_rate = sum(treated.counts[:pre]) / pre
    c_rate = sum(sum(s.counts[:pre]) for s in others) / pre if others else 0
    needed = months_needed(t_rate, c_rate, pre, -0.25, estimate.dispersion) if estimate.effect is not None else None
    return {
        "estimate": estimate.effect,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "p_value": estimate.p_value,
        "refused": estimate.refused or None,
        "months_needed_for_25pct": needed,
        "tekst": wording(estimate, code, [s.area for s in others], _=gettext),
        "pre_trend": {
            "verschil_per_jaar": check.gap,
            "ci_low": check.ci_low,
            "ci_high": check.ci_high,
            "parallel": check.parallel,
        },
        "waarschuwing": check.warning_text(_=gettext) or None,  # "het gebied", translated: the view names it
    }


def quarterly_rates(gemeente: str, code: str, comparison: list[str], policy: Policy, aard: str | None = None) -> dict:
    """Registrations per 1,000 inwoners per quarter: the wijk and the comparison wijken together."""
    cube = cube_for(gemeente)
    where = {"aard": aard} if aard else None
    counts = cube.counts(["wijk", "month"], where=where)
    quarters = sorted({f"{m[:4]}-K{(int(m[5:7]) - 1) // 3 + 1}" for m in cube.months()})
    pops = population([code, *comparison])

    def per_quarter(codes):
        out = dict.fromkeys(quarters, 0)
        for (wk, month), n in counts.items():
            if wk in codes:
                out[f"{month[:4]}-K{(int(month[5:7]) - 1) // 3 + 1}"] += n
        return out

    treated = control_series(per_quarter({code}), keys=quarters, policy=policy)
    pooled = control_series(per_quarter(set(comparison)), keys=quarters, policy=policy)
    pop_t = pops.get(code, (None, None))[0]
    pop_c = sum(pops[c][0] for c in comparison if c in pops) or None
    rows: list[tuple[str, Cell, Cell]] = [(q, rate(treated.cell(q), pop_t), rate(pooled.cell(q), pop_c)) for q in quarters]
    return {"quarters": quarters, "rows": rows}
