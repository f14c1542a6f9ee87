"""Witte vlekken: risk groups and bouwstenen nobody covers (seed 000 §4.1 'stand van zaken').

Seed 000 asks where the white spots are "als we de risicogroepen naast het aanbod leggen"; seed 003
asks which partners contribute to which bouwsteen. Both comparisons are plain set arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zicht.areas.risk_factors import RISK_FACTORS

from .bouwstenen import BOUWSTEEN_CODES, FACTOR_BOUWSTENEN


@dataclass
class Gaps:
    bouwstenen_zonder_partner: list[str] = field(default_factory=list)  # no organisation contributes
    bouwstenen_zonder_partnertype: list[str] = field(default_factory=list)  # the matrix has no tick
    risicofactoren_zonder_aanbod: list[str] = field(default_factory=list)  # no organisation offers anything
    risicofactoren_zonder_bouwsteenpartner: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(vars(self).values())


def bouwsteen_gaps(contributions: dict[str, set[str]]) -> list[str]:
    """Bouwstenen to which no organisation (key) contributes, in handreiking order."""
    covered = set().union(*contributions.values()) if contributions else set()
    return [b for b in BOUWSTEEN_CODES if b not in covered]


def risk_factor_gaps(factors: list[str], offered_factors: dict[str, set[str]]) -> list[str]:
    """Risk factors for which no organisation offers an intervention addressing it (or a related factor)."""
    covered = set().union(*offered_factors.values()) if offered_factors else set()
    gaps = []
    for code in factors:
        targets = {code, *RISK_FACTORS[code].related}
        if not targets & covered:
            gaps.append(code)
    return gaps


def factor_bouwsteen_gaps(factors: list[str], contributions: dict[str, set[str]]) -> list[str]:
    """Risk factors whose bouwstenen (seed 003) have no contributing organisation at all."""
    covered = set().union(*contributions.values()) if contributions else set()
    return [c for c in factors if FACTOR_BOUWSTENEN.get(c) and not set(FACTOR_BOUWSTENEN[c]) & covered]


def find_gaps(
    factors: list[str],
    contributions: dict[str, set[str]],
    offered_factors: dict[str, set[str]],
    matrix: dict[str, set[str]] | None = None,
) -> Gaps:
    """All white spots at once. ``factors``: the risk groups that matter (e.g. elevated in the area)."""
    gaps = Gaps(
        bouwstenen_zonder_partner=bouwsteen_gaps(contributions),
        risicofactoren_zonder_aanbod=risk_factor_gaps(factors, offered_factors),
        risicofactoren_zonder_bouwsteenpartner=factor_bouwsteen_gaps(factors, contributions),
    )
    if matrix is not None:
        gaps.bouwstenen_zonder_partnertype = bouwsteen_gaps(matrix)
    return gaps
