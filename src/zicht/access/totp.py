"""TOTP helpers: the enrolment QR code (SVG, made locally) and the current code for demo/test accounts.

The QR code is drawn by ``qrcode`` as inline SVG: the secret never leaves the server for an
external QR service. ``next_code`` exists for the demo (``zicht totp``) and for tests that log
in through the browser; it returns the code for the first time step the device will still
accept (django-otp refuses a step it has already seen, so two logins within 30 seconds need
the next step's code).
"""

from __future__ import annotations

import base64
import time
from io import BytesIO

from django.utils.html import escape
from django.utils.translation import gettext


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    label = escape(gettext("QR-code voor de authenticator-app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def secret_base32(device) -> str:
    """The device key as the base32 text an authenticator app accepts when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def next_code(device, now: float | None = None) -> tuple[str, float]:
    """(code, seconds to wait before it is valid): the first step after the last used one."""
    from django_otp.oath import TOTP

    now = time.time() if now is None else now
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    step = totp.t()
    wait = 0.0
    if device.last_t >= step:
        target = device.last_t + 1
        if target > step + device.tolerance:  # beyond the accepted window: wait for it
            wait = device.t0 + (target - device.tolerance) * device.step - now + 0.05
        totp.time = device.t0 + target * device.step
    return f"{totp.token():0{device.digits}d}", max(wait, 0.0)


def code_for_user(user, now: float | None = None) -> tuple[str, float]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise LookupError("Dit account heeft geen bevestigd TOTP-apparaat")
    return next_code(device, now)


def ensure_device(user, name: str = "Authenticator-app"):
    """A confirmed TOTP device for this account (created for demo and test accounts)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    return device
