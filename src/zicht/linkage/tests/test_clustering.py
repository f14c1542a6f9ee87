"""Clusters never join two different valid BSNs or a rejected pair (property-based)."""

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.linkage import households
from zicht.linkage.clustering import cluster


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=2, max_value=25))
    m = draw(st.integers(min_value=0, max_value=60))
    left = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    right = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    weight = draw(st.lists(st.floats(-5, 30, allow_nan=False), min_size=m, max_size=m))
    bsn = draw(st.lists(st.sampled_from([None, "", "h1", "h2", "h3"]), min_size=n, max_size=n))
    rejected = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda t: t[0] != t[1]), max_size=4))
    return n, left, right, weight, bsn, rejected


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_different_valid_bsns_never_share_a_cluster(g):
    n, left, right, weight, bsn, rejected = g
    labels = cluster(n, np.array(left), np.array(right), np.array(weight), bsn, rejected)
    seen: dict = {}
    for node, lab in enumerate(labels):
        if bsn[node]:
            seen.setdefault(lab, set()).add(bsn[node])
    assert all(len(s) == 1 for s in seen.values())
    for a, b in rejected:
        assert labels[a] != labels[b]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_links_without_conflict_are_all_kept(g):
    """Without BSNs or rejections, clusters are exactly the connected components."""
    n, left, right, weight, _, _ = g
    labels = cluster(n, np.array(left), np.array(right), np.array(weight), [None] * n)
    for a, b in zip(left, right):
        assert labels[a] == labels[b]


def test_weakest_link_is_broken():
    # 0 -h1- 1 -(strong)- 2 -(weak)- 3 -h2- : the weak link 2-3 goes, not the strong one
    labels = cluster(4, np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([20.0, 15.0, 2.0]), ["h1", None, None, "h2"])
    assert labels[0] == labels[1] == labels[2] != labels[3]


def obs(lp, addr, d, report, rol="slachtoffer"):
    return households.Observation(lp, addr, d, report, rol)


def test_households_from_co_reports_and_addresses():
    o = [
        obs(1, 10, date(2023, 1, 1), 100, "slachtoffer"),
        obs(2, 10, date(2023, 1, 1), 100, "pleger"),
        obs(3, 10, date(2023, 6, 1), 101, "kind"),  # same address within a year
        obs(4, 10, date(2023, 1, 1), 100, "melder"),  # a melder is not a household member
        obs(5, 20, date(2023, 1, 1), 102, "slachtoffer"),
    ]
    groups = sorted(sorted(g) for g in households.group(o))
    assert groups == [[1, 2, 3], [5]]


def test_household_keeps_history_when_moving():
    o = [obs(1, 10, date(2022, 1, 1), 1), obs(2, 10, date(2022, 1, 1), 1), obs(1, 30, date(2023, 3, 1), 2), obs(2, 30, date(2023, 3, 1), 2)]
    (h,) = households.derive(o)
    spans = {(m.linked_person, m.address): (m.since, m.until) for m in h.memberships}
    assert spans[(1, 10)] == (date(2022, 1, 1), date(2023, 3, 1))
    assert spans[(1, 30)] == (date(2023, 3, 1), None)
    # next run: same members → the existing household id continues
    assert households.match_existing([set(h.members)], {7: {1, 2}, 8: {9}}) == [7]


def test_match_existing_uses_each_household_once():
    assert households.match_existing([{1, 2}, {2, 3, 4}], {7: {1, 2, 3, 4}}) == [None, 7]
    # the new group {1, 2} continues household 7 (two shared members), not 8 (one)
    assert households.match_existing([{1, 2}, {3}], {7: {1, 2}, 8: {2, 3}}) == [7, 8]
