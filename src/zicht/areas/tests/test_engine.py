"""DuckDB aggregation and the repeat-report rule, on small Arrow tables (no database)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from zicht.areas.engine import SCHEMA, ReportCube


def cube(rows):
    cols = {name: [] for name in SCHEMA.names}
    for i, (buurt, datum, address, aard) in enumerate(rows):
        values = {
            "report_id": i,
            "buurt": buurt,
            "wijk": "WK" + buurt[2:8],
            "gemeente": "GM" + buurt[2:6],
            "datum": datum,
            "kind": "melding",
            "bron": "veilig_thuis",
            "aard": aard,
            "relatie": "partner",
            "kinderen": None,
            "address_id": address,
        }
        for k in cols:
            cols[k].append(values[k])
    return ReportCube(pa.table(cols, schema=SCHEMA))


B = "BU08551701"


@pytest.mark.parametrize(
    "dates, address, expected_repeats",
    [
        ([date(2024, 1, 1)], 1, 0),  # a first report
        ([date(2024, 1, 1), date(2024, 6, 1)], 1, 1),  # within 12 months
        ([date(2024, 1, 1), date(2024, 12, 31)], 1, 1),  # day 365 still counts
        ([date(2023, 1, 1), date(2024, 1, 2)], 1, 0),  # 366 days later: a new first report
        ([date(2024, 1, 1), date(2024, 1, 1)], 1, 0),  # same day (two sources, one incident)
        ([date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)], 1, 2),
        ([date(2024, 1, 1), date(2024, 2, 1)], None, 0),  # no known address: never a repeat
    ],
)
def test_repeat_rule(dates, address, expected_repeats):
    c = cube([(B, d, address, "kindermishandeling") for d in dates])
    assert c.counts(["repeat"]).get(("herhaald",), 0) == expected_repeats


def test_repeat_is_per_address():
    c = cube([(B, date(2024, 1, 1), 1, "x"), (B, date(2024, 2, 1), 2, "x")])
    assert c.counts(["repeat"]) == {("eerste",): 2}


def test_counts_by_dimensions_period_and_filters():
    c = cube(
        [
            (B, date(2024, 1, 5), 1, "kindermishandeling"),
            (B, date(2024, 1, 20), 2, "ex_partnergeweld"),
            ("BU08551801", date(2024, 3, 1), 3, "kindermishandeling"),
            (B, date(2023, 12, 31), 4, "kindermishandeling"),
        ]
    )
    assert c.counts(["month", "aard"], where={"wijk": "WK085517"}, start=date(2024, 1, 1), end=date(2025, 1, 1)) == {
        ("2024-01", "kindermishandeling"): 1,
        ("2024-01", "ex_partnergeweld"): 1,
    }
    assert c.counts(["wijk"]) == {("WK085517",): 3, ("WK085518",): 1}
    assert c.counts([], where={"aard": ["kindermishandeling"]}) == {(): 3}
    assert c.months() == ["2023-12", "2024-01", "2024-02", "2024-03"]
    assert c.years() == [2023, 2024]


@pytest.mark.parametrize("bad", [["naam"], ["buurt; DROP TABLE reports"]])
def test_unknown_dimensions_never_reach_sql(bad):
    with pytest.raises(ValueError):
        cube([(B, date(2024, 1, 1), 1, "x")]).counts(bad)


def test_unknown_filter_is_refused():
    with pytest.raises(ValueError):
        cube([(B, date(2024, 1, 1), 1, "x")]).counts(["wijk"], where={"address_id": 1})
