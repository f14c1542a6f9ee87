"""The lockout check of django-axes, placed before Django's password check.

django-axes refuses ``authenticate()`` calls without a request. Every login that a person
makes (login form, API basic auth, OIDC callback) carries the request, so lockout applies to
all of them; only programmatic calls (management commands, Django's test client) come without
one, and for those this backend steps aside instead of raising.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
