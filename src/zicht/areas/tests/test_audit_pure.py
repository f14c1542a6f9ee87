"""The differencing attacker on small synthetic registries (no database): worked examples and a property test.

The publication is built with the functions the pages use (``canonical``, ``gemeente_months``,
``wijk_months``, ``buurt_bron_table``) over an in-memory ``ReportCube``; the attacker is
``zicht.areas.audit``.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.areas.audit import BREAKDOWNS, Published, Structure, audit, published_cells
from zicht.areas.disclosure import Policy, control_table
from zicht.areas.engine import SCHEMA, ReportCube
from zicht.areas.figures import (
    BRON_LABELS,
    DIMENSIONS,
    buurt_bron_table,
    canonical,
    from_controlled_table,
    gemeente_months,
    period_for,
    wijk_months,
)
from zicht.areas.tables import set_grid

P = Policy()
GM = "GM0001"
WIJK_OF = {"BU00010001": "WK000101", "BU00010002": "WK000101", "BU00010101": "WK000102", "BU00010201": "WK000103"}
BUURTEN = {w: sorted(b for b, x in WIJK_OF.items() if x == w) for w in set(WIJK_OF.values())}


def cube_of(rows: list[tuple[str, date, str]]) -> ReportCube:
    """Reports as (buurt, datum, bron); the other columns get one fixed value."""
    kinds = {"politie": "incident", "veilig_thuis": "melding", "wijkteam": "signaal"}
    cols = {name: [] for name in SCHEMA.names}
    for i, (buurt, datum, bron) in enumerate(rows):
        for name, value in (
            ("report_id", i),
            ("buurt", buurt),
            ("wijk", WIJK_OF[buurt]),
            ("gemeente", GM),
            ("datum", datum),
            ("kind", kinds[bron]),
            ("bron", bron),
            ("aard", "kindermishandeling"),
            ("relatie", "partner"),
            ("kinderen", True),
            ("address_id", None),
        ):
            cols[name].append(value)
    return ReportCube(pa.table([pa.array(cols[f.name], type=f.type) for f in SCHEMA], schema=SCHEMA))


def publication(cube: ReportCube, policy: Policy = P) -> list[Published]:
    """Everything the gemeente and wijk pages publish for every year, from the one protected set."""
    wijken = sorted(set(WIJK_OF.values()))
    out: list[Published] = []
    for year in period_for(cube, None).years:
        period = period_for(cube, year)
        canon = canonical(cube, GM, wijken, year, policy, BUURTEN)
        for dim in DIMENSIONS:
            fig = from_controlled_table(dim, dim, "Wijk", canon.by_dim[dim], {}, {}, dims=({"year": year}, "wijk", dim))
            out += published_cells(fig, f"gemeente {dim}")
        months = gemeente_months(cube, GM, canon, period, policy)
        out += published_cells(
            from_controlled_table("maanden", "", "", months, {}, BRON_LABELS, dims=({"year": year}, "month", "bron")), "maanden"
        )
        wm = wijk_months(cube, GM, canon, period, policy)
        out += published_cells(
            from_controlled_table("wijkmaanden", "", "", wm, {}, {}, dims=({"year": year}, "wijk", "month")), "wijkmaanden"
        )
        for w in wijken:
            buurten = sorted(b for b, x in WIJK_OF.items() if x == w)
            t = buurt_bron_table(cube, GM, canon, w, buurten, period, policy)
            out += published_cells(
                from_controlled_table("buurt_bron", "", "", t, {}, {}, dims=({"year": year, "wijk": w}, "buurt", "bron")), f"wijk {w}"
            )
    return out


def structure_and_truth(cube: ReportCube, policy: Policy = P):
    years = period_for(cube, None).years
    wijken = sorted(set(WIJK_OF.values()))
    columns = canonical(cube, GM, wijken, years[-1], policy, BUURTEN).columns
    truth = {("X", w, m, b): n for (w, m, b), n in cube.counts(["wijk", "month", "bron"]).items()}
    truth.update({("B", bu, int(y), b): n for (bu, y, b), n in cube.counts(["buurt", "year", "bron"]).items()})
    truth.update({("T", w, int(y)): n for (w, y), n in cube.counts(["wijk", "year"]).items()})
    for dim in BREAKDOWNS[1:]:
        truth.update({("U", dim, w, int(y), v): n for (w, y, v), n in cube.counts(["wijk", "year", dim]).items()})
    months = {y: period_for(cube, y).months for y in years}
    return Structure(dict(WIJK_OF), months, dict(columns)), truth


def old_wijk_month_tables(cube: ReportCube, policy: Policy = P) -> list[Published]:
    """What the wijk pages published before issue 12: month × bron per wijk, each controlled on its own margins."""
    wijken = sorted(set(WIJK_OF.values()))
    out = []
    for year in period_for(cube, None).years:
        period = period_for(cube, year)
        canon = canonical(cube, GM, wijken, year, policy, BUURTEN)
        for w in wijken:
            series = canon.wijk_series(w, "bron")
            counts = {
                k: v
                for k, v in cube.counts(["month", "bron"], where={"wijk": w}, start=period.start, end=period.end).items()
                if k[1] in series.cells
            }
            t = control_table(
                counts,
                row_keys=period.months,
                col_keys=list(series.keys),
                policy=policy,
                fixed_col_totals=series.cells,
                fixed_total=canon.totals.cell(w),
            )
            fig = from_controlled_table("maanden", "", "", t, {}, {}, dims=({"year": year, "wijk": w}, "month", "bron"))
            out += published_cells(fig, f"oude wijkpagina {w} maanden")
    return out


def rows_for(spec: dict[tuple[str, str, str], int]) -> list[tuple[str, date, str]]:
    """{(buurt, 'YYYY-MM', bron): n} -> report rows."""
    rows = []
    for (buurt, month, bron), n in spec.items():
        y, m = map(int, month.split("-"))
        rows += [(buurt, date(y, m, 1 + i % 28), bron) for i in range(n)]
    return rows


# Wijk 1 has exactly 9 politie reports in January; everything else is large. The gemeente's month ×
# bron table publishes January-politie for the whole gemeente, and wijk 2 and 3's January-politie
# can be read off their own (old) month tables: the difference pins wijk 1's "<10".
WORKED = {
    ("BU00010001", "2024-01", "politie"): 9,
    ("BU00010001", "2024-01", "veilig_thuis"): 41,
    ("BU00010001", "2024-02", "politie"): 37,
    ("BU00010001", "2024-02", "veilig_thuis"): 44,
    ("BU00010101", "2024-01", "politie"): 40,
    ("BU00010101", "2024-01", "veilig_thuis"): 52,
    ("BU00010101", "2024-02", "politie"): 33,
    ("BU00010101", "2024-02", "veilig_thuis"): 47,
    ("BU00010201", "2024-01", "politie"): 31,
    ("BU00010201", "2024-01", "veilig_thuis"): 28,
    ("BU00010201", "2024-02", "politie"): 26,
    ("BU00010201", "2024-02", "veilig_thuis"): 35,
}


def test_worked_example_gemeente_months_minus_wijk_months_pins_a_cell_in_the_old_design():
    cube = cube_of(rows_for(WORKED))
    structure, truth = structure_and_truth(cube)
    before = audit(publication(cube) + old_wijk_month_tables(cube), structure, truth, P, exact=True)
    assert not before.errors
    leak = {f.label: f for f in before.leaks}
    assert "year=2024 month=2024-01 wijk=WK000101 bron=politie" in leak
    pinned = leak["year=2024 month=2024-01 wijk=WK000101 bron=politie"]
    assert pinned.low <= 9 <= pinned.high and pinned.width < P.rounding_base


def test_worked_example_is_protected_by_the_one_protected_set():
    cube = cube_of(rows_for(WORKED))
    structure, truth = structure_and_truth(cube)
    after = audit(publication(cube), structure, truth, P, exact=True)
    assert not after.errors and after.ok, [f.as_json() for f in after.leaks]
    # The pinned cell (wijk × month × bron) is not published at all any more.
    assert all("bron=politie" not in f.label or "month" not in f.label or "wijk" not in f.label for f in after.findings)


def test_a_lonely_secondary_partner_just_above_the_threshold_is_avoided():
    """advies 2 next to signaal 10 in one row: a '×' known to be ≥ 10 would pin the '<10' to [0, 4]."""
    counts = {
        ("w1", "incident"): 60,
        ("w1", "melding"): 45,
        ("w1", "advies"): 2,
        ("w1", "signaal"): 10,
        ("w2", "incident"): 70,
        ("w2", "melding"): 55,
        ("w2", "advies"): 30,
        ("w2", "signaal"): 40,
    }
    t = control_table(counts, policy=P)
    assert t.cell("w1", "advies").display == "<10"
    assert t.cell("w1", "signaal").display == "10"  # not chosen as the partner
    assert any(t.cell("w1", c).status == "secondary" or t.row_total("w1").status == "secondary" for c in ("incident", "melding"))


def test_unmodelled_publication_is_an_error_not_a_pass():
    cube = cube_of(rows_for(WORKED))
    structure, truth = structure_and_truth(cube)
    t = control_table({("b", "politie"): 3}, policy=P)
    fig = set_grid(
        from_controlled_table("x", "", "", t, {}, {}), {"year": 2024}, [{"buurt": "BU00010001", "month": "2024-01"}], [{"bron": "politie"}]
    )
    report = audit(publication(cube) + published_cells(fig, "test"), structure, truth, P)
    assert report.errors and not report.ok


MONTHS = ["2024-01", "2024-02", "2024-03"]
BRONNEN = ["politie", "veilig_thuis", "wijkteam"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(sorted(WIJK_OF)), st.sampled_from(MONTHS), st.sampled_from(BRONNEN)),
        st.one_of(st.integers(0, 12), st.integers(10, 60)),
        min_size=1,
        max_size=20,
    )
)
def test_property_random_small_cubes_leave_no_narrow_interval(spec):
    cube = cube_of(rows_for(spec))
    structure, truth = structure_and_truth(cube)
    report = audit(publication(cube), structure, truth, P)
    assert not report.errors, report.errors
    assert report.ok, [f.as_json() for f in report.leaks]


def test_wijk_total_just_above_the_threshold_is_suppressed_so_it_cannot_pin_its_rows():
    """Wijk 2 has exactly 10 reports: published, its total (10-12) next to a '×' (≥ 10) would pin its '<10's to 0-2."""
    spec = {
        ("BU00010001", "2024-02", "politie"): 41,
        ("BU00010002", "2024-02", "veilig_thuis"): 56,
        ("BU00010001", "2024-02", "wijkteam"): 39,
        ("BU00010101", "2024-01", "wijkteam"): 10,
        ("BU00010201", "2024-03", "politie"): 30,
    }
    cube = cube_of(rows_for(spec))
    structure, truth = structure_and_truth(cube)
    report = audit(publication(cube), structure, truth, P, exact=True)
    assert report.ok, [f.as_json() for f in report.leaks]
    totals = [p for p in publication(cube) if p.filter == {"year": 2024, "wijk": "WK000102"}]
    assert totals and all(p.cell.display == "×" for p in totals)


def test_a_table_pinned_by_margins_it_took_over_reports_them_for_the_table_above():
    """Both buurten's politie counts are '<10' under a wijk × politie cell fixed at 10 (10-12): nothing in
    the buurt table can widen them, so the table names the margin; canonical then suppresses it above."""
    from zicht.areas.disclosure import OK, published_cell

    counts = {("b1", "politie"): 3, ("b2", "politie"): 9, ("b1", "vt"): 30, ("b2", "vt"): 40}
    t = control_table(
        counts,
        row_keys=["b1", "b2"],
        col_keys=["politie", "vt"],
        policy=P,
        fixed_col_totals={"politie": published_cell(12, OK, P), "vt": published_cell(70, OK, P)},
        fixed_total=published_cell(82, OK, P),
    )
    assert ("col", "politie") in t.blocked
    free = control_table(counts, row_keys=["b1", "b2"], col_keys=["politie", "vt"], policy=P)
    assert not free.blocked  # without margins from elsewhere the table protects itself


def test_the_repair_loop_suppresses_a_wijk_cell_that_pins_the_rest_of_the_gemeente():
    """One wijk holds all 20 reports: its 'kinderen ja' of 20 (18-22) under a suppressed wijk total pinned
    the other wijken's '<10' to 0-3 before the audit-driven repair (found by the property test)."""
    cube = cube_of(rows_for({("BU00010001", "2024-01", "politie"): 12, ("BU00010001", "2024-01", "veilig_thuis"): 8}))
    structure, truth = structure_and_truth(cube)
    report = audit(publication(cube), structure, truth, P, exact=True)
    assert not report.errors and report.ok, [f.as_json() for f in report.leaks]


def test_audit_stacked_finds_a_region_total_that_gives_a_gemeente_back_and_passes_control_stacked():
    from zicht.areas.audit import audit_stacked
    from zicht.areas.disclosure import ControlledTable, Policy, control_stacked, control_table, published_cell

    policy = Policy()
    raw = {("a", "wel"): 80, ("a", "geen"): 320, ("c", "wel"): 8, ("c", "geen"): 7}
    own = {g: control_table({(g, c): n for (r, c), n in raw.items() if r == g}, [g], ["wel", "geen"], policy) for g in "ac"}
    published = {(g, c): own[g].cell(g, c) for g in "ac" for c in ("wel", "geen")}
    totals = {g: own[g].row_total(g) for g in "ac"}
    assert published[("c", "wel")].suppressed
    naive = ControlledTable(
        tuple("ac"),
        ("wel", "geen"),
        published,
        totals,
        {c: published_cell(sum(raw[(g, c)] for g in "ac"), "ok", policy) for c in ("wel", "geen")},
        published_cell(sum(raw.values()), "ok", policy),
        policy,
    )
    # region total 88 published as 90 minus a's 80: c's 8 is in [6, 9], fewer values than the base
    assert not audit_stacked(naive, raw, policy, "recidive", "naief").ok
    safe = control_stacked(raw, "ac", ("wel", "geen"), published, totals, policy)
    report = audit_stacked(safe, raw, policy, "recidive", "regio")
    assert report.ok and report.findings and not report.errors
