"""Planted effects: a known reduction of cases in one wijk from a date, for the effect estimator's ground truth.

``--effect WK085517:-25%:2025-01-01:partnergeweld`` removes each case of that aard (all aarden when
left out) in the wijk whose first event falls on or after the date with probability 25%, using its
own random stream so the rest of the data stays the same. Only reductions can be planted (adding
cases would need the case builder). The manifest records each effect with the cases removed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

# Registry aard codes as a user types them → the generator's case aard keys.
AARD_KEYS = {
    "partnergeweld": "partner",
    "ex_partnergeweld": "ex_partner",
    "kindermishandeling": "km",
    "geweld_tegen_ouders": "gto",
    "ouderenmishandeling": "ouderen",
    "hg_overig": "overig",
}


@dataclass(frozen=True)
class PlantedEffect:
    wijk: str
    change: float  # e.g. -0.25
    start: date
    aard: str | None = None  # generator key (partner, km, …) or None for all

    def as_dict(self) -> dict:
        return {"wijk": self.wijk, "change": self.change, "start": self.start.isoformat(), "aard": self.aard}


def parse_effect(text: str) -> PlantedEffect:
    """'WK085517:-25%:2025-01-01[:aard]' → PlantedEffect (ValueError with a plain reason otherwise)."""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise ValueError("effect: gebied:verandering%:jjjj-mm-dd[:aard]")
    wijk, change, start = parts[0].strip(), parts[1].strip().rstrip("%"), parts[2].strip()
    try:
        value = float(change.replace(",", ".")) / 100
        day = date.fromisoformat(start)
    except ValueError as exc:
        raise ValueError("effect: verandering als -25% en datum als jjjj-mm-dd") from exc
    if not -1 < value < 0:
        raise ValueError("effect: alleen een afname tussen 0% en -100% kan worden geplant")
    aard = None
    if len(parts) == 4 and parts[3].strip():
        key = parts[3].strip()
        aard = AARD_KEYS.get(key, key)
        if aard not in AARD_KEYS.values():
            raise ValueError(f"effect: onbekende aard {key}")
    return PlantedEffect(wijk, value, day, aard)


def plant(cases: list, wijk_of_buurt: list[str], effects: list[PlantedEffect], seed: int) -> tuple[list, list[int]]:
    """The cases that remain, and per effect the number removed. ``wijk_of_buurt[i]``: wijk code of buurt i."""
    rng = random.Random(seed)
    removed = [0] * len(effects)
    kept = []
    for case in cases:
        first = min((ev.day for ev in case.events), default=None)
        drop = False
        for i, effect in enumerate(effects):
            if (
                first is not None
                and first >= effect.start
                and wijk_of_buurt[case.buurt_index] == effect.wijk
                and (effect.aard is None or case.aard == effect.aard)
                and rng.random() < -effect.change
            ):
                removed[i] += 1
                drop = True
                break
        if not drop:
            kept.append(case)
    return kept, removed
