"""Synthetic organisations with a meldcode status, for the organisation map's tests and benchmark.

``organisation_rows(gemeenten, n=1600, seed=1)`` makes ``n`` invented organisations (names such as
"Kinderopvang De Linde 17", never a real organisation) spread over the given gemeente codes, with
sector, traffic light and ja/nee/onbekend status columns under the column names of the
``meldcodekaart`` profile (zicht/prevention/data/organisatieprofielen). Framework-free.
"""

from __future__ import annotations

import random

COLUMNS = [
    "organisatie_id",
    "naam",
    "sector",
    "gemeente",
    "stoplicht",
    "meldcode",
    "aandachtsfunctionaris",
    "aandachtsfunctionaris_getraind",
    "medewerkers_getraind",
    "peildatum",
]

# (file spelling of the sector, name prefix, weight): roughly the mix of a GGD inventory.
SECTORS = [
    ("basisonderwijs", "Basisschool", 18),
    ("voortgezet onderwijs", "Scholengemeenschap", 4),
    ("kinderopvang", "Kinderopvang", 16),
    ("huisarts", "Huisartsenpraktijk", 12),
    ("gezondheidszorg", "Zorgcentrum", 6),
    ("jeugdzorg", "Jeugdhulp", 7),
    ("wmo", "Buurtteam", 5),
    ("ouderen", "Woonzorg", 8),
    ("gehandicaptenzorg", "Dagbesteding", 5),
    ("sportvereniging", "Sportvereniging", 14),
    ("justitie", "Reclassering", 1),
    ("azc", "Opvanglocatie", 1),
    ("overig", "Stichting", 3),
]
NAMES = ["De Linde", "Het Anker", "De Vlinder", "Zonnehoek", "De Brug", "Klavertje", "Het Baken", "De Horizon", "Maasoever", "Heuvelland"]


def _status(rng: random.Random, p: float) -> str:
    r = rng.random()
    return "ja" if r < p else ("nee" if r < p + (1 - p) * 0.7 else "onbekend")


def organisation_rows(gemeenten: list[str], n: int = 1600, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    weights = [w for _, _, w in SECTORS]
    rows = []
    for i in range(n):
        sector, prefix, _ = rng.choices(SECTORS, weights)[0]
        meldcode = _status(rng, 0.8 if sector != "sportvereniging" else 0.3)
        af = _status(rng, 0.75) if meldcode == "ja" else rng.choice(["nee", "onbekend"])
        trained = _status(rng, 0.6) if af == "ja" else rng.choice(["nee", "onbekend"])
        stoplicht = rng.choices(["groen", "oranje", "rood", ""], [60, 25, 2, 13])[0]
        rows.append(
            {
                "organisatie_id": f"syn-org-{i + 1:05d}",
                "naam": f"{prefix} {rng.choice(NAMES)} {i + 1}",
                "sector": sector,
                "gemeente": gemeenten[i % len(gemeenten)] if i < len(gemeenten) else rng.choice(gemeenten),
                "stoplicht": stoplicht,
                "meldcode": meldcode,
                "aandachtsfunctionaris": af,
                "aandachtsfunctionaris_getraind": trained,
                "medewerkers_getraind": _status(rng, 0.4),
                "peildatum": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return rows
