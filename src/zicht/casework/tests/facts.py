"""Report facts on a fixed day, shared by the table-driven colour and worklist tests."""

from __future__ import annotations

from datetime import date, timedelta

from zicht.casework.domain.colour import ReportFact

TODAY = date(2026, 6, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def rep(i, days, source="politie", **kw):
    return ReportFact(id=i, datum=ago(days), source=source, **kw)
