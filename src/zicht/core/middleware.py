"""Request guards that apply to every page.

- ``LoginRequiredMiddleware``: everything requires login except the public paths below.
- ``SecurityHeadersMiddleware``: headers Django does not set itself (no caching of pages with
  personal data, a restrictive Permissions-Policy).

The two-factor guards, which need the roles, are in ``zicht.access.middleware``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext

PUBLIC_PREFIXES = ("/taal/", "/account/login", "/account/oidc/", "/static/", "/api/schema", "/api/v1/openapi.json", "/healthz")


class SessionIdleTimeoutMiddleware:
    """Idle timeout: a signed-in session expires SESSION_COOKIE_AGE after the last activity.

    Refreshing the expiry at most once per SESSION_REFRESH_SECONDS (instead of saving the
    session on every request) keeps a database write out of nearly every page view; the
    timeout is then accurate to that many seconds.
    """

    KEY = "_zicht_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY, 0)
            if now - last >= settings.SESSION_REFRESH_SECONDS:
                request.session[self.KEY] = now  # marks the session modified: saved with a fresh expiry
        return self.get_response(request)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not request.user.is_authenticated and not path.startswith(PUBLIC_PREFIXES):
            if path.startswith("/api/"):
                if request.META.get("HTTP_AUTHORIZATION"):
                    return self.get_response(request)  # API token: Django REST framework authenticates (docs/api.md)
                return JsonResponse(
                    {"type": "urn:zicht:probleem:niet-geauthenticeerd", "title": gettext("Niet ingelogd"), "status": 401},
                    status=401,
                    content_type="application/problem+json",
                    headers={"WWW-Authenticate": "Token"},
                )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages behind the login may show personal data: never keep them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.setdefault("Pragma", "no-cache")
        return response
