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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from zicht.access.roles import N_

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


def did_estimate(treated: Series, comparison: Sequence[Series], start: int, _: Callable[[str], str] = N_) -> Estimate:
    """Difference-in-differences of ``treated`` against ``comparison`` around month index ``start``.

    ``_``: the translation of the refusal's reason (Django's ``gettext`` from the view; Dutch without it)."""
    n = len(treated.counts)
    if not comparison:
        return _refuse(_("Geen vergelijkingsgebieden gekozen."))
    if start < MIN_MONTHS or n - start < MIN_MONTHS:
        return _refuse(_("Te weinig maanden: minstens %(months)s maanden voor en na de start nodig.") % {"months": MIN_MONTHS})
    if sum(treated.counts[:start]) < MIN_PRE_COUNT:
        return _refuse(
            _(
                "Te weinig registraties in het gebied voor de start (minder dan %(minimum)s): een schatting "
                "zou ruis zijn. Voeg wijken samen of kies de gemeente."
            )
            % {"minimum": MIN_PRE_COUNT}
        )
    if any(len(s.counts) != n for s in comparison):
        raise ValueError("all series need the same months")
    areas = [treated, *comparison]
    rows_y, rows_x, offset = [], [], []
    k = len(areas)
    for a_idx, s in enumerate(areas):
        if s.population <= 0:
            return _refuse(_("Inwonertal onbekend voor een van de gebieden."))
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


def wording(estimate: Estimate, area: str, comparison: Sequence[str], _: Callable[[str], str] = N_) -> str:
    """Plain language (Dutch, or what ``_`` translates to): what the estimate says, and that it is
    association, not proof."""
    if estimate.effect is None:
        return estimate.refused
    pct = round(100 * estimate.effect)
    low, high = round(100 * estimate.ci_low), round(100 * estimate.ci_high)
    values = {"area": area, "pct": abs(pct), "comparison": ", ".join(comparison), "low": low, "high": high}
    if pct < 0:
        head = _(
            "Na de start waren er in %(area)s naar schatting %(pct)s%% minder registraties dan op grond van de "
            "ontwikkeling in %(comparison)s te verwachten was (95%%-interval %(low)s%% tot %(high)s%%)."
        )
    else:
        head = _(
            "Na de start waren er in %(area)s naar schatting %(pct)s%% meer registraties dan op grond van de "
            "ontwikkeling in %(comparison)s te verwachten was (95%%-interval %(low)s%% tot %(high)s%%)."
        )
    head %= values
    if not estimate.significant:
        head += " " + _("Het interval omvat nul: er is geen duidelijke verandering te zien.")
    return (
        head
        + " "
        + _(
            "Dit is een samenhang, geen bewijs dat de interventie dit veroorzaakte: ook meldbereidheid, "
            "registratie en andere ontwikkelingen in de wijk spelen mee."
        )
    )


def monthly_series(counts: Mapping[str, int], months: Sequence[str]) -> list[int]:
    """Counts per month in the order of ``months`` ('YYYY-MM'), zero where absent."""
    return [int(counts.get(m, 0)) for m in months]


# --- comparison areas: CBS profile and pre-period trend (issue 14 item 4) ------------------------------

# The pre-trend check: the treated area's yearly change in the rate before the start, against the
# comparison areas' (difference of log-linear slopes). Not parallel when the 95% interval of the
# difference excludes zero AND the difference is at least this large per year (a tiny but precisely
# estimated difference in a big area would otherwise always warn).
MIN_TREND_GAP = 0.05
TREND_WEIGHT = 1.0  # weight of the standardised trend difference next to the CBS-profile distance


def pre_trend(series: Series, start: int) -> float | None:
    """Yearly relative change of the area's rate in the ``start`` months before the start (Poisson, log-linear).

    ``0.10`` means +10% a year. None when there are fewer than ``MIN_MONTHS`` pre-period months or
    no registrations at all (no trend to speak of).
    """
    counts = np.asarray(series.counts[:start], dtype=float)
    if start < MIN_MONTHS or counts.sum() <= 0:
        return None
    t = np.arange(start, dtype=float) / 12.0
    fit = sm.GLM(counts, sm.add_constant(t), family=sm.families.Poisson()).fit()
    return math.exp(float(fit.params[1])) - 1


@dataclass(frozen=True)
class ParallelCheck:
    """Were the treated and comparison areas moving alike before the start?"""

    gap: float | None  # yearly change of the treated area relative to the comparison's (ratio − 1)
    ci_low: float | None
    ci_high: float | None
    parallel: bool | None  # None: not checkable (too few months or no comparison)

    @property
    def warning(self) -> str:
        return self.warning_text()

    def warning_text(self, area: str = "", _: Callable[[str], str] = N_) -> str:
        """The warning in Dutch, or translated by ``_``; ``area`` names the area ("het gebied" without it)."""
        if self.parallel is not False:
            return ""
        values = {
            "area": area or _("het gebied"),
            "gap": signed_pct(self.gap),
            "low": signed_pct(self.ci_low),
            "high": signed_pct(self.ci_high),
        }
        if self.gap > 0:
            text = _(
                "Let op: voor de start liepen de trends niet parallel. Het aantal registraties per inwoner in %(area)s "
                "sneller steeg (of minder daalde) dan in de vergelijkingsgebieden: %(gap)s per jaar verschil "
                "(95%%-interval %(low)s tot %(high)s). Een verschil-in-verschillen-schatting neemt aan dat de trends "
                "zonder interventie gelijk waren gebleven; kies andere vergelijkingswijken of lees de uitkomst met extra "
                "voorzichtigheid."
            )
        else:
            text = _(
                "Let op: voor de start liepen de trends niet parallel. Het aantal registraties per inwoner in %(area)s "
                "sneller daalde (of minder steeg) dan in de vergelijkingsgebieden: %(gap)s per jaar verschil "
                "(95%%-interval %(low)s tot %(high)s). Een verschil-in-verschillen-schatting neemt aan dat de trends "
                "zonder interventie gelijk waren gebleven; kies andere vergelijkingswijken of lees de uitkomst met extra "
                "voorzichtigheid."
            )
        return text % values


def signed_pct(value: float) -> str:
    """0.123 -> '+12%', -0.05 -> '−5%' (the page's way of writing a relative change)."""
    return f"{'+' if value >= 0 else '−'}{abs(round(100 * value))}%"


def parallel_trends(treated: Series, comparison: Sequence[Series], start: int) -> ParallelCheck:
    """Difference of pre-period slopes: log E = offset + area + month + γ·(treated × years since month 0).

    Quasi-Poisson like ``did_estimate``; ``exp(γ) − 1`` is the treated area's yearly change relative
    to the comparison areas'. Not parallel when its interval excludes 0 and |gap| ≥ ``MIN_TREND_GAP``.
    """
    if not comparison or start < MIN_MONTHS or sum(treated.counts[:start]) <= 0:
        return ParallelCheck(None, None, None, None)
    areas = [treated, *comparison]
    if any(s.population <= 0 for s in areas):
        return ParallelCheck(None, None, None, None)
    k, n = len(areas), start
    rows_x, rows_y, offset = [], [], []
    for a_idx, s in enumerate(areas):
        for m in range(n):
            x = np.zeros(1 + (k - 1) + (n - 1) + 1)
            x[0] = 1.0
            if a_idx > 0:
                x[a_idx] = 1.0
            if m > 0:
                x[k + m - 1] = 1.0
            x[-1] = m / 12.0 if a_idx == 0 else 0.0
            rows_x.append(x)
            rows_y.append(s.counts[m])
            offset.append(math.log(s.population))
    model = sm.GLM(np.asarray(rows_y, dtype=float), np.vstack(rows_x), family=sm.families.Poisson(), offset=np.asarray(offset))
    fit = model.fit(scale="X2")
    gamma, se = float(fit.params[-1]), float(fit.bse[-1])
    if float(fit.scale) < 1.0:  # never narrower than Poisson
        se = float(model.fit().bse[-1])
    gap, low, high = math.exp(gamma) - 1, math.exp(gamma - Z_ALPHA * se) - 1, math.exp(gamma + Z_ALPHA * se) - 1
    parallel = not ((low > 0 or high < 0) and abs(gap) >= MIN_TREND_GAP)
    return ParallelCheck(gap, low, high, parallel)


@dataclass(frozen=True)
class Candidate:
    """A possible comparison area: its CBS-profile distance to the treated area and its pre-period trend."""

    code: str
    distance: float | None  # Euclidean over z-scored CBS indicators (similar.py); None: no complete profile
    trend: float | None  # pre_trend(); None: not computable


@dataclass(frozen=True)
class Ranked:
    code: str
    score: float
    distance: float | None
    trend: float | None
    reason: str


def rank_comparison(
    candidates: Sequence[Candidate], treated_trend: float | None, weight: float = TREND_WEIGHT, _: Callable[[str], str] = N_
) -> list[Ranked]:
    """Order candidates by CBS-profile distance plus the standardised difference in pre-period trend.

    score = distance + weight · |trend − treated trend| / spread, where spread is the standard
    deviation of the candidates' trends (1 when they are all equal). A candidate without a profile
    counts as the largest profile distance seen plus one; without a trend (or without a treated
    trend) the trend term is the largest seen. Ties keep the input order.
    """
    distances = [c.distance for c in candidates if c.distance is not None]
    worst_distance = (max(distances) if distances else 0.0) + 1.0
    trends = [c.trend for c in candidates if c.trend is not None]
    spread = float(np.std(trends)) if len(trends) > 1 else 0.0
    spread = spread if spread > 1e-12 else 1.0
    gaps = [abs(c.trend - treated_trend) / spread for c in candidates if c.trend is not None and treated_trend is not None]
    worst_gap = max(gaps) if gaps else 0.0
    out = []
    for c in candidates:
        d = c.distance if c.distance is not None else worst_distance
        g = abs(c.trend - treated_trend) / spread if c.trend is not None and treated_trend is not None else worst_gap
        out.append(Ranked(c.code, d + weight * g, c.distance, c.trend, _reason(c, treated_trend, _)))
    return sorted(out, key=lambda r: r.score)


def _reason(c: Candidate, treated_trend: float | None, _: Callable[[str], str] = N_) -> str:
    parts = []
    if c.distance is None:
        parts.append(_("geen volledig CBS-profiel"))
    else:
        parts.append(_("CBS-profiel op afstand %(distance)s") % {"distance": f"{c.distance:.1f}".replace(".", ",")})
    if c.trend is None or treated_trend is None:
        parts.append(_("trend voor de start niet te bepalen"))
    else:
        parts.append(
            _("trend voor de start %(trend)s per jaar (gebied %(own)s)") % {"trend": signed_pct(c.trend), "own": signed_pct(treated_trend)}
        )
    return "; ".join(parts)
