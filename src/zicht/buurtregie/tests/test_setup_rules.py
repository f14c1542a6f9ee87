"""Table tests of who sets up a buurtregie and what a valid set-up is (domain.setup_rules)."""

from __future__ import annotations

import pytest

from zicht.buurtregie.domain import setup_rules as r


@pytest.mark.parametrize(
    "role, functie, scope, create, manage",
    [
        ("functioneel_beheerder", None, True, True, True),
        ("functioneel_beheerder", None, False, True, False),  # another gemeente's buurtregie
        ("professional", "voorzitter", False, False, True),  # the chair, wherever the wijk lies
        ("professional", "wijkcoach", True, False, False),
        ("professional", None, True, False, False),
        ("beleidsmedewerker", None, True, False, False),
        ("ketenregisseur", None, True, False, False),
        ("privacy_officer", None, True, False, False),
        (None, None, True, False, False),
        ("beleidsmedewerker", "voorzitter", True, False, False),  # only a professional chairs
    ],
)
def test_who_creates_and_manages(role, functie, scope, create, manage):
    assert r.may_create(role) is create
    assert r.may_manage(role, functie, scope) is manage


@pytest.mark.parametrize(
    "role, has_org, already, n_errors",
    [
        ("professional", True, False, 0),
        ("professional", False, False, 1),
        ("professional", True, True, 1),
        ("beleidsmedewerker", True, False, 1),
        ("ketenregisseur", True, True, 2),
    ],
)
def test_member_errors(role, has_org, already, n_errors):
    assert len(r.member_errors(role, has_org, already)) == n_errors


@pytest.mark.parametrize(
    "functie, chairs, members, refused",
    [
        ("voorzitter", 1, 3, True),  # the last chair while others remain
        ("voorzitter", 1, 1, False),  # the last member altogether
        ("voorzitter", 2, 3, False),
        ("school", 1, 3, False),
        ("school", 0, 2, False),
    ],
)
def test_removal_errors(functie, chairs, members, refused):
    assert bool(r.removal_errors(functie, chairs, members)) is refused


@pytest.mark.parametrize("weeks, ok", [(0, False), (1, True), (2, True), (12, True), (13, False)])
def test_schedule(weeks, ok):
    assert (r.schedule_errors(weeks) == []) is ok
