"""Request guards of the second factor (the other guards are in ``zicht.core.middleware``).

- ``TwoFactorRequiredMiddleware``: an account whose role can see personal data reaches nothing
  but the two-factor pages (and logout) until it has passed its TOTP code in this session.
- ``OTPMiddleware``: django-otp's, with the verified device kept per worker like the user
  (``zicht.access.backends``): no query per request for the second factor.
"""

from __future__ import annotations

import pickle
import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from zicht.core.middleware import PUBLIC_PREFIXES

from .backends import user_token
from .roles import TWO_FACTOR_ROLES
from .rules import user_role

# Reachable after the password but before the second factor.
TWO_FACTOR_PREFIXES = ("/account/2fa/", "/account/logout", "/static/")


def two_factor_required(user) -> bool:
    """Whether this account must pass a second factor (roles with personal data, and staff)."""
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
                return JsonResponse({"title": gettext("Tweestapsverificatie vereist"), "status": 403}, status=403)
            return HttpResponseRedirect("/account/2fa/?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware; the device that verified this session is read once per minute per worker.

    The snapshot is keyed on the device and checked against the owner's version token, which
    every save or delete of the device, the account or its profile replaces, so a removed or
    reset device stops counting on the next request. Each request unpickles its own copy.
    """

    _snapshots: dict = {}

    def _device_from_persistent_id(self, persistent_id: str):
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
