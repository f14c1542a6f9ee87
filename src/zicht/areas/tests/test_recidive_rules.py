"""Recidive definitions on hand-made timelines (no database)."""

from datetime import date

import pytest

from zicht.areas.recidive_rules import (
    Episode,
    Registration,
    Timeline,
    first_registration_episode,
    kaplan_meier,
    months_to_days,
    trajectory_end_episodes,
    within,
)

END = date(2025, 12, 31)


def tl(*dates, ends=(), censor_at=None):
    return Timeline(
        "x",
        tuple(Registration(date.fromisoformat(d), "WK1", "partnergeweld", True) for d in dates),
        tuple(date.fromisoformat(e) for e in ends),
        date.fromisoformat(censor_at) if censor_at else None,
    )


@pytest.mark.parametrize(
    "timeline, days, event",
    [
        # one registration: censored at the end of the data
        (tl("2025-01-01"), 364, False),
        # a second registration 100 days later: an event
        (tl("2025-01-01", "2025-04-11"), 100, True),
        # order of input does not matter; the earliest is the index
        (tl("2025-04-11", "2025-01-01"), 100, True),
        # within the episode window (several partners, one incident): not a new registration
        (tl("2025-01-01", "2025-01-05"), 364, False),
        (tl("2025-01-01", "2025-01-05", "2025-03-02"), 60, True),
        # exactly at the episode boundary (14 days) counts
        (tl("2025-01-01", "2025-01-15"), 14, True),
        # retention: censored at the subject's own date; a later registration is not seen
        (tl("2025-01-01", "2025-09-01", censor_at="2025-06-30"), 180, False),
        # a registration on the censoring date still counts
        (tl("2025-01-01", "2025-06-30", censor_at="2025-06-30"), 180, True),
        # censoring date after the end of data: the end of data wins
        (tl("2025-01-01", censor_at="2026-06-30"), 364, False),
    ],
)
def test_first_registration_episode(timeline, days, event):
    e = first_registration_episode(timeline, END)
    assert (e.days, e.event) == (days, event)
    assert e.index == min(r.datum for r in timeline.registrations)
    assert (e.wijk, e.aard, e.kinderen) == ("WK1", "partnergeweld", True)


def test_no_registrations_no_episode_and_index_after_censoring_none():
    assert first_registration_episode(tl(), END) is None
    assert first_registration_episode(tl("2025-08-01", censor_at="2025-06-30"), END) is None


@pytest.mark.parametrize(
    "timeline, expected",
    [
        # one closed trajectory, a registration 30 days after its end
        (tl("2024-01-01", "2024-07-01", ends=["2024-06-01"]), [(30, True)]),
        # no registration after the end: censored at end of data
        (tl("2024-01-01", ends=["2025-01-01"]), [(364, False)]),
        # a registration on the end date itself is not "after"; one the next day is
        (tl("2024-01-01", "2024-06-01", "2024-06-02", ends=["2024-06-01"]), [(1, True)]),
        # two trajectories: two episodes; retention cuts the second
        (
            tl("2024-01-01", "2024-03-01", "2025-06-01", ends=["2024-02-01", "2024-12-01"], censor_at="2025-03-01"),
            [(29, True), (90, False)],
        ),
        # a trajectory ending after the censoring date gives no episode
        (tl("2024-01-01", ends=["2025-04-01"], censor_at="2025-03-01"), []),
    ],
)
def test_trajectory_end_episodes(timeline, expected):
    assert [(e.days, e.event) for e in trajectory_end_episodes(timeline, END)] == expected


def test_trajectory_without_earlier_registration_has_unknown_attributes():
    e = trajectory_end_episodes(tl("2025-03-01", ends=["2025-01-01"]), END)[0]
    assert (e.wijk, e.aard, e.kinderen, e.event) == (None, "onbekend", None, True)


def ep(days, event):
    return Episode("x", date(2024, 1, 1), days, event, "WK1", "a", None)


@pytest.mark.parametrize(
    "episodes, months, recurred, eligible",
    [
        ([ep(100, True), ep(400, False)], 6, 1, 2),
        # censored before the window ends: not eligible
        ([ep(100, True), ep(120, False)], 6, 1, 1),
        # event after the window: eligible, not recurred
        ([ep(200, True)], 6, 0, 1),
        # event exactly at the window's last day counts
        ([ep(months_to_days(12), True)], 12, 1, 1),
        # followed exactly the whole window counts as eligible
        ([ep(months_to_days(24), False)], 24, 0, 1),
        ([], 12, 0, 0),
    ],
)
def test_within(episodes, months, recurred, eligible):
    w = within(episodes, months)
    assert (w.recurred, w.eligible) == (recurred, eligible)


def test_kaplan_meier_without_censoring_equals_the_simple_share():
    # 10 subjects, recurrence at 1..4 months for 4 of them, the rest followed 30 months.
    eps = [ep(months_to_days(m) - 1, True) for m in (1, 2, 3, 4)] + [ep(months_to_days(30), False)] * 6
    points = {p.month: p for p in kaplan_meier(eps, [0, 1, 2, 6, 24])}
    assert points[0].share == 0 and points[0].at_risk == 10
    assert points[1].share == pytest.approx(0.1)
    assert points[2].share == pytest.approx(0.2)
    assert points[6].share == pytest.approx(0.4) and points[6].events == 4 and points[6].at_risk == 6
    assert points[24].low < 0.4 < points[24].high
    assert points[24].low >= 0 and points[24].high <= 1


def test_kaplan_meier_with_censoring_differs_from_the_naive_share():
    # Half censored early: KM estimates a higher share than events / all.
    eps = [ep(30, False)] * 5 + [ep(60, True)] * 2 + [ep(800, False)] * 3
    p = kaplan_meier(eps, [12])[0]
    assert p.share == pytest.approx(0.4)  # 2 events among the 5 still at risk
    assert p.events / len(eps) == pytest.approx(0.2)
