"""The per-worker user and two-factor snapshots: no query per request, yet every change counts at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zicht.access import backends, middleware, roles
from zicht.access.models import AccessLogEntry, UserProfile
from zicht.core.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshots(settings):
    settings.USER_SNAPSHOT_SECONDS = 60
    backends.clear_snapshots()
    middleware.OTPMiddleware._snapshots.clear()
    yield
    backends.clear_snapshots()
    middleware.OTPMiddleware._snapshots.clear()


def _signed_in(role, **profile):
    user = make_user(role, **profile)
    client = Client()
    client.force_login(user)
    return client, user


def test_a_repeated_request_reads_no_user_or_device(snapshots, django_assert_num_queries):
    client, _ = _signed_in(roles.KETENREGISSEUR)
    client.get("/healthz")
    with django_assert_num_queries(0):
        client.get("/healthz")


def test_a_role_change_counts_on_the_next_request(snapshots):
    client, user = _signed_in(roles.KETENREGISSEUR)
    url = reverse("casework:worklists")
    assert client.get(url).status_code == 200
    profile = UserProfile.objects.get(user=user)
    profile.role = roles.BELEIDSMEDEWERKER
    profile.save()
    assert client.get(url).status_code == 403


def test_a_deactivated_account_is_signed_out_on_the_next_request(snapshots):
    client, user = _signed_in(roles.BELEIDSMEDEWERKER)
    url = reverse("prevention:index")
    assert client.get(url).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(url)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_a_removed_device_no_longer_passes_the_second_factor(snapshots):
    client, user = _signed_in(roles.KETENREGISSEUR)
    assert client.get(reverse("casework:worklists")).status_code == 200
    TOTPDevice.objects.filter(user=user).delete()  # queryset delete still sends post_delete per device
    response = client.get(reverse("casework:worklists"))
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/")


def test_each_request_gets_its_own_user_object_and_still_logs(snapshots):
    client, user = _signed_in(roles.KETENREGISSEUR)
    first = backends.PasswordBackend().get_user(user.pk)
    first.zicht_profile.role = "iets anders"  # a request that mutates its user ...
    second = backends.PasswordBackend().get_user(user.pk)
    assert second is not first and second.zicht_profile.role == roles.KETENREGISSEUR  # ... never reaches another
    before = AccessLogEntry.objects.count()
    client.get(reverse("casework:worklists"))
    client.get(reverse("casework:worklists"))
    assert AccessLogEntry.objects.count() == before + 2
