"""Helpers for tests: users per role, with their organisation."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from zicht.access.models import UserProfile

TEST_PASSWORD = "Zicht-test-wachtwoord-2026"


def make_organisation(code: str = "wijkteam-test", type: str = "wijkteam", **extra):
    from zicht.registry.models import Organisation

    org, _ = Organisation.objects.get_or_create(code=code, defaults={"naam": extra.pop("naam", code), "type": type, **extra})
    return org


def make_user(role: str, username: str | None = None, organisation=None, **profile):
    """A user with a Zicht role (and an organisation for professionals)."""
    User = get_user_model()
    username = username or f"{role}-test"
    user = User.objects.create_user(username=username, password=TEST_PASSWORD)
    if organisation is None and role == "professional":
        organisation = make_organisation()
    UserProfile.objects.create(user=user, role=role, organisation=organisation, **profile)
    return user
