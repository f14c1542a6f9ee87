"""Dense synthetic data: the people of one Dutch city instead of the whole country (issue 16).

Why: blocking that is near-linear on records spread over the country (every PC4, the whole
surname tail) can be quadratic in one city, where many records share a postcode area, a
woonplaats and the common surnames. ``person_records(..., density="city")`` draws addresses
in ``CITY_PC4`` areas of one woonplaats (a city of about 600,000 inhabitants has some 80 PC4
areas) and surnames from the national pool with its tail (about 2,500 names) cut to ``CITY_TAIL``: the common
surnames (de Jong, Jansen, de Vries, van den Berg, …) keep their real national frequencies,
the rest of the probability goes to fewer distinct names, as in one city's population.
"""

from __future__ import annotations

import dataclasses
import itertools
import random

from .names import COMMON_SURNAMES, NamePools, WeightedPool
from .population import Address

DENSITIES = ("country", "city")
CITY = "Rotterdam"
CITY_PC4 = tuple(range(3011, 3091))  # 80 PC4 areas of one city
CITY_TAIL = 1_500  # distinct uncommon surnames drawn for one city (an assumption; the national pool has ~2,500)
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_STREETS = [
    f"{a}{b}"
    for a in ("Kerk", "Molen", "Haven", "Maas", "Schie", "Linker", "Oranje", "Prins", "Noord", "Zuid")
    for b in ("straat", "weg", "laan", "kade", "singel", "plein")
]


def city_pools(pools: NamePools) -> NamePools:
    """The same pools with the Dutch surname tail cut to ``CITY_TAIL`` names (same total weight)."""
    dutch = pools.dutch_surnames
    weights = [b - a for a, b in zip([0.0, *dutch.cum_weights[:-1]], dutch.cum_weights)]
    common = len(COMMON_SURNAMES)
    head_items, head_w = dutch.items[:common], weights[:common]
    tail_items, tail_w = dutch.items[common : common + CITY_TAIL], weights[common : common + CITY_TAIL]
    scale = sum(weights[common:]) / sum(tail_w) if tail_w else 0.0
    kept = WeightedPool(head_items + tail_items, list(itertools.accumulate(head_w + [w * scale for w in tail_w])))
    return dataclasses.replace(pools, dutch_surnames=kept)


def city_address_maker(rng: random.Random):
    """Addresses in ``CITY_PC4`` of one woonplaats: PC6 letters and house numbers as in a city."""
    counter = {"aid": 1}

    def make() -> Address:
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
        if letters in ("SA", "SD", "SS"):
            letters = "AB"
        addr = Address(
            counter["aid"], rng.choice(_STREETS), 1 + int(rng.expovariate(1 / 60)) % 300, "", str(rng.choice(CITY_PC4)), letters, CITY, ""
        )
        counter["aid"] += 1
        return addr

    return make
