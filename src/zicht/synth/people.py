"""Person mentions with a known true identity, for the linkage benchmarks and tests.

`person_records(n, seed, noise)` returns ``n`` mentions of synthetic Dutch people as partner
registrations would hold them, with the same households, names and noise model as the
partner exports (`population.observe`), but without geography files: addresses are
synthetic across the whole country so the function needs no data directory.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
from faker.providers.address.nl_NL import Provider as _NlAddress

from .names import NamePools
from .noise import Noise
from .population import Address, Household, PopulationFactory, observe

# How often one person is mentioned: most 1–4 times, a tail of repeat families up to 8.
CLUSTER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
CLUSTER_WEIGHTS = (40, 26, 15, 9, 4, 3, 2, 1)

# Which registration a mention comes from (decides BSN and date-of-birth missingness).
SOURCE_MIX = (("politie", 30), ("veilig_thuis", 38), ("advies", 10), ("wijkteam", 22))

# Household kinds among people known to domestic-violence partners.
COMPOSITION_MIX = (("gezin", 34), ("eenoudergezin", 22), ("paar", 16), ("alleenstaand", 10),
                   ("ouderen", 4), ("oudere_alleen", 3), ("ouders_volwassen_kind", 8), ("huisgenoten", 3))

MOVE_SHARE = 0.08  # households that move once; later mentions use the new address
ORIGIN_SHARES = (("nl", 0.954), ("tr", 0.023), ("ma", 0.023))  # Turkije/Marokko ≈ 2.3 % each, KWB 2017 NL

COLUMNS = ["record_id", "cluster_id", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum",
           "geslacht", "postcode", "huisnummer", "woonplaats", "bsn"]

_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def _address_maker(rng: random.Random):
    """Synthetic addresses: PC4 1000–9999 (woonplaats fixed per PC3), PC6 letters, a street per PC6."""
    cities = sorted(set(_NlAddress.cities))
    city_of_pc3: dict[int, str] = {}
    streets: list[str] = [f"{n}{s}" for n in ("Kerk", "Molen", "School", "Dorps", "Stations", "Nieuwe", "Lange",
                                                "Hoog", "Beek", "Linden", "Eiken", "Berken", "Wilhelmina",
                                                "Juliana", "Oranje", "Prins Hendrik", "Koning", "Zand", "Veld")
                          for s in ("straat", "weg", "laan", "pad", "singel", "plein", "dreef", "hof")]
    counter = {"aid": 1}

    def make() -> Address:
        pc4 = rng.randrange(1000, 10000)
        pc3 = pc4 // 10
        if pc3 not in city_of_pc3:
            city_of_pc3[pc3] = rng.choice(cities)
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
        if letters in ("SA", "SD", "SS"):
            letters = "AB"
        toev = rng.choice(("A", "B", "1", "2", "bis", "hs")) if rng.random() < 0.08 else ""
        addr = Address(counter["aid"], rng.choice(streets), 1 + int(rng.expovariate(1 / 40)) % 400, toev,
                       str(pc4), letters, city_of_pc3[pc3], "")
        counter["aid"] += 1
        return addr

    return make


def person_records(n: int, seed: int = 1, noise: float = 1.0) -> pd.DataFrame:
    """``n`` person mentions with their true identity.

    Columns (all strings except the two ids):
      record_id (int, 0..n-1, in shuffled order), cluster_id (int, the true person),
      voornamen ('Pieter Jan', 'P.J.', 'P.', may hold the surname after a swap),
      tussenvoegsel ('van der', 'vd', 'V.d.', '' — empty when moved into achternaam as
      'Berg, van den'), achternaam, geboortedatum (ISO 'jjjj-mm-dd' or None),
      geslacht ('M' / 'V' / ''), postcode ('5041 AB', '5041AB', '5041ab'),
      huisnummer (the number only, as a string), woonplaats, bsn ('' when missing; when
      present it always passes the 11-proef).

    Persons live in households (family members share address and often surname; twins share
    surname, date of birth and address), 8 % of households move once, and cluster sizes
    follow `CLUSTER_WEIGHTS` (most persons are mentioned 1–4 times). Deterministic per
    (n, seed, noise).
    """
    rng = random.Random(seed)
    pools = NamePools.build(seed)
    factory = PopulationFactory(rng, pools, date(2025, 1, 1))
    lvl = Noise(noise)
    make_address = _address_maker(rng)
    comps, comp_w = zip(*COMPOSITION_MIX)
    sources, source_w = zip(*SOURCE_MIX)
    origins, origin_w = zip(*ORIGIN_SHARES)

    voornamen, tvs, ans, dobs, sexes, pcs, nrs, places, bsns, clusters = ([] for _ in range(10))
    produced = 0
    while produced < n:
        origin = rng.choices(origins, weights=origin_w)[0]
        hh: Household = factory.household(rng.choices(comps, weights=comp_w)[0], origin)
        hh.address = make_address()
        moved = rng.random() < MOVE_SHARE
        new_address = make_address() if moved else None
        for person in hh.members:
            k = rng.choices(CLUSTER_SIZES, weights=CLUSTER_WEIGHTS)[0]
            k = min(k, n - produced)
            for i in range(k):
                address = new_address if (new_address is not None and i >= k / 2) else hh.address
                source = rng.choices(sources, weights=source_w)[0]
                o = observe(person, address, source, rng, lvl)
                voornamen.append(o.voornamen)
                tvs.append(o.tussenvoegsel)
                ans.append(o.achternaam)
                dobs.append(o.geboortedatum.isoformat() if o.geboortedatum else None)
                sexes.append(o.geslacht)
                pcs.append(o.postcode)
                nrs.append(str(o.huisnummer))
                places.append(o.woonplaats)
                bsns.append(o.bsn)
                clusters.append(person.pid)
            produced += k
            if produced >= n:
                break
    frame = pd.DataFrame({
        "cluster_id": clusters, "voornamen": voornamen, "tussenvoegsel": tvs, "achternaam": ans,
        "geboortedatum": dobs, "geslacht": sexes, "postcode": pcs, "huisnummer": nrs,
        "woonplaats": places, "bsn": bsns,
    })
    order = list(range(len(frame)))
    rng.shuffle(order)
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "record_id", range(len(frame)))
    return frame[COLUMNS]
