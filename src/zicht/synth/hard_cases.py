"""The linkage hard cases in the partner exports of `zicht synth` (issue 16).

The exports already hold the population's twins and sons named after their father
(``PopulationFactory.same_name_sons``). This module adds, so the demo and the tests see them:

- **namesakes**: an adult who gets the given names, surname and date of birth of an earlier
  adult of the same sex elsewhere in the gemeente (another household: no relation);
- **a parent's BSN on a child's registration** and **transposed BSN digits**, at the per-source
  rates of ``zicht.synth.people`` (one set of assumed rates for both generators).

Each hard case is drawn from a random stream of its own and decided after the rest of a row
is made, so every other value of the exports stays as it was. Pairs of different people go
to ``factory.hard_pairs`` (written to ``hard_negatives.csv``); ``counts`` holds the BSN errors.

Use (``generate.generate``): ``hard = ExportHardCases.install(factory, seed)`` once, then
``row = hard.row(source, row, header, truth)`` for each written row.
"""

from __future__ import annotations

import random

from .people import PARENT_BSN_RATES, TRANSPOSED_BSN_RATES, transpose_bsn
from .population import Household, Person, PopulationFactory

# Households whose first adult becomes the namesake of an earlier adult (same sex) in the gemeente.
# An assumption, and far above the real rate on purpose: the exports of one gemeente must hold
# enough namesakes to count how many the linkage merges.
NAMESAKE_SHARE = 0.01
_KIDS = ("kind", "volwassen_kind")
# the source name in a row's truth -> the rate key of people.PARENT_BSN_RATES / TRANSPOSED_BSN_RATES
_RATE_KEY = {"politie": "politie", "veilig_thuis": "veilig_thuis", "wijkteam": "wijkteam"}


class ExportHardCases:
    def __init__(self, factory: PopulationFactory, seed: int):
        self.factory = factory
        self.rng = random.Random(seed * 15485863 + 29)  # a stream of its own: the other rows stay as they were
        self.persons: dict[int, Person] = {}
        self.parents: dict[int, list[Person]] = {}  # household id -> its adults
        self.adults: dict[str, list[Person]] = {"M": [], "V": []}
        self.counts = {"namesake_dob": 0, "parent_bsn": 0, "transposed": 0}

    @classmethod
    def install(cls, factory: PopulationFactory, seed: int) -> ExportHardCases:
        """Wrap ``factory.household`` so each new household passes ``on_household``."""
        hard = cls(factory, seed)
        make = factory.household

        def household(composition: str, origin: str = "nl") -> Household:
            hh = make(composition, origin)
            hard.on_household(hh)
            return hh

        factory.household = household
        return hard

    def on_household(self, hh: Household) -> None:
        adults = [p for p in hh.members if p.role not in _KIDS]
        for p in hh.members:
            self.persons[p.pid] = p
        self.parents[hh.hid] = adults
        if adults and self.rng.random() < NAMESAKE_SHARE:
            person = adults[0]
            earlier = self.adults[person.sex]
            if earlier:
                model = self.rng.choice(earlier)
                person.voornamen, person.dob = model.voornamen, model.dob
                person.tussenvoegsel, person.achternaam = model.tussenvoegsel, model.achternaam
                self.factory.hard_pairs.append((model.pid, person.pid, "namesake_dob"))
                self.counts["namesake_dob"] += 1
        for p in adults:
            self.adults[p.sex].append(p)

    def row(self, source: str, row: list, header, truth: tuple) -> list:
        """The row with a BSN error where the rates say so (``truth`` = (source, record, pid, hid, ...))."""
        col = next((i for i, h in enumerate(header) if str(h).lower() == "bsn"), None)
        if col is None or not row[col]:
            return row
        key = _RATE_KEY.get(source, source)
        person = self.persons.get(truth[2])
        parents = [p for p in self.parents.get(truth[3], []) if person is None or p.pid != person.pid]
        draw = self.rng.random()
        if person is not None and person.role in _KIDS and parents and draw < PARENT_BSN_RATES[key]:
            parent = self.rng.choice(parents)
            row = list(row)
            row[col] = parent.bsn
            self.factory.hard_pairs.append((person.pid, parent.pid, "parent_bsn"))
            self.counts["parent_bsn"] += 1
        elif self.rng.random() < TRANSPOSED_BSN_RATES[key]:
            row = list(row)
            row[col] = transpose_bsn(str(row[col]), self.rng)
            self.counts["transposed"] += 1
        return row
