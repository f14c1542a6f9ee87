"""Veilig Thuis region membership by year, as plain data (no Django).

A gemeente belongs to one region in a given year; mergers end a membership and start a new one
(Brielle, Hellevoetsluis and Westvoorne until 2022, Voorne aan Zee from 2023). Every question
"which gemeenten does region X have" is asked for a year: scoping uses the current year, figures
the year of the figure. The rows live in ``zicht.geo.models.VtRegioGemeente``; ``zicht load-geo``
loads them from ``zicht/geo/data/vt_regios.csv`` (see docs/regions.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Membership:
    regio: str
    gemeente: str
    van_jaar: int
    tot_jaar: int | None = None

    def valid_in(self, jaar: int) -> bool:
        return self.van_jaar <= jaar and (self.tot_jaar is None or jaar <= self.tot_jaar)


def region_code(naam: str) -> str:
    """The stable key of a region name: 'Midden-Brabant' and 'midden brabant' → 'midden-brabant'."""
    return re.sub(r"[^a-z0-9]+", "-", (naam or "").strip().lower()).strip("-")


def gemeenten_of(memberships, regio: str, jaar: int) -> frozenset[str]:
    """The gemeentecodes of ``regio`` in ``jaar``."""
    return frozenset(m.gemeente for m in memberships if m.regio == regio and m.valid_in(jaar))


def regio_of(memberships, gemeente: str, jaar: int) -> str | None:
    """The region of ``gemeente`` in ``jaar`` (None when the table does not place it)."""
    for m in memberships:
        if m.gemeente == gemeente and m.valid_in(jaar):
            return m.regio
    return None


def conflicts(memberships) -> list[str]:
    """Problems in a membership table: a period that ends before it starts, or a gemeente in two
    memberships in the same year. Empty list = consistent."""
    problems = []
    by_gemeente: dict[str, list[Membership]] = defaultdict(list)
    for m in memberships:
        if m.tot_jaar is not None and m.tot_jaar < m.van_jaar:
            problems.append(f"{m.gemeente}: tot_jaar {m.tot_jaar} ligt voor van_jaar {m.van_jaar}")
        by_gemeente[m.gemeente].append(m)
    for gemeente, rows in sorted(by_gemeente.items()):
        rows = sorted(rows, key=lambda m: m.van_jaar)
        for a, b in zip(rows, rows[1:], strict=False):
            if a.tot_jaar is None or a.tot_jaar >= b.van_jaar:
                problems.append(f"{gemeente}: in {a.regio} en {b.regio} tegelijk vanaf {b.van_jaar}")
    return problems
