"""Households from who was reported together where (pure, no Django).

Why this rule: partners report a household as the people in one incident at one address
(victim, perpetrator, children). Melders and other betrokkenen never join a household.

1. An **episode** is persons living together at one address in one period: the persons reported
   there in household roles (``HOUSEHOLD_ROLES``) in one window run (``window_runs``: reported at
   the address within ``WINDOW_DAYS`` of each other, as a chain). A run of more than
   ``MAX_EPISODE_PERSONS`` distinct persons is not one household (a multi-dwelling address, an
   institution, a shelter): there each report is its own episode (only co-reports join). A report
   without an address is an episode of its own.
2. A **household is a chain of episodes over time**. Episodes are taken in time order; a later
   episode continues an earlier one (at another address: the household moved, its identity kept;
   at the same address after a gap: it still lives there) when it shares at least two persons
   with it, or when every person of the later episode was in the earlier one (the household or
   part of it moved). Of several earlier episodes that qualify it continues the one with most
   persons in common, then the latest. Otherwise the episode starts a household of its own.
   Each episode continues at most one other, so households never merge into chains of movers.
3. **A person may be a member of several households over time**: a person seen in an episode of
   another household leaves the earlier one (``until``) at the first date seen there. So a woman
   who leaves partner X for her mother's address and later lives with Y is in three households.

Each membership row says household, person, address, since, until; one person has one row per
(household, address) span, and at any date at most one open span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

HOUSEHOLD_ROLES = {"slachtoffer", "pleger", "kind"}
WINDOW_DAYS = 365  # reported at one address within this many days of each other: one episode
# More distinct persons than this in one window run at one address is not a household: CBS counts
# 2.1 persons per household on average and households of 6 or more are about 2 %; 12 is twice that
# size, room for a large family with a grandparent, a new partner and their children together,
# while a block of flats, an institution or a shelter passes it. There only co-reports join.
MAX_EPISODE_PERSONS = 12


@dataclass(frozen=True)
class Observation:
    linked_person: int
    address: int | None
    datum: date
    report: int
    rol: str


@dataclass
class Membership:
    linked_person: int
    address: int | None
    since: date
    until: date | None


@dataclass
class Episode:
    """Persons living together at one address (``None``: a report without one) in one period."""

    address: int | None
    persons: frozenset[int]
    start: date
    key: tuple = ()  # a total, input-order-free order: time first
    observations: list[Observation] = field(default_factory=list, repr=False)


@dataclass
class Household:
    members: frozenset[int]
    memberships: list[Membership]
    episodes: list[Episode] = field(default_factory=list, repr=False)


def window_runs(dated: list[tuple[date, int]], window_days: int = WINDOW_DAYS) -> list[list[int]]:
    """The window-connected runs of one address's (date, item) observations: sorted by date, a gap of
    more than ``window_days`` between two consecutive ones starts a new run (a chain: an
    observation within the window of one in the run joins it)."""
    runs: list[list[int]] = []
    last = None
    for datum, item in sorted(dated, key=lambda d: d[0]):
        if last is None or (datum - last).days > window_days:
            runs.append([])
        runs[-1].append(item)
        last = datum
    return runs


def _episode(address: int | None, obs: list[Observation]) -> Episode:
    persons = frozenset(o.linked_person for o in obs)
    start = min(o.datum for o in obs)
    key = (start, max(o.datum for o in obs), -1 if address is None else address, tuple(sorted(persons)), min(o.report for o in obs))
    return Episode(address, persons, start, key, obs)


def episodes(observations, window_days: int = WINDOW_DAYS, max_persons: int = MAX_EPISODE_PERSONS) -> list[Episode]:
    """The episodes of these observations (only household roles count), in time order."""
    relevant = [o for o in observations if o.rol in HOUSEHOLD_ROLES]
    out: list[Episode] = []
    by_address: dict[int, list[Observation]] = {}
    loose: dict[int, list[Observation]] = {}
    for o in relevant:
        if o.address is None:
            loose.setdefault(o.report, []).append(o)
        else:
            by_address.setdefault(o.address, []).append(o)
    for address, obs in by_address.items():
        for run in window_runs([(o.datum, i) for i, o in enumerate(obs)], window_days):
            run_obs = [obs[i] for i in run]
            if len({o.linked_person for o in run_obs}) <= max_persons:
                out.append(_episode(address, run_obs))
                continue
            per_report: dict[int, list[Observation]] = {}
            for o in run_obs:  # too many for one household: each report its own episode
                per_report.setdefault(o.report, []).append(o)
            out.extend(_episode(address, r) for r in per_report.values())
    out.extend(_episode(None, r) for r in loose.values())
    out.sort(key=lambda e: e.key)
    return out


def continues(later: frozenset[int], earlier: frozenset[int]) -> int:
    """How strongly a later episode continues an earlier one: the persons in common when it does
    (two or more in common, or all of the later one in the earlier one), else 0."""
    common = len(later & earlier)
    return common if common >= 2 or (common and later <= earlier) else 0


def derive(observations, window_days: int = WINDOW_DAYS, max_persons: int = MAX_EPISODE_PERSONS) -> list[Household]:
    """Households as chains of episodes, with each member's spans; the same for any input order."""
    eps = episodes(observations, window_days, max_persons)
    root: list[int] = []
    seen: dict[int, list[int]] = {}  # person -> indexes of the earlier episodes with them
    for i, e in enumerate(eps):
        best, best_at = 0, None
        common: dict[int, int] = {}  # earlier episode -> persons in common (``continues``, counted)
        for p in e.persons:
            for j in seen.get(p, ()):
                common[j] = common.get(j, 0) + 1
        for j, n in common.items():
            strength = n if n >= 2 or n == len(e.persons) else 0
            if strength and (strength, j) > (best, best_at if best_at is not None else -1):
                best, best_at = strength, j
        root.append(i if best_at is None else root[best_at])
        for p in e.persons:
            seen.setdefault(p, []).append(i)
    chains: dict[int, list[int]] = {}
    for i, r in enumerate(root):
        chains.setdefault(r, []).append(i)
    # every observation labelled with its household; each person's spans follow their own dates
    timeline: dict[int, list[tuple]] = {}
    for i, e in enumerate(eps):
        for o in e.observations:
            timeline.setdefault(o.linked_person, []).append((o.datum, eps[root[i]].key, e.key, root[i], e.address))
    spans: dict[int, list[Membership]] = {}
    for person, items in timeline.items():
        items.sort()
        current, span = None, None  # (household, address) of the open span
        for datum, _, _, hh, address in items:
            if current is not None and current[0] == hh and (address is None or address == current[1]):
                continue  # the same span (a report without address within the household's span)
            if span is not None:
                span.until = datum  # left: first seen in another household or at another address
            span = Membership(person, address, datum, None)
            spans.setdefault(hh, []).append(span)
            current = (hh, address)
    out = []
    for r in sorted(chains):
        members = frozenset(p for i in chains[r] for p in eps[i].persons)
        rows = sorted(spans.get(r, []), key=lambda m: (m.linked_person, m.since, -1 if m.address is None else m.address))
        out.append(Household(members, rows, [eps[i] for i in chains[r]]))
    return out


def group(observations, window_days: int = WINDOW_DAYS) -> list[set[int]]:
    """The member sets of ``derive``'s households (a person may be in several)."""
    return [set(h.members) for h in derive(observations, window_days)]


def within(datum: date, since: date | None, until: date | None) -> bool:
    """A date falls in a membership [since, until] (both ends included: on the day a person moves
    the report that shows it counts for the household left and the one joined; an open end, none)."""
    return (since is None or since <= datum) and (until is None or datum <= until)


def match_existing(new_groups: list[set[int]], old_groups: dict[int, set[int]]) -> list[int | None]:
    """For each new group the existing household id it continues (largest overlap, each id used once)."""
    household_of: dict[int, list[int]] = {}
    for hid, old in old_groups.items():
        for person in old:
            household_of.setdefault(person, []).append(hid)
    candidates = []
    for i, g in enumerate(new_groups):
        overlaps: dict[int, int] = {}
        for person in g:
            for hid in household_of.get(person, ()):
                overlaps[hid] = overlaps.get(hid, 0) + 1
        candidates.extend((-overlap, hid, sorted(g), i) for hid, overlap in overlaps.items())
    candidates.sort()
    used, result = set(), [None] * len(new_groups)
    for _, hid, _, i in candidates:
        if hid in used or result[i] is not None:
            continue
        used.add(hid)
        result[i] = hid
    return result
