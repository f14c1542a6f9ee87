"""Table tests of the buurtregie's pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.buurtregie.domain import rules as regie_rules

WIJK, OTHER_WIJK = 1, 2
SCHOOL, WIJKTEAM, POLITIE, GGD = 10, 11, 12, 13


def fact(orgs, wijken=(WIJK,), active=True):
    return regie_rules.MatchFact(1, active, frozenset(orgs), frozenset(wijken))


@pytest.mark.parametrize(
    "match,members,expected,why",
    [
        (fact({SCHOOL, POLITIE}), {WIJKTEAM, SCHOOL}, True, "a member is involved, person lives in the wijk"),
        (fact({SCHOOL, POLITIE}), {WIJKTEAM, GGD}, False, "no member involved: not this meeting's business"),
        (fact({SCHOOL, POLITIE}, wijken=(OTHER_WIJK,)), {SCHOOL}, False, "another wijk"),
        (fact({SCHOOL, POLITIE}, wijken=(OTHER_WIJK, WIJK)), {SCHOOL}, True, "household spread over two wijken"),
        (fact({SCHOOL, POLITIE}, active=False), {SCHOOL}, False, "ended match"),
        (fact({SCHOOL}), {SCHOOL}, False, "one organisation is no match"),
        (fact({SCHOOL, POLITIE}, wijken=()), {SCHOOL}, False, "address without buurt: no wijk known"),
    ],
)
def test_which_matches_enter_the_agenda(match, members, expected, why):
    assert regie_rules.enters_agenda(match, WIJK, members) is expected, why


@pytest.mark.parametrize(
    "last,before,now,expected",
    [
        (None, (), {SCHOOL, POLITIE}, True),
        (regie_rules.VOLGEN, {SCHOOL, POLITIE}, {SCHOOL, POLITIE}, True),
        (regie_rules.GEEN_ACTIE, {SCHOOL, POLITIE}, {SCHOOL, POLITIE}, False),
        (regie_rules.MELDCODE, {SCHOOL, POLITIE}, {POLITIE, SCHOOL}, False),
        (regie_rules.CASUSOVERLEG, {SCHOOL, POLITIE}, {SCHOOL, POLITIE}, False),
        (regie_rules.GEEN_ACTIE, {SCHOOL, POLITIE}, {SCHOOL, POLITIE, GGD}, True),  # GGD joined: weigh again
        (regie_rules.GEEN_ACTIE, {SCHOOL, POLITIE, GGD}, {SCHOOL, POLITIE}, True),  # one left
    ],
)
def test_what_stays_on_the_agenda(last, before, now, expected):
    assert regie_rules.stays_on_agenda(last, before, now) is expected


@pytest.mark.parametrize(
    "outcome,reason,action,errors",
    [
        (regie_rules.GEEN_ACTIE, "Zorgen zijn al besproken met ouders", False, 0),
        (regie_rules.VOLGEN, "Volgende keer opnieuw bekijken", False, 0),
        (regie_rules.MELDCODE, "School start de Meldcode", True, 0),
        (regie_rules.MELDCODE, "School start de Meldcode", False, 1),  # who starts it, by when?
        (regie_rules.CASUSOVERLEG, "Meerdere partijen, complex", False, 1),
        (regie_rules.CASUSOVERLEG, "Meerdere partijen, complex", True, 0),
        (regie_rules.GEEN_ACTIE, "kort", False, 1),
        (regie_rules.GEEN_ACTIE, "          ", False, 1),
        ("onbekend", "Een reden van voldoende lengte", False, 1),
        (regie_rules.MELDCODE, "", False, 2),
    ],
)
def test_a_weighing_needs_a_reason_and_sometimes_an_action(outcome, reason, action, errors):
    assert len(regie_rules.weighing_errors(outcome, reason, action)) == errors


@pytest.mark.parametrize(
    "note_org,reader_org,expected",
    [(SCHOOL, SCHOOL, True), (SCHOOL, POLITIE, False), (None, SCHOOL, False), (SCHOOL, None, False), (None, None, False)],
)
def test_a_note_is_read_by_its_own_organisation_only(note_org, reader_org, expected):
    assert regie_rules.may_read_note(note_org, reader_org) is expected


@pytest.mark.parametrize(
    "due,done,today,expected",
    [
        (date(2026, 3, 1), None, date(2026, 3, 2), True),
        (date(2026, 3, 1), None, date(2026, 3, 1), False),  # the due date itself is still in time
        (date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 9), False),
        (date(2026, 3, 10), None, date(2026, 3, 9), False),
    ],
)
def test_overdue_actions(due, done, today, expected):
    assert regie_rules.is_overdue(due, done, today) is expected


@pytest.mark.parametrize(
    "first,weeks,today,expected",
    [
        (date(2026, 1, 5), 2, date(2025, 12, 1), date(2026, 1, 5)),  # before the series: the first
        (date(2026, 1, 5), 2, date(2026, 1, 5), date(2026, 1, 5)),  # the meeting day itself
        (date(2026, 1, 5), 2, date(2026, 1, 6), date(2026, 1, 19)),
        (date(2026, 1, 5), 2, date(2026, 1, 19), date(2026, 1, 19)),
        (date(2026, 1, 5), 1, date(2026, 1, 13), date(2026, 1, 19)),
        (date(2026, 1, 5), 4, date(2026, 3, 1), date(2026, 3, 2)),
    ],
)
def test_next_meeting(first, weeks, today, expected):
    assert regie_rules.next_meeting(first, weeks, today) == expected


def test_upcoming_meetings_and_a_zero_interval():
    assert regie_rules.upcoming_meetings(date(2026, 1, 5), 2, date(2026, 1, 6), 3) == [
        date(2026, 1, 19),
        date(2026, 2, 2),
        date(2026, 2, 16),
    ]
    with pytest.raises(ValueError):
        regie_rules.next_meeting(date(2026, 1, 5), 0, date(2026, 1, 6))
