"""The linkage hard cases in the partner exports (issue 16): namesakes and BSN errors."""

import random
from datetime import date

from zicht.synth import hard_cases
from zicht.synth.hard_cases import ExportHardCases
from zicht.synth.names import NamePools
from zicht.synth.population import PopulationFactory
from zicht.synth.writers import POLITIE_HEADER


def _factory():
    return PopulationFactory(random.Random(3), NamePools.build(3), date(2025, 1, 1))


def test_namesakes_copy_names_and_date_of_birth_of_an_earlier_adult(monkeypatch):
    monkeypatch.setattr(hard_cases, "NAMESAKE_SHARE", 1.0)
    factory = _factory()
    hard = ExportHardCases.install(factory, seed=3)
    households = [factory.household("alleenstaand") for _ in range(40)]
    pairs = [(a, b) for a, b, kind in factory.hard_pairs if kind == "namesake_dob"]
    assert pairs and hard.counts["namesake_dob"] == len(pairs)
    people = {p.pid: p for hh in households for p in hh.members}
    for a, b in pairs:
        x, y = people[a], people[b]
        assert x.hid != y.hid and x.bsn != y.bsn  # two people
        assert (x.voornamen, x.achternaam, x.tussenvoegsel, x.dob, x.sex) == (y.voornamen, y.achternaam, y.tussenvoegsel, y.dob, y.sex)


def test_a_childs_row_carries_a_parents_bsn_at_the_source_rate(monkeypatch):
    monkeypatch.setitem(hard_cases.PARENT_BSN_RATES, "politie", 1.0)
    factory = _factory()
    hard = ExportHardCases.install(factory, seed=3)
    hh = factory.household("gezin")
    kid = next(p for p in hh.members if p.role == "kind")
    parents = {p.bsn for p in hh.members if p.role == "ouder"}
    col = POLITIE_HEADER.index("BSN")
    row = [""] * len(POLITIE_HEADER)
    row[col] = kid.bsn
    out = hard.row("politie", row, POLITIE_HEADER, ("politie", "PL-1", kid.pid, hh.hid, "", "kind"))
    assert out[col] in parents
    assert row[col] == kid.bsn  # the input row is not changed in place
    assert any(k == "parent_bsn" and a == kid.pid for a, _, k in factory.hard_pairs)


def test_transposed_bsn_and_rows_without_bsn(monkeypatch):
    monkeypatch.setitem(hard_cases.TRANSPOSED_BSN_RATES, "politie", 1.0)
    factory = _factory()
    hard = ExportHardCases.install(factory, seed=3)
    hh = factory.household("alleenstaand")
    person = hh.members[0]
    col = POLITIE_HEADER.index("BSN")
    row = [""] * len(POLITIE_HEADER)
    truth = ("politie", "PL-1", person.pid, hh.hid, "", "pleger")
    assert hard.row("politie", row, POLITIE_HEADER, truth) == row  # no BSN: nothing to get wrong
    row[col] = person.bsn
    out = hard.row("politie", row, POLITIE_HEADER, truth)
    assert out[col] != person.bsn and sorted(out[col]) == sorted(person.bsn)
    assert hard.counts["transposed"] == 1
