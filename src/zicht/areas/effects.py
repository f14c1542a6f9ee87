"""Effect estimate of an intervention in an area: difference-in-differences on monthly counts (pure).

Model (statsmodels GLM, Poisson family with a quasi-Poisson scale so overdispersion widens the
interval)::

    log E[count(area, month)] = log(inwoners(area)) + area effect + month effect + β · (treated area × after start)

``exp(β) − 1`` is the estimated change in the treated area's rate after the start, relative to what
the comparison areas' change predicts. It is an association, not proof: the pages say so.

Small areas are refused with a reason instead of shown as noise (``MIN_PRE_COUNT`` registrations
in the treated area before the start, ``MIN_MONTHS`` months on either side). ``months_needed`` is
the power statement: how many months after the start until a change of a given size would be
detectable (two-sided 5%, power 80%) at the observed levels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

MIN_PRE_COUNT = 50
MIN_MONTHS = 6
Z_ALPHA = 1.959964
Z_POWER = 0.841621


@dataclass(frozen=True)
class Series:
    """Monthly registrations of one area: counts per month index (0, 1, …) and its population."""

    area: str
    counts: Sequence[int]
    population: float


@dataclass(frozen=True)
class Estimate:
    effect: float | None  # relative change, e.g. -0.25; None when refused
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    refused: str = ""  # reason in Dutch when no estimate is given
    dispersion: float = 1.0

    @property
    def covers(self):
        return lambda truth: self.ci_low is not None and self.ci_low <= truth <= self.ci_high

    @property
    def significant(self) -> bool:
        return self.ci_low is not None and (self.ci_high < 0 or self.ci_low > 0)


def _refuse(reason: str) -> Estimate:
    return Estimate(None, None, None, None, reason)


def did_estimate(treated: Series, comparison: Sequence[Series], start: int) -> Estimate:
    """Difference-in-differences of ``treated`` against ``comparison`` around month index ``start``."""
    n = len(treated.counts)
    if not comparison:
        return _refuse("Geen vergelijkingsgebieden gekozen.")
    if start < MIN_MONTHS or n - start < MIN_MONTHS:
        return _refuse(f"Te weinig maanden: minstens {MIN_MONTHS} maanden voor en na de start nodig.")
    if sum(treated.counts[:start]) < MIN_PRE_COUNT:
        return _refuse(
            f"Te weinig registraties in het gebied voor de start (minder dan {MIN_PRE_COUNT}): een schatting "
            "zou ruis zijn. Voeg wijken samen of kies de gemeente."
        )
    if any(len(s.counts) != n for s in comparison):
        raise ValueError("all series need the same months")
    areas = [treated, *comparison]
    rows_y, rows_x, offset = [], [], []
    k = len(areas)
    for a_idx, s in enumerate(areas):
        if s.population <= 0:
            return _refuse("Inwonertal onbekend voor een van de gebieden.")
        for m in range(n):
            x = np.zeros(1 + (k - 1) + (n - 1) + 1)
            x[0] = 1.0
            if a_idx > 0:
                x[a_idx] = 1.0
            if m > 0:
                x[k + m - 1] = 1.0
            x[-1] = 1.0 if (a_idx == 0 and m >= start) else 0.0
            rows_x.append(x)
            rows_y.append(s.counts[m])
            offset.append(math.log(s.population))
    y, X = np.asarray(rows_y, dtype=float), np.vstack(rows_x)
    model = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.asarray(offset))
    fit = model.fit(scale="X2")
    beta, se = float(fit.params[-1]), float(fit.bse[-1])
    scale = float(fit.scale)
    dispersion = max(scale, 1.0)
    if scale < 1.0:  # never narrower than Poisson
        se = float(model.fit().bse[-1])
    return Estimate(
        math.exp(beta) - 1,
        math.exp(beta - Z_ALPHA * se) - 1,
        math.exp(beta + Z_ALPHA * se) - 1,
        float(fit.pvalues[-1]),
        dispersion=dispersion,
    )


def months_needed(
    treated_per_month: float, comparison_per_month: float, pre_months: int, effect: float, dispersion: float = 1.0, max_months: int = 120
) -> int | None:
    """Months after the start until a relative change ``effect`` is detectable (5% two-sided, 80% power).

    Var(log rate ratio) ≈ φ·(1/T_pre + 1/T_post + 1/C_pre + 1/C_post) with expected counts T, C.
    None when not reached within ``max_months``.
    """
    if effect == 0 or treated_per_month <= 0 or comparison_per_month <= 0 or pre_months <= 0:
        return None
    target = abs(math.log(1 + effect)) / (Z_ALPHA + Z_POWER)
    t_pre, c_pre = treated_per_month * pre_months, comparison_per_month * pre_months
    for m in range(1, max_months + 1):
        var = dispersion * (1 / t_pre + 1 / (treated_per_month * (1 + effect) * m) + 1 / c_pre + 1 / (comparison_per_month * m))
        if math.sqrt(var) <= target:
            return m
    return None


def wording(estimate: Estimate, area: str, comparison: Sequence[str]) -> str:
    """Plain Dutch: what the estimate says, and that it is association, not proof."""
    if estimate.effect is None:
        return estimate.refused
    pct = round(100 * estimate.effect)
    low, high = round(100 * estimate.ci_low), round(100 * estimate.ci_high)
    direction = "minder" if pct < 0 else "meer"
    head = (
        f"Na de start waren er in {area} naar schatting {abs(pct)}% {direction} registraties dan op grond van de "
        f"ontwikkeling in {', '.join(comparison)} te verwachten was (95%-interval {low}% tot {high}%)."
    )
    if not estimate.significant:
        head += " Het interval omvat nul: er is geen duidelijke verandering te zien."
    return head + (
        " Dit is een samenhang, geen bewijs dat de interventie dit veroorzaakte: ook meldbereidheid, "
        "registratie en andere ontwikkelingen in de wijk spelen mee."
    )


def monthly_series(counts: Mapping[str, int], months: Sequence[str]) -> list[int]:
    """Counts per month in the order of ``months`` ('YYYY-MM'), zero where absent."""
    return [int(counts.get(m, 0)) for m in months]
