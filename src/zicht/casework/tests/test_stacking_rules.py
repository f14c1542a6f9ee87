"""Verwijsindex rules, table-driven: expiry, withdrawal, age limit and when signals match."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.casework.domain.stacking import (
    SignalFact,
    StackingRules,
    counterparts,
    expiry_date,
    find_matches,
    is_active,
    may_register,
    parse_rules,
)

RULES = StackingRules()
TODAY = date(2026, 6, 1)
CHILD = date(2015, 3, 10)


def sig(i, org, datum=date(2026, 1, 10), person=None, households=(), withdrawn=None, born=CHILD):
    return SignalFact(i, org, datum, person, frozenset(households), withdrawn, born)


ACTIVE = [
    ("new signal", sig(1, 1), TODAY, True),
    ("registered today", sig(1, 1, datum=TODAY), TODAY, True),
    ("dated in the future", sig(1, 1, datum=date(2026, 7, 1)), TODAY, False),
    ("one day before two years", sig(1, 1, datum=date(2024, 6, 2)), TODAY, True),
    ("exactly two years", sig(1, 1, datum=date(2024, 6, 1)), TODAY, False),
    ("more than two years", sig(1, 1, datum=date(2023, 1, 1)), TODAY, False),
    ("withdrawn today", sig(1, 1, withdrawn=TODAY), TODAY, False),
    ("withdrawn later (future)", sig(1, 1, withdrawn=date(2026, 7, 1)), TODAY, True),
    ("turned 23 yesterday", sig(1, 1, born=date(2003, 5, 31)), TODAY, False),
    ("turns 23 tomorrow", sig(1, 1, born=date(2003, 6, 2)), TODAY, True),
    ("no date of birth", sig(1, 1, born=None), TODAY, True),
]


@pytest.mark.parametrize("name,signal,today,active", ACTIVE, ids=[a[0] for a in ACTIVE])
def test_is_active(name, signal, today, active):
    assert is_active(signal, today, RULES) is active


def test_leap_day_expiry():
    assert expiry_date(date(2024, 2, 29), None, RULES) == date(2026, 2, 28)


def test_expiry_is_the_earlier_of_two_years_and_23rd_birthday():
    assert expiry_date(date(2026, 1, 1), date(2004, 6, 1), RULES) == date(2027, 6, 1)
    assert expiry_date(date(2026, 1, 1), date(2010, 6, 1), RULES) == date(2028, 1, 1)


REGISTER = [
    ("child", date(2015, 1, 1), RULES, True),
    ("22 years", date(2004, 1, 1), RULES, True),
    ("23 years without basis", date(2003, 1, 1), RULES, False),
    ("adult with a convenant", date(1980, 1, 1), StackingRules(adult_legal_basis="Convenant ZVH art. 4"), True),
    ("age unknown", None, RULES, True),
]


@pytest.mark.parametrize("name,born,rules,ok", REGISTER, ids=[r[0] for r in REGISTER])
def test_may_register(name, born, rules, ok):
    assert may_register(born, TODAY, rules)[0] is ok


MATCHES = [
    ("one signal", [sig(1, 10, person=5)], []),
    ("same organisation twice is not a match", [sig(1, 10, person=5), sig(2, 10, person=5)], []),
    ("two organisations, same person", [sig(1, 10, person=5), sig(2, 20, person=5)], [("persoon", 5, (1, 2), (10, 20))]),
    ("two organisations, different persons", [sig(1, 10, person=5), sig(2, 20, person=6)], []),
    ("one of two expired", [sig(1, 10, person=5, datum=date(2024, 6, 1)), sig(2, 20, person=5)], []),
    ("one of two withdrawn", [sig(1, 10, person=5, withdrawn=date(2026, 5, 1)), sig(2, 20, person=5)], []),
    (
        "household-level match",
        [sig(1, 10, person=5, households=[9]), sig(2, 20, person=6, households=[9])],
        [("huishouden", 9, (1, 2), (10, 20))],
    ),
    (
        "person match is not repeated at household level",
        [sig(1, 10, person=5, households=[9]), sig(2, 20, person=5, households=[9])],
        [("persoon", 5, (1, 2), (10, 20))],
    ),
    (
        "three organisations",
        [sig(1, 10, person=5), sig(2, 20, person=5), sig(3, 30, person=5)],
        [("persoon", 5, (1, 2, 3), (10, 20, 30))],
    ),
    (
        "household adds a third organisation",
        [sig(1, 10, person=5, households=[9]), sig(2, 20, person=5, households=[9]), sig(3, 30, person=6, households=[9])],
        [("persoon", 5, (1, 2), (10, 20)), ("huishouden", 9, (1, 2, 3), (10, 20, 30))],
    ),
    ("unlinked signals never match", [sig(1, 10), sig(2, 20)], []),
]


@pytest.mark.parametrize("name,signals,expected", MATCHES, ids=[m[0] for m in MATCHES])
def test_find_matches(name, signals, expected):
    found = [(m.level, m.subject_id, m.signal_ids, m.organisation_ids) for m in find_matches(signals, TODAY, RULES)]
    assert found == expected


def test_counterparts_tell_only_the_other_organisations():
    (match,) = find_matches([sig(1, 10, person=5), sig(2, 20, person=5), sig(3, 30, person=5)], TODAY, RULES)
    assert counterparts(match, 10) == (20, 30)
    assert counterparts(match, 99) == ()


def test_parse_rules_refuses_a_one_organisation_match():
    assert parse_rules("[signalen]\nexpiry_years = 1\n").expiry_years == 1
    with pytest.raises(ValueError):
        parse_rules("[signalen]\nmin_organisations = 1\n")
