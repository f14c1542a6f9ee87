"""Disclosure rules: table-driven cases and a property test over random tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.areas.disclosure import (
    OK,
    PRIMARY,
    SECONDARY,
    Policy,
    control_series,
    control_table,
    control_total,
    percentage,
    rate,
    round_to_base,
)

P = Policy()


@pytest.mark.parametrize(
    "raw, base, expected",
    [
        (0, 5, 0),
        (2, 5, 0),
        (3, 5, 5),
        (10, 5, 10),
        (12, 5, 10),
        (13, 5, 15),
        (17, 5, 15),
        (18, 5, 20),
        (1234, 5, 1235),
        (15, 10, 20),
        (14, 10, 10),
        (7, 1, 7),
    ],
)
def test_round_to_base(raw, base, expected):
    assert round_to_base(raw, base) == expected


@pytest.mark.parametrize(
    "raw, policy, display, status",
    [
        (0, P, "<10", PRIMARY),
        (1, P, "<10", PRIMARY),
        (9, P, "<10", PRIMARY),
        (10, P, "10", OK),
        (12, P, "10", OK),
        (13, P, "15", OK),
        (1003, P, "1.005", OK),
        (0, Policy(publish_zeros=True), "0", OK),
        (14, Policy(threshold=15), "<15", PRIMARY),
        (15, Policy(threshold=15), "15", OK),
    ],
)
def test_single_count(raw, policy, display, status):
    cell = control_total(raw, policy)
    assert (cell.display, cell.status) == (display, status)
    assert cell.reason
    if status != OK:
        assert cell.value is None


@pytest.mark.parametrize(
    "counts, expected_status",
    [
        # No small cells: nothing suppressed.
        (
            {("a", "x"): 20, ("a", "y"): 30, ("b", "x"): 40, ("b", "y"): 50},
            {("a", "x"): OK, ("a", "y"): OK, ("b", "x"): OK, ("b", "y"): OK},
        ),
        # One small cell: its row and column need a partner, which needs a fourth corner.
        (
            {("a", "x"): 4, ("a", "y"): 30, ("b", "x"): 40, ("b", "y"): 50},
            {("a", "x"): PRIMARY, ("a", "y"): SECONDARY, ("b", "x"): SECONDARY, ("b", "y"): SECONDARY},
        ),
        # Two small cells in one row: the row is safe, each column needs one more.
        (
            {("a", "x"): 4, ("a", "y"): 3, ("b", "x"): 40, ("b", "y"): 50, ("c", "x"): 60, ("c", "y"): 70},
            {("a", "x"): PRIMARY, ("a", "y"): PRIMARY, ("b", "x"): SECONDARY, ("b", "y"): SECONDARY, ("c", "x"): OK, ("c", "y"): OK},
        ),
    ],
)
def test_table_patterns(counts, expected_status):
    table = control_table(counts, policy=P)
    assert {k: c.status for k, c in table.cells.items()} == expected_status


def test_small_row_total_is_itself_primary_and_protected():
    table = control_table({("a", "x"): 4, ("a", "y"): 3, ("b", "x"): 40, ("b", "y"): 50}, policy=P)
    assert table.row_total("a").status == PRIMARY
    # The column totals would give row a back as (col total - b); so something else goes too.
    published = [c for c in table.all_cells() if not c.suppressed]
    assert all(c.value % 5 == 0 and c.value >= 10 for c in published)
    assert_not_recoverable(table, {("a", "x"): 4, ("a", "y"): 3, ("b", "x"): 40, ("b", "y"): 50})


def test_series_single_small_month_gets_a_partner():
    series = control_series({"2024-01": 40, "2024-02": 4, "2024-03": 25}, policy=P)
    assert series.cell("2024-02").display == "<10"
    assert series.cell("2024-03").status == SECONDARY  # the next smallest
    assert series.cell("2024-01").display == "40"
    assert series.total.display == "70"


def test_percentage_and_rate_follow_their_counts():
    table = control_table({("a", "x"): 4, ("a", "y"): 30, ("b", "x"): 40, ("b", "y"): 50}, policy=P)
    assert table.share("a", "x").suppressed
    series = control_series({"m": 43}, policy=P)
    assert series.total.value == 45
    # Rates are computed from the published (rounded) figure, never from the raw 43.
    assert rate(series.total, 9000).value == 5.0
    assert rate(series.total, None).status == "missing"
    assert rate(control_total(3), 9000).suppressed
    assert rate(control_total(45), 20, min_population=100).status == "missing"
    assert percentage(control_total(25), control_total(100)).display == "25%"


def test_zero_and_empty_tables():
    empty = control_table({}, row_keys=["a"], col_keys=["x"], policy=P)
    assert empty.cell("a", "x").display == "<10"
    assert empty.total.suppressed
    none = control_table({}, policy=P)
    assert none.total.suppressed


def test_reasons_are_dutch_and_differ_per_status():
    table = control_table({("a", "x"): 4, ("a", "y"): 30, ("b", "x"): 40, ("b", "y"): 50}, policy=P)
    reasons = {c.status: c.reason for c in table.all_cells()}
    assert "primaire onderdrukking" in reasons[PRIMARY]
    assert "secundaire onderdrukking" in reasons[SECONDARY]
    assert "veelvoud van 5" in reasons[OK]


def test_cell_never_holds_the_raw_count():
    cell = control_total(13)
    assert cell.value == 15 and "13" not in repr(cell)


# --- property test -------------------------------------------------------------------------


def assert_not_recoverable(table, counts):
    """Independent check by linear algebra: no suppressed entry follows from the published ones.

    Unknowns are the suppressed entries of the table with its margins; the knowns are the
    published values (treated as exact, the attacker's best case). An unknown is determined
    iff its unit vector lies in the row space of the sum constraints restricted to unknowns.
    """
    rows, cols = table.row_keys, table.col_keys
    entries = [("c", r, c) for r in rows for c in cols] + [("r", r, None) for r in rows]
    entries += [("k", None, c) for c in cols] + [("t", None, None)]

    def cell_of(e):
        kind, r, c = e
        return {"c": lambda: table.cell(r, c), "r": lambda: table.row_total(r), "k": lambda: table.col_total(c), "t": lambda: table.total}[
            kind
        ]()

    unknown = [e for e in entries if cell_of(e).suppressed]
    if not unknown:
        return
    index = {e: i for i, e in enumerate(unknown)}
    constraints = []
    for r in rows:  # row r: sum of cells - row total = 0
        constraints.append([("c", r, c) for c in cols] + [("-", "r", r, None)])
    for c in cols:
        constraints.append([("c", r, c) for r in rows] + [("-", "k", None, c)])
    constraints.append([("r", r, None) for r in rows] + [("-", "t", None, None)])
    constraints.append([("k", None, c) for c in cols] + [("-", "t", None, None)])
    matrix = []
    for terms in constraints:
        vec = np.zeros(len(unknown))
        for term in terms:
            sign, e = (-1, term[1:]) if term[0] == "-" else (1, term)
            if e in index:
                vec[index[e]] += sign
        matrix.append(vec)
    a = np.array(matrix)
    rank = np.linalg.matrix_rank(a)
    for e, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        assert np.linalg.matrix_rank(np.vstack([a, unit])) > rank, f"{e} can be recovered"


tables = st.integers(1, 5).flatmap(
    lambda n_r: st.integers(1, 5).flatmap(
        lambda n_c: st.lists(
            st.lists(st.one_of(st.integers(0, 12), st.integers(0, 200)), min_size=n_c, max_size=n_c),
            min_size=n_r,
            max_size=n_r,
        )
    )
)


@settings(max_examples=200, deadline=None)
@given(grid=tables, threshold=st.sampled_from([5, 10, 15]), base=st.sampled_from([3, 5, 10]))
def test_property_random_tables(grid, threshold, base):
    policy = Policy(threshold=threshold, rounding_base=base)
    counts = {(f"r{i}", f"c{j}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    table = control_table(counts, policy=policy)
    raw_row = {f"r{i}": sum(row) for i, row in enumerate(grid)}
    raw_col = {f"c{j}": sum(row[j] for row in grid) for j in range(len(grid[0]))}
    raw_all = sum(raw_row.values())
    pairs = [(table.cell(k[0], k[1]), v) for k, v in counts.items()]
    pairs += [(table.row_total(k), v) for k, v in raw_row.items()]
    pairs += [(table.col_total(k), v) for k, v in raw_col.items()]
    pairs += [(table.total, raw_all)]
    for cell, raw in pairs:
        if cell.suppressed:
            assert cell.value is None
            if raw < threshold:
                assert cell.status == PRIMARY
        else:
            # Published counts: multiples of the base, at or above the threshold, within base/2.
            assert cell.value % base == 0
            assert raw >= threshold
            assert abs(cell.value - raw) <= base / 2
    # Every line holds zero or at least two suppressed entries ...
    for r in table.row_keys:
        line = [table.cell(r, c) for c in table.col_keys] + [table.row_total(r)]
        assert sum(c.suppressed for c in line) != 1
    for c in table.col_keys:
        line = [table.cell(r, c) for r in table.row_keys] + [table.col_total(c)]
        assert sum(x.suppressed for x in line) != 1
    # ... and no suppressed entry can be solved from the published figures at all.
    assert_not_recoverable(table, counts)
    # Percentages never outlive their counts.
    for r in table.row_keys:
        for c in table.col_keys:
            if table.cell(r, c).suppressed or table.row_total(r).suppressed:
                assert table.share(r, c).value is None


@settings(max_examples=100, deadline=None)
@given(grid=tables, threshold=st.sampled_from([5, 10]))
def test_property_linked_tables_share_their_margins(grid, threshold):
    """A wijk total published on the gemeente page is the fixed grand total of its buurt table.

    The row totals are first controlled as a series (the 'gemeente' table); the 2-D table is
    then controlled with those margins fixed: they must come out identical, and still no
    suppressed entry of the 2-D table may be recoverable.
    """
    policy = Policy(threshold=threshold)
    counts = {(f"r{i}", f"c{j}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    rows = [f"r{i}" for i in range(len(grid))]
    series = control_series({r: sum(grid[i]) for i, r in enumerate(rows)}, keys=rows, policy=policy)
    table = control_table(counts, row_keys=rows, policy=policy, fixed_row_totals=series.cells, fixed_total=series.total)
    assert all(table.row_total(r) == series.cell(r) for r in rows)
    assert table.total == series.total
    assert_not_recoverable(table, counts)
    for cell in table.all_cells():
        if not cell.suppressed:
            assert cell.value % 5 == 0


def test_fixed_published_margin_is_never_suppressed_and_fallback_is_safe():
    outer = control_total(40)
    # One buurt holds everything: its cells equal the fixed column totals.
    table = control_table(
        {("b", "x"): 4, ("b", "y"): 36},
        col_keys=["x", "y"],
        fixed_col_totals={"x": control_total(4), "y": control_total(36)},
        fixed_total=outer,
    )
    assert table.total.display == "40"
    assert table.cell("b", "x").suppressed and table.col_total("y").display == "35"


@settings(max_examples=40, deadline=None)
@given(
    grid=st.integers(9, 11).flatmap(lambda n_c: st.lists(st.lists(st.integers(0, 14), min_size=n_c, max_size=n_c), min_size=9, max_size=11))
)
def test_property_large_tables_use_the_general_bridge_search(grid):
    counts = {(f"r{i:02d}", f"c{j:02d}"): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    table = control_table(counts, policy=P)
    assert_not_recoverable(table, counts)


@settings(max_examples=100, deadline=None)
@given(mask=st.integers(2, 6).flatmap(lambda n_c: st.lists(st.lists(st.booleans(), min_size=n_c, max_size=n_c), min_size=2, max_size=12)))
def test_bridge_searches_agree(mask):
    from zicht.areas.disclosure import _bridges, _bridges_small_side

    m = np.array(mask)
    # Only patterns the engine asks about: every line holds 0 or ≥ 2 suppressed entries.
    if ((m.sum(axis=0) == 1).any()) or ((m.sum(axis=1) == 1).any()):
        return
    edges = {(int(r), int(c)) for r, c in zip(*np.nonzero(m))}
    assert sorted(_bridges_small_side(m)) == sorted(_bridges(edges, m.shape[0]))


def test_a_reason_is_dutch_as_stored_and_put_into_words_when_shown():
    """A cell's reason compares, serialises and pickles as its Dutch sentence (the API and the caches
    see that); ``words`` puts it into the page's language from its catalogue message and numbers."""
    import json
    import pickle

    from zicht.areas.disclosure import Policy, Reason, words

    reason = Policy(threshold=10, rounding_base=5).reason(PRIMARY)
    assert isinstance(reason, Reason) and reason.startswith("Minder dan 10: niet getoond")
    again = pickle.loads(pickle.dumps(reason))
    assert again == reason and again.params == {"threshold": 10} and json.loads(json.dumps(reason)) == str(reason)
    english = {reason.msgid: "Fewer than %(threshold)s: not shown."}
    assert words(again, lambda m: english.get(m, m)) == "Fewer than 10: not shown."
    assert words("Een gewone zin.", lambda m: "never") == "Een gewone zin."  # a plain string is shown as it is
