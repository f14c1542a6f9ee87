"""Recidive: the definitions, as small pure functions (no Django). See docs/effects.md.

A *subject* is an address, a household or a linked person with the dates of its
registrations (reports). From a subject's timeline we build *episodes*: an index date,
the time until the next registration, and whether that next registration was seen
(``event``) or the follow-up was cut short (*censored*).

Definitions (one place; the page, the factsheet, the command and plan indicators import them):

* **Index (a), first registration**: the subject's earliest registration in the kept data.
  Reports older than the retention period are deleted, so "first" means first in the data
  Zicht still holds; the page says so.
* **Index (b), end of a help trajectory**: every closed trajectory (``einde``) of the subject.
* **Next registration**: the first registration at least ``EPISODE_DAYS`` days after a first
  registration (several partners often report one incident within days: those belong to the
  same episode), or any registration strictly after the end of a help trajectory.
* **Censoring**: follow-up ends at the end of the data, or earlier at the subject's own
  censoring date (retention: the date from which its later registrations would no longer be
  kept, e.g. a file that was removed). A registration after the censoring date does not count.
* **Recidive within k months**: among episodes that were either followed for at least k months
  or had their next registration within k months (the others are not eligible: we do not know),
  the share with a next registration within k months.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

EPISODE_DAYS = 14
WINDOWS_MONTHS = (6, 12, 24)
DAYS_PER_MONTH = 365.25 / 12
UNKNOWN = "onbekend"


@dataclass(frozen=True)
class Registration:
    datum: date
    wijk: str | None = None
    aard: str = UNKNOWN
    kinderen: bool | None = None


@dataclass(frozen=True)
class Timeline:
    key: Hashable
    registrations: tuple[Registration, ...]
    trajectory_ends: tuple[date, ...] = ()
    censor_at: date | None = None  # retention: later registrations are not kept


@dataclass(frozen=True)
class Episode:
    key: Hashable
    index: date
    days: int  # until the next registration (event) or the end of follow-up (censored)
    event: bool
    wijk: str | None
    aard: str
    kinderen: bool | None

    @property
    def cohort(self) -> int:
        return self.index.year

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH


def months_to_days(months: float) -> int:
    return int(round(months * DAYS_PER_MONTH))


def _follow_up_end(timeline: Timeline, end_of_data: date) -> date:
    return min(end_of_data, timeline.censor_at) if timeline.censor_at else end_of_data


def _episode(timeline: Timeline, index: date, attrs: Registration | None, later: Iterable[date], end: date) -> Episode | None:
    if index > end:
        return None
    attrs = attrs or Registration(index)
    nxt = min(later, default=None)
    if nxt is not None and nxt <= end:
        return Episode(timeline.key, index, (nxt - index).days, True, attrs.wijk, attrs.aard, attrs.kinderen)
    return Episode(timeline.key, index, (end - index).days, False, attrs.wijk, attrs.aard, attrs.kinderen)


def first_registration_episode(timeline: Timeline, end_of_data: date, episode_days: int = EPISODE_DAYS) -> Episode | None:
    """Index (a): from the first registration to the next one at least ``episode_days`` later."""
    if not timeline.registrations:
        return None
    regs = sorted(timeline.registrations, key=lambda r: r.datum)
    first = regs[0]
    end = _follow_up_end(timeline, end_of_data)
    later = [r.datum for r in regs if (r.datum - first.datum).days >= episode_days]
    return _episode(timeline, first.datum, first, later, end)


def trajectory_end_episodes(timeline: Timeline, end_of_data: date) -> list[Episode]:
    """Index (b): from each closed help trajectory to the next registration after its end.

    The episode takes its wijk, aard and children from the last registration on or before the
    end (none: unknown).
    """
    regs = sorted(timeline.registrations, key=lambda r: r.datum)
    end = _follow_up_end(timeline, end_of_data)
    out = []
    for einde in sorted(set(timeline.trajectory_ends)):
        before = [r for r in regs if r.datum <= einde]
        attrs = before[-1] if before else None
        if attrs is not None:
            attrs = Registration(einde, attrs.wijk, attrs.aard, attrs.kinderen)
        episode = _episode(timeline, einde, attrs, [r.datum for r in regs if r.datum > einde], end)
        if episode is not None:
            out.append(episode)
    return out


@dataclass(frozen=True)
class WindowCount:
    months: int
    recurred: int  # next registration within the window
    eligible: int  # followed for the whole window, or recurred within it


def within(episodes: Sequence[Episode], months: int) -> WindowCount:
    days = months_to_days(months)
    recurred = sum(1 for e in episodes if e.event and e.days <= days)
    eligible = sum(1 for e in episodes if (e.event and e.days <= days) or e.days >= days)
    return WindowCount(months, recurred, eligible)


# --- Kaplan–Meier -----------------------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    """The estimated share with a next registration by ``month`` (1 − S), with a 95% interval."""

    month: int
    at_risk: int  # still followed at the start of this month (not recurred, not censored)
    events: int  # next registrations up to and including this month
    share: float
    low: float
    high: float


def kaplan_meier(episodes: Sequence[Episode], months: Iterable[int]) -> list[CurvePoint]:
    """Kaplan–Meier estimate (statsmodels ``SurvfuncRight``) read at whole months.

    The interval is pointwise, on the complementary log-log scale (Greenwood variance), so it
    stays inside [0, 1]. Reported as the cumulative share with a next registration.
    """
    months = list(months)
    if not episodes:
        return []
    times = np.array([e.months for e in episodes], dtype=float)
    status = np.array([1 if e.event else 0 for e in episodes], dtype=int)
    sf = SurvfuncRight(times, status)
    out = []
    for m in months:
        idx = np.searchsorted(sf.surv_times, m, side="right") - 1
        if idx < 0:
            s, se = 1.0, 0.0
        else:
            s, se = float(sf.surv_prob[idx]), float(sf.surv_prob_se[idx])
        at_risk = int(np.sum(times >= m)) if m > 0 else len(episodes)
        events = int(np.sum((status == 1) & (times <= m)))
        low, high = _loglog_interval(s, se)
        out.append(CurvePoint(m, at_risk, events, 1 - s, 1 - high, 1 - low))
    return out


def _loglog_interval(s: float, se: float, z: float = 1.959964) -> tuple[float, float]:
    """95% interval of a survival probability on the log(−log) scale."""
    if s <= 0.0 or s >= 1.0 or se <= 0.0:
        return s, s
    theta = se / (s * abs(math.log(s)))
    return s ** math.exp(z * theta), s ** math.exp(-z * theta)
