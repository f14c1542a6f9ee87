"""Helpers for tests: users per role, with their organisation and (where the role needs it) a TOTP device.

Two-factor authentication is compulsory for roles that can see personal data. So that tests
keep logging in transparently:

- ``make_user`` gives such accounts a confirmed TOTP device;
- importing this module makes Django's test client (``client.login`` and ``client.force_login``)
  mark the session as verified with that device, as if the user had typed the code;
- ``totp_code(user)`` returns a code the server will accept now (Playwright's ``login()`` in
  tests/e2e/conftest.py uses it to pass the real two-factor page).

None of this is used outside tests; production logins always pass the real two-factor page.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model

from zicht.access.models import UserProfile
from zicht.access.roles import TWO_FACTOR_ROLES
from zicht.access.totp import code_for_user, ensure_device
from zicht.geo.models import Gemeente, VtRegio, VtRegioGemeente
from zicht.geo.regions import region_code
from zicht.registry.models import Organisation

TEST_PASSWORD = "Zicht-test-wachtwoord-2026"


def make_region(naam: str, gemeenten=(), van_jaar: int = 2000, tot_jaar: int | None = None):
    """A Veilig Thuis region (by name) with ``gemeenten`` (Gemeente objects or codes) as members from ``van_jaar``."""
    regio, _ = VtRegio.objects.get_or_create(code=region_code(naam), defaults={"naam": naam})
    for g in gemeenten:
        code, gnaam = (g, g) if isinstance(g, str) else (g.code, g.naam)
        VtRegioGemeente.objects.update_or_create(
            gemeente_code=code,
            van_jaar=van_jaar,
            defaults={"regio": regio, "gemeente_naam": gnaam, "tot_jaar": tot_jaar, "bron": "test"},
        )
    return regio


def make_gemeente(code: str, naam: str, indeling_jaar: int = 2024, regio: str = "", **extra):
    """A gemeente, placed in VT region ``regio`` (by name) when given."""
    gemeente = Gemeente.objects.create(code=code, naam=naam, indeling_jaar=indeling_jaar, **extra)
    if regio:
        make_region(regio, [gemeente])
    return gemeente


def make_organisation(code: str = "wijkteam-test", type: str = "wijkteam", **extra):

    org, _ = Organisation.objects.get_or_create(code=code, defaults={"naam": extra.pop("naam", code), "type": type, **extra})
    return org


def make_user(role: str, username: str | None = None, organisation=None, two_factor: bool = True, **profile):
    """A user with a Zicht role (and an organisation for professionals, a TOTP device where needed)."""

    User = get_user_model()
    username = username or f"{role}-test"
    user = User(username=username, password=_test_password_hash())
    user.save()
    if organisation is None and role == "professional":
        organisation = make_organisation()
    UserProfile.objects.create(user=user, role=role, organisation=organisation, **profile)
    if two_factor and role in TWO_FACTOR_ROLES:
        ensure_device(user)
    return user


_HASH: list[str] = []


def _test_password_hash() -> str:
    """TEST_PASSWORD hashed once per process: the real hasher, without paying its cost per user."""
    if not _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(TEST_PASSWORD))
    return _HASH[0]


def totp_code(user) -> str:
    """A TOTP code the server accepts for this user now (waits a step if the last one was used)."""

    code, wait = code_for_user(user)
    if wait:
        time.sleep(wait)
        code, _ = code_for_user(user)
    return code


def _install_test_client_two_factor() -> None:
    """Make the test client's login mark the session as passed the second factor."""
    from django.test.client import Client, ClientMixin

    if getattr(ClientMixin._login, "_zicht_two_factor", False):
        return
    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    _login._zicht_two_factor = True
    ClientMixin._login = _login
    Client._login = _login


_install_test_client_two_factor()
