"""Signal stacking (verwijsindex): when is a signal active, and when do signals match.

Rules (domain brief §5, Jeugdwet art. 7.1.4.5): a signal says only *that* an organisation is
involved; it ends at withdrawal, at most ``expiry_years`` after registration, and — for the
Verwijsindex target group — at the ``age_limit_years`` birthday. Signals of at least
``min_organisations`` different organisations on the same (linked) person or household match.
Pure: no Django, so the rules can be read and tested on their own.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from zicht.access.roles import N_, dutch
from zicht.core.dates import add_years, age_on


@dataclass(frozen=True)
class StackingRules:
    version: str = "2026.1"
    expiry_years: int = 2
    age_limit_years: int = 23
    adult_legal_basis: str = ""
    min_organisations: int = 2


def parse_rules(text: str) -> StackingRules:
    data = tomllib.loads(text).get("signalen", {})
    rules = StackingRules(
        version=str(data.get("version", "onbekend")),
        expiry_years=int(data.get("expiry_years", 2)),
        age_limit_years=int(data.get("age_limit_years", 23)),
        adult_legal_basis=str(data.get("adult_legal_basis", "")),
        min_organisations=int(data.get("min_organisations", 2)),
    )
    if rules.expiry_years < 1 or rules.min_organisations < 2:
        raise ValueError("expiry_years ≥ 1 en min_organisations ≥ 2 zijn verplicht")
    return rules


@dataclass(frozen=True)
class SignalFact:
    id: int
    organisation_id: int
    datum: date
    person_key: int | None = None  # linked person
    household_keys: frozenset[int] = frozenset()
    withdrawn_on: date | None = None
    birth_date: date | None = None
    expires_on: date | None = None  # stored at registration; wins over recomputing from birth_date


@dataclass(frozen=True)
class Match:
    level: str  # "persoon" or "huishouden"
    subject_id: int
    signal_ids: tuple[int, ...]
    organisation_ids: tuple[int, ...]


def is_adult_signal(birth_date: date | None, datum: date, rules: StackingRules) -> bool:
    return birth_date is not None and rules.age_limit_years > 0 and age_on(birth_date, datum) >= rules.age_limit_years


def may_register(birth_date: date | None, datum: date, rules: StackingRules, tr: Callable[[str], str] = dutch) -> tuple[bool, str]:
    """Whether a signal may be registered at all; adults only with an explicit legal basis.
    The reason is Dutch unless a page passes ``tr=gettext``."""
    _ = tr
    if is_adult_signal(birth_date, datum, rules) and not rules.adult_legal_basis:
        return False, _(
            "De verwijsindex geldt voor jeugdigen tot %(age)d jaar. Voor volwassenen is een aparte "
            "grondslag nodig (convenant); die is in deze regio niet vastgelegd."
        ) % {"age": rules.age_limit_years}
    return True, ""


def expiry_date(datum: date, birth_date: date | None, rules: StackingRules) -> date:
    """The first day the signal is no longer active."""
    end = add_years(datum, rules.expiry_years)
    if birth_date is not None and rules.age_limit_years > 0 and not is_adult_signal(birth_date, datum, rules):
        end = min(end, add_years(birth_date, rules.age_limit_years))
    return end


def is_active(signal: SignalFact, today: date, rules: StackingRules) -> bool:
    """THE active-signal rule: registered on or before ``today``, not withdrawn on or before
    ``today``, and ``today`` before the expiry day (the expiry day itself no longer counts).

    ``Signal.objects.active(today)`` and ``Signal.active_sql`` state the same rule for the
    database; ``tests/test_active_signal.py`` checks that all three agree.
    """
    if signal.withdrawn_on is not None and signal.withdrawn_on <= today:
        return False
    if signal.datum > today:
        return False
    end = signal.expires_on or expiry_date(signal.datum, signal.birth_date, rules)
    return today < end


ACTIEF, INGETROKKEN, VERLOPEN = "actief", "ingetrokken", "verlopen"
STATUS_LABELS = {ACTIEF: N_("Actief"), INGETROKKEN: N_("Ingetrokken"), VERLOPEN: N_("Verlopen")}


def status(signal: SignalFact, today: date, rules: StackingRules) -> str:
    """One word for a professional's own signal: 'ingetrokken' once withdrawn, else 'actief' or 'verlopen'."""
    if signal.withdrawn_on is not None:
        return INGETROKKEN
    return ACTIEF if is_active(signal, today, rules) else VERLOPEN


def _group_match(level: str, key: int, signals: list[SignalFact], rules: StackingRules) -> Match | None:
    orgs = sorted({s.organisation_id for s in signals})
    if len(orgs) < rules.min_organisations:
        return None
    return Match(level, key, tuple(sorted(s.id for s in signals)), tuple(orgs))


def find_matches(signals, today: date, rules: StackingRules) -> list[Match]:
    """Person-level matches, then household-level matches that add an organisation pair not already matched."""
    active = [s for s in signals if is_active(s, today, rules)]
    by_person: dict[int, list[SignalFact]] = {}
    by_household: dict[int, list[SignalFact]] = {}
    for s in active:
        if s.person_key is not None:
            by_person.setdefault(s.person_key, []).append(s)
        for h in s.household_keys:
            by_household.setdefault(h, []).append(s)
    matches = [m for key, group in sorted(by_person.items()) if (m := _group_match("persoon", key, group, rules))]
    person_pairs = {pair for m in matches for pair in combinations(m.organisation_ids, 2)}
    for key, group in sorted(by_household.items()):
        match = _group_match("huishouden", key, group, rules)
        if match and set(combinations(match.organisation_ids, 2)) - person_pairs:
            matches.append(match)
    return matches


def counterparts(match: Match, organisation_id: int) -> tuple[int, ...]:
    """The other organisations a professional of ``organisation_id`` is told about (nothing else)."""
    if organisation_id not in match.organisation_ids:
        return ()
    return tuple(o for o in match.organisation_ids if o != organisation_id)
