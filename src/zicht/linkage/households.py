"""Households from who was reported together where (pure, no Django).

Why this rule: partners report a household as the people in one incident at one address
(victim, perpetrator, children). Two linked persons belong to one household when they
appear in the same report at the same address, or were reported at the same address
within ``window_days`` of each other in roles that point at living together (victim,
perpetrator, child). Melders and other betrokkenen never join a household on their own.
A household keeps its identity when members move: its members follow it; the old
address ends (``until``) and the new one starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

HOUSEHOLD_ROLES = {"slachtoffer", "pleger", "kind"}
WINDOW_DAYS = 365  # reported at one address within this many days of each other: one household


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


def window_runs(dated: list[tuple[date, int]], window_days: int = WINDOW_DAYS) -> list[list[int]]:
    """The window-connected runs of one address's (date, item) observations: sorted by date, a gap of
    more than ``window_days`` between two consecutive ones starts a new run. ``group`` unites each
    run (a chain: a observation within the window of one in the run joins it)."""
    runs: list[list[int]] = []
    last = None
    for datum, item in sorted(dated, key=lambda d: d[0]):
        if last is None or (datum - last).days > window_days:
            runs.append([])
        runs[-1].append(item)
        last = datum
    return runs


def group(observations: list[Observation], window_days: int = WINDOW_DAYS) -> list[set[int]]:
    """Sets of linked persons that form one household (connected through co-reports)."""
    parent: dict[int, int] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    relevant = [o for o in observations if o.rol in HOUSEHOLD_ROLES]
    for o in relevant:
        find(o.linked_person)
    by_report: dict[int, list[Observation]] = {}
    for o in relevant:
        by_report.setdefault(o.report, []).append(o)
    for members in by_report.values():
        for o in members[1:]:
            if o.address == members[0].address:
                union(members[0].linked_person, o.linked_person)
    by_address: dict[int, list[Observation]] = {}
    for o in relevant:
        if o.address is not None:
            by_address.setdefault(o.address, []).append(o)
    for obs in by_address.values():
        for run in window_runs([(o.datum, o.linked_person) for o in obs], window_days):
            for person in run[1:]:
                union(run[0], person)
    groups: dict[int, set[int]] = {}
    for person in parent:
        groups.setdefault(find(person), set()).add(person)
    return list(groups.values())


def by_person(observations: list[Observation]) -> dict[int, list[Observation]]:
    """Observations per linked person, so that each household reads only its own members' rows."""
    out: dict[int, list[Observation]] = {}
    for o in observations:
        out.setdefault(o.linked_person, []).append(o)
    return out


def memberships(observations: list[Observation], members: set[int]) -> list[Membership]:
    """Address history of each member: one row per address, ``until`` = first date seen elsewhere after it.

    ``observations`` may hold other persons' rows too; pass only the members' (``by_person``)
    when calling this per household, or the work grows with households × observations.
    """
    out = []
    own = by_person(o for o in observations if o.linked_person in members)
    for person in sorted(members):
        mine = own.get(person, [])
        obs = sorted((o for o in mine if o.address is not None), key=lambda o: o.datum)
        spans: list[Membership] = []
        for o in obs:
            if spans and spans[-1].address == o.address:
                continue
            if spans:
                spans[-1].until = o.datum
            # back at an earlier address: a new span (history shows the return)
            spans.append(Membership(person, o.address, o.datum, None))
        if not spans:
            first = min((o.datum for o in mine), default=None)
            if first is not None:
                spans.append(Membership(person, None, first, None))
        out.extend(spans)
    return out


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
        candidates.extend((-overlap, hid, i) for hid, overlap in overlaps.items())
    candidates.sort()
    used, result = set(), [None] * len(new_groups)
    for _, hid, i in candidates:
        if hid in used or result[i] is not None:
            continue
        used.add(hid)
        result[i] = hid
    return result
