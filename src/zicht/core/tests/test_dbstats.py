"""core.dbstats: autovacuum's analyse rule applied right after a step's writes; core.stageclock."""

from __future__ import annotations

import time

import pytest

from zicht.core import stageclock
from zicht.core.dbstats import stale


@pytest.mark.parametrize(
    ("known_rows", "written", "expected"),
    [
        (-1, 1, True),  # never analysed: any write
        (-1, 0, False),  # nothing written: nothing to do
        (0, 50, False),  # an empty table's statistics: autovacuum's base threshold of 50 rows
        (0, 51, True),
        (20_000, 2_050, False),  # 50 + 10 % of 20,000 = 2,050
        (20_000, 2_051, True),
        (200_000, 10_000, False),  # a delivery of 10,000 into 200,000: the delivery's cost stays its own
        (1_000_000, 200_000, True),
        (5_000, -3, False),
    ],
)
def test_stale_is_autovacuums_rule(known_rows, written, expected):
    assert stale(known_rows, written) is expected


def test_clock_splits_wall_cpu_and_server_seconds(monkeypatch):
    server = iter([10.0, 10.5, 11.0, 11.0, 12.5, 12.75])  # the probe, read at each start and stop in turn
    monkeypatch.setattr(stageclock, "server_cpu", lambda: next(server))
    clock = stageclock.Clock()
    with clock.stage("transaction"):
        with clock.stage("a"):
            pass
        clock.start("b")
        clock.stop("b")
    clock.rest("transaction", "commit")
    figures = clock.figures()
    # transaction 10.0 → 12.75 = 2.75; a 0.5 and b 1.5 inside it: 0.75 left for the commit
    assert figures["server_cpu_seconds"] == {"a": 0.5, "b": 1.5, "commit": 0.75}
    assert set(figures["cpu_seconds"]) == {"a", "b", "commit"} and "transaction" not in figures


def test_clock_without_a_probe_reports_no_server_column(monkeypatch):
    monkeypatch.setattr(stageclock, "server_cpu", None)
    clock = stageclock.Clock()
    with clock.stage("sleep"):
        time.sleep(0.01)
    figures = clock.figures()
    assert figures["sleep"] >= 0.01 and "server_cpu_seconds" not in figures
    assert stageclock.server_seconds() is None


def test_clock_laps_charge_each_step_what_passed_since_the_previous_one(monkeypatch):
    server = iter([1.0, 1.25, 2.0, 2.0, 3.5])  # mark, lap a, lap b, mark, lap a
    monkeypatch.setattr(stageclock, "server_cpu", lambda: next(server))
    clock = stageclock.Clock()
    clock.mark()
    clock.lap("a")
    clock.lap("b")
    clock.mark()
    clock.lap("a")  # stages of one name add up over marks (colour: one mark per chunk)
    assert clock.figures()["server_cpu_seconds"] == {"a": 1.75, "b": 0.75}
