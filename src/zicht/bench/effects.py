"""Effect estimator calibration: planted effects and placebo wijken, coverage and false-positive rate.

Generates monthly registrations for a set of wijken (shared seasonality and trend, a level per wijk,
mild overdispersion: gamma-Poisson), plants a known relative change in one wijk from the start month,
and estimates it with ``zicht.areas.effects.did_estimate`` against the other wijken. Per scenario:
planted effect, estimate, ``ci_low``, ``ci_high`` and whether the interval covers the truth. Placebo
wijken (nothing planted) are estimated the same way: ``placebo_false_positive_rate`` is the share
whose interval excludes zero. Targets (issue 14): coverage ≥ 90%, placebo false-positive rate ≤ 10%.

The data are generated here, not by ``zicht synth`` (which does not plant effects yet): this measures
the estimator, not the synthetic registry.
"""

from __future__ import annotations

import math
import time

import numpy as np

from zicht.areas.effects import Series, did_estimate

PLANTED = (-0.4, -0.25, -0.15, 0.2)


def add_arguments(parser):
    parser.add_argument("--runs", type=int, default=10, help="scenarios per planted effect")
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--wijken", type=int, default=8, help="wijken per scenario (1 treated, the rest comparison)")
    parser.add_argument("--placebos", type=int, default=2, help="placebo wijken estimated per scenario")
    parser.add_argument("--dispersion", type=float, default=0.02, help="gamma-Poisson overdispersion (0 = Poisson)")
    parser.add_argument("--seed", type=int, default=14)


def simulate(rng: np.random.Generator, n_wijken: int, months: int, dispersion: float, planted: float, start: int):
    """[Series] with the first one treated: its rate × (1 + planted) from ``start``."""
    month = np.arange(months)
    shared = np.exp(0.08 * np.sin(2 * math.pi * month / 12) + 0.004 * month)  # seasonality and trend
    out = []
    for w in range(n_wijken):
        population = float(rng.integers(4_000, 20_000))
        level = population / 1000 * rng.uniform(0.6, 1.4)  # registrations per month at baseline
        mean = level * shared * (np.where(month >= start, 1 + planted, 1.0) if w == 0 else 1.0)
        if dispersion > 0:
            mean = rng.gamma(1 / dispersion, mean * dispersion)
        out.append(Series(f"W{w}", [int(v) for v in rng.poisson(mean)], population))
    return out


def run(options) -> dict:
    rng = np.random.default_rng(options.get("seed", 14))
    runs, months = options.get("runs", 10), options.get("months", 48)
    n_wijken, placebos = options.get("wijken", 8), options.get("placebos", 2)
    dispersion = options.get("dispersion", 0.02)
    start = months // 2
    scenarios, covered, estimated, refused = [], 0, 0, 0
    placebo_runs, placebo_hits = 0, 0
    began = time.perf_counter()
    for planted in PLANTED:
        for _ in range(runs):
            series = simulate(rng, n_wijken, months, dispersion, planted, start)
            est = did_estimate(series[0], series[1:], start)
            if est.effect is None:
                refused += 1
                scenarios.append({"planted_effect": planted, "refused": est.refused})
                continue
            estimated += 1
            hit = est.ci_low <= planted <= est.ci_high
            covered += hit
            scenarios.append(
                {
                    "planted_effect": planted,
                    "estimate": round(est.effect, 4),
                    "ci_low": round(est.ci_low, 4),
                    "ci_high": round(est.ci_high, 4),
                    "covers_truth": bool(hit),
                }
            )
            for p in range(1, 1 + placebos):
                others = [s for i, s in enumerate(series) if i not in (0, p)]
                placebo = did_estimate(series[p], others, start)
                if placebo.effect is not None:
                    placebo_runs += 1
                    placebo_hits += placebo.significant
    coverage = covered / estimated if estimated else None
    fpr = placebo_hits / placebo_runs if placebo_runs else None
    return {
        "benchmark": "effects",
        "data": f"{len(PLANTED) * runs} scenarios of {n_wijken} wijken × {months} months, start at month {start}, "
        f"gamma-Poisson dispersion {dispersion}",
        "scenarios": scenarios,
        "estimated": estimated,
        "refused": refused,
        "coverage": round(coverage, 3) if coverage is not None else None,
        "placebo_estimates": placebo_runs,
        "placebo_false_positive_rate": round(fpr, 3) if fpr is not None else None,
        "targets": {"coverage_min": 0.9, "placebo_false_positive_rate_max": 0.1},
        "meets_targets": bool(coverage is not None and fpr is not None and coverage >= 0.9 and fpr <= 0.1),
        "seconds": round(time.perf_counter() - began, 2),
    }
