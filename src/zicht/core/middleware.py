"""Request guards that apply to every page.

- ``LoginRequiredMiddleware``: everything requires login except the public paths below.
- ``TwoFactorRequiredMiddleware``: an account whose role can see personal data reaches nothing
  but the two-factor pages (and logout) until it has passed its TOTP code in this session.
- ``SecurityHeadersMiddleware``: headers Django does not set itself (no caching of pages with
  personal data, a restrictive Permissions-Policy).
- ``OTPMiddleware``: django-otp's, with the verified device kept per worker like the user
  (``zicht.access.backends``): no query per request for the second factor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

PUBLIC_PREFIXES = ("/account/login", "/account/oidc/", "/static/", "/api/schema", "/api/v1/openapi.json", "/healthz")
# Reachable after the password but before the second factor.
TWO_FACTOR_PREFIXES = ("/account/2fa/", "/account/logout", "/static/")


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
        import time

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
                    {"type": "urn:zicht:probleem:niet-geauthenticeerd", "title": "Niet ingelogd", "status": 401},
                    status=401, content_type="application/problem+json", headers={"WWW-Authenticate": "Token"},
                )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


def two_factor_required(user) -> bool:
    """Whether this account must pass a second factor (roles with personal data, and staff)."""
    from zicht.access.roles import TWO_FACTOR_ROLES
    from zicht.access.rules import user_role

    if not getattr(user, "is_authenticated", False):
        return False
    return user_role(user) in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser


def two_factor_passed(request) -> bool:
    """TOTP verified in this session, or (when trusted) MFA asserted by the OIDC provider."""
    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    return bool(request.session.get("zicht_mfa_by_idp"))


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            two_factor_required(request.user)
            and not two_factor_passed(request)
            and not path.startswith(PUBLIC_PREFIXES + TWO_FACTOR_PREFIXES)
        ):
            if path.startswith("/api/"):
                return JsonResponse({"title": "Tweestapsverificatie vereist", "status": 403}, status=403)
            return HttpResponseRedirect("/account/2fa/?" + urlencode({"next": request.get_full_path()}))
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


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware; the device that verified this session is read once per minute per worker.

    The snapshot is keyed on the device and checked against the owner's version token, which
    every save or delete of the device, the account or its profile replaces, so a removed or
    reset device stops counting on the next request. Each request unpickles its own copy.
    """

    _snapshots: dict = {}

    def _device_from_persistent_id(self, persistent_id: str):
        import pickle
        import time

        from zicht.access.backends import user_token

        seconds = settings.USER_SNAPSHOT_SECONDS
        hit = self._snapshots.get(persistent_id) if seconds else None
        now = time.monotonic()
        if hit and now - hit[2] < seconds and user_token(hit[0]) == hit[1]:
            return pickle.loads(hit[3])
        device = super()._device_from_persistent_id(persistent_id)
        if device is not None and seconds:
            token = user_token(device.user_id)
            if len(self._snapshots) > 5000:
                self._snapshots.clear()
            self._snapshots[persistent_id] = (device.user_id, token, now, pickle.dumps(device))
        return device
