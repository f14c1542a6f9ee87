"""Pre-period trend, the parallel-trends check and the choice of comparison areas (pure, known answers)."""

import numpy as np
import pytest

from zicht.areas.effects import (
    Candidate,
    Series,
    parallel_trends,
    pre_trend,
    rank_comparison,
)


@pytest.mark.parametrize(
    "counts, start, expected",
    [
        ([100] * 36, 24, 0.0),
        ([round(100 * 1.10 ** (m / 12)) for m in range(36)], 24, 0.10),  # +10% a year
        ([round(200 * 0.80 ** (m / 12)) for m in range(36)], 24, -0.20),  # −20% a year
        ([round(100 * 1.10 ** (m / 12)) if m < 24 else 5 for m in range(36)], 24, 0.10),  # after the start does not count
    ],
)
def test_pre_trend_is_the_yearly_change_before_the_start(counts, start, expected):
    assert pre_trend(Series("A", counts, 1000), start) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("counts, start", [([0] * 36, 24), ([50] * 36, 3)])
def test_pre_trend_is_none_without_registrations_or_months(counts, start):
    assert pre_trend(Series("A", counts, 1000), start) is None


def test_parallel_series_pass_the_check():
    comp = [Series("B", [round(200 * 1.05 ** (m / 12)) for m in range(36)], 20_000)]
    treated = Series("A", [round(100 * 1.05 ** (m / 12)) for m in range(36)], 10_000)
    check = parallel_trends(treated, comp, 24)
    assert check.parallel is True and check.gap == pytest.approx(0.0, abs=0.01) and check.warning == ""


def test_diverging_series_fail_the_check_with_a_warning():
    comp = [Series("B", [round(400 * 0.85 ** (m / 12)) for m in range(36)], 20_000)]
    treated = Series("A", [round(300 * 1.15 ** (m / 12)) for m in range(36)], 10_000)
    check = parallel_trends(treated, comp, 24)
    assert check.parallel is False
    assert check.gap == pytest.approx(1.15 / 0.85 - 1, abs=0.02)
    assert check.ci_low > 0
    assert "niet parallel" in check.warning and "sneller steeg" in check.warning


def test_small_gap_is_not_a_warning_even_when_precise():
    # 2% a year apart with huge counts: significant, but below MIN_TREND_GAP
    comp = [Series("B", [round(50_000 * 1.00 ** (m / 12)) for m in range(36)], 2_000_000)]
    treated = Series("A", [round(50_000 * 1.02 ** (m / 12)) for m in range(36)], 2_000_000)
    check = parallel_trends(treated, comp, 24)
    assert check.ci_low > 0 and check.parallel is True


def test_noisy_parallel_series_rarely_warn():
    warnings = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        comp = [Series(f"C{i}", list(rng.poisson(80, 36)), 8_000) for i in range(3)]
        treated = Series("A", list(rng.poisson(60, 36)), 6_000)
        warnings += parallel_trends(treated, comp, 24).parallel is False
    assert warnings <= 4  # nominal 5%, fewer with the minimum gap


@pytest.mark.parametrize(
    "treated, comp, start",
    [(Series("A", [50] * 36, 1000), [], 24), (Series("A", [50] * 36, 1000), [Series("B", [50] * 36, 1000)], 4)],
)
def test_check_is_undecided_without_comparison_or_months(treated, comp, start):
    check = parallel_trends(treated, comp, start)
    assert check.parallel is None and check.warning == ""


def test_ranking_combines_profile_and_trend():
    candidates = [
        Candidate("near_profile_other_trend", 0.5, 0.30),
        Candidate("bit_further_same_trend", 1.0, 0.02),
        Candidate("far", 3.0, 0.00),
        Candidate("near_profile_same_trend", 0.6, 0.01),
    ]
    ranked = rank_comparison(candidates, 0.0)
    assert [r.code for r in ranked][:2] == ["near_profile_same_trend", "bit_further_same_trend"]
    assert ranked[-1].code in {"near_profile_other_trend", "far"}
    # the trend weight 0 gives the profile order back
    assert [r.code for r in rank_comparison(candidates, 0.0, weight=0)][0] == "near_profile_other_trend"


def test_missing_profile_or_trend_goes_last_and_says_why():
    candidates = [Candidate("no_profile", None, 0.0), Candidate("ok", 1.0, 0.0), Candidate("no_trend", 0.8, None), Candidate("x", 1.2, 0.5)]
    ranked = rank_comparison(candidates, 0.0)
    assert ranked[0].code == "ok"
    by = {r.code: r for r in ranked}
    assert "geen volledig CBS-profiel" in by["no_profile"].reason
    assert "niet te bepalen" in by["no_trend"].reason
    assert "afstand 1,0" in by["ok"].reason and "+0% per jaar" in by["ok"].reason
