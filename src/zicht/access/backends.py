"""The lockout check of django-axes, placed before Django's password check.

django-axes refuses ``authenticate()`` calls without a request. Every login that a person
makes (login form, API basic auth, OIDC callback) carries the request, so lockout applies to
all of them; only programmatic calls (management commands, Django's test client) come without
one, and for those this backend steps aside instead of raising.
"""

from __future__ import annotations

import pickle
import threading
import time
import uuid

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

_snapshots: dict[int, tuple[str, float, bytes]] = {}
_lock = threading.Lock()


def _token_key(user_id) -> str:
    return f"access:user-version:{user_id}"


def user_token(user_id) -> str:
    """The user's current version in the shared cache; replaced whenever the account changes."""
    token = cache.get(_token_key(user_id))
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(_token_key(user_id), token, None):
            token = cache.get(_token_key(user_id)) or token
    return token


def forget_user(user_id) -> None:
    """Every worker reloads this account on its next request (role, organisation, password, 2FA)."""
    cache.set(_token_key(user_id), uuid.uuid4().hex, None)


class ProfileUserMixin:
    """Load the signed-in user with their Zicht profile and organisation, once per minute per worker.

    Every request needs the user, their role (``requires``), scope and the access-log fields.
    They are read in one query and kept in this process as a pickled snapshot for at most
    ``settings.USER_SNAPSHOT_SECONDS``, keyed on a version token in the shared cache that ``forget_user``
    replaces whenever the user, profile, organisation or a two-factor device is saved or
    deleted (signals connected in ``AccessConfig.ready``), so a changed role, a deactivated
    account or a new password takes effect on the next request in every worker. Each request
    unpickles its own copy: nothing set on one request's user reaches another's. Password
    hashes stay in process memory, never in the cache files.
    """

    def get_user(self, user_id):
        seconds = settings.USER_SNAPSHOT_SECONDS
        token = user_token(user_id) if seconds else ""
        now = time.monotonic()
        hit = _snapshots.get(user_id) if seconds else None
        if hit and hit[0] == token and now - hit[1] < seconds:
            user = pickle.loads(hit[2])
        else:
            model = get_user_model()
            try:
                user = model._default_manager.select_related("zicht_profile__organisation").get(pk=user_id)
            except model.DoesNotExist:
                return None
            if seconds:
                with _lock:
                    if len(_snapshots) > 5000:
                        _snapshots.clear()
                    _snapshots[user_id] = (token, now, pickle.dumps(user))
        return user if self.user_can_authenticate(user) else None


def clear_snapshots() -> None:
    with _lock:
        _snapshots.clear()


class PasswordBackend(ProfileUserMixin, ModelBackend):
    """Django's password check; sessions it created load the user through ``ProfileUserMixin``."""


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
