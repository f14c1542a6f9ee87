"""Issue 12 item 3, pure parts: who gets into /beheer/, and how a role change reads in the log."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from zicht.access import roles
from zicht.access.adminsite import may_use_admin
from zicht.access.audit import ACCOUNT_FIELDS, PROFILE_FIELDS, describe_changes


def _user(role=None, staff=True, superuser=False, active=True):
    profile = SimpleNamespace(role=role) if role else None
    return SimpleNamespace(is_authenticated=True, is_active=active, is_staff=staff, is_superuser=superuser, zicht_profile=profile)


@pytest.mark.parametrize(
    "user,allowed",
    [
        (_user(roles.FUNCTIONEEL_BEHEERDER), True),
        (_user(superuser=True), True),
        (_user(roles.FUNCTIONEEL_BEHEERDER, staff=False), False),
        (_user(roles.FUNCTIONEEL_BEHEERDER, active=False), False),
        (_user(roles.PRIVACY_OFFICER), False),
        (_user(roles.KETENREGISSEUR), False),
        (_user(roles.PROFESSIONAL), False),
        (_user(roles.BELEIDSMEDEWERKER), False),
        (_user(), False),
    ],
)
def test_may_use_admin(user, allowed):
    assert may_use_admin(user) is allowed


@pytest.mark.parametrize(
    "before,after,fields,expected",
    [
        (
            {"role": "professional", "organisation_id": 3, "regio_id": None, "gemeente_id": None},
            {"role": "ketenregisseur", "organisation_id": 3, "regio_id": "midden-brabant", "gemeente_id": None},
            PROFILE_FIELDS,
            "role: professional → ketenregisseur; regio: — → midden-brabant",
        ),
        (
            None,
            {"role": "professional", "organisation_id": 3, "regio_id": None, "gemeente_id": None},
            PROFILE_FIELDS,
            "role: — → professional; organisation: — → 3",
        ),
        (
            {"is_active": True, "is_staff": False, "is_superuser": False},
            {"is_active": True, "is_staff": True, "is_superuser": True},
            ACCOUNT_FIELDS,
            "is_staff: nee → ja; is_superuser: nee → ja",
        ),
        (
            {"is_active": True, "is_staff": False, "is_superuser": False},
            {"is_active": True, "is_staff": False, "is_superuser": False},
            ACCOUNT_FIELDS,
            "",
        ),
    ],
)
def test_describe_changes(before, after, fields, expected):
    assert describe_changes(before, after, fields) == expected


@pytest.mark.django_db
def test_role_account_and_group_changes_outside_the_admin_are_logged_by_the_system():
    from django.contrib.auth.models import Group

    from zicht.access.models import AccessLogEntry
    from zicht.core.testing import make_user

    user = make_user(roles.PROFESSIONAL, username="wisselt-van-rol")
    granted = AccessLogEntry.objects.get(record_type="user_role", record_id=str(user.pk), action="create")
    assert "role: — → professional" in granted.reason and granted.username == "systeem"
    profile = user.zicht_profile
    profile.role = roles.PRIVACY_OFFICER
    profile.save()
    changed = AccessLogEntry.objects.get(record_type="user_role", record_id=str(user.pk), action="change")
    assert "role: professional → privacy_officer" in changed.reason
    user.is_superuser = True
    user.save()
    assert AccessLogEntry.objects.filter(record_type="account", record_id=str(user.pk), reason__contains="is_superuser: nee → ja").exists()
    extra = Group.objects.create(name="Extra rechten")
    user.groups.add(extra)
    assert AccessLogEntry.objects.filter(record_type="account", record_id=str(user.pk), reason="Groep toegevoegd: Extra rechten").exists()
    before = AccessLogEntry.objects.count()
    user.save(update_fields=["last_login"])  # a login: nothing to log
    assert AccessLogEntry.objects.count() == before
