"""Login security: two-factor step, lockout, session and cookie settings, security headers, CSP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from zicht.access import roles
from zicht.access.totp import code_for_user, next_code
from zicht.core.testing import TEST_PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db


def password_login(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post("/account/login/", {"username": username, "password": password})


@pytest.mark.parametrize("role", sorted(roles.TWO_FACTOR_ROLES))
def test_personal_data_roles_reach_nothing_before_the_second_factor(role):
    user = make_user(role)
    client = Client()
    response = password_login(client, user.username)
    assert response.status_code == 302
    for path in ["/", "/account/toegangslog/", "/registratie/", "/api/"]:
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response.url.startswith("/account/2fa/"), path
    response = client.post("/account/2fa/", {"otp_token": totp_code(user), "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_code_is_refused_and_code_cannot_be_replayed():
    user = make_user(roles.KETENREGISSEUR)
    client = Client()
    password_login(client, user.username)
    response = client.post("/account/2fa/", {"otp_token": "000000", "next": "/"})
    assert response.status_code == 200 and "klopt niet" in response.content.decode()
    assert client.get("/").status_code == 302
    code = totp_code(user)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post("/account/2fa/", {"otp_token": code, "next": "/"}).status_code == 302
    other = Client()
    password_login(other, user.username)
    response = other.post("/account/2fa/", {"otp_token": code, "next": "/"})
    assert response.status_code == 200, "a used code must not verify a second session"


def test_beleidsmedewerker_needs_no_second_factor():
    user = make_user(roles.BELEIDSMEDEWERKER)
    client = Client()
    password_login(client, user.username)
    assert client.get("/").status_code == 200


def test_enrolment_shows_a_local_svg_qr_code_and_confirms_the_device():
    user = make_user(roles.PROFESSIONAL, two_factor=False)
    client = Client()
    password_login(client, user.username)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/2fa/instellen/")
    html = response.content.decode()
    assert "<svg" in html and "otpauth" not in html.split("<svg", 1)[0]
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code, _ = next_code(device)
    response = client.post("/account/2fa/instellen/", {"otp_token": code, "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_next_code_skips_a_used_time_step():
    user = make_user(roles.KETENREGISSEUR)
    device = TOTPDevice.objects.get(user=user)
    now = 1_800_000_000.0
    code_a, wait_a = next_code(device, now)
    device.last_t = int(now // 30)
    code_b, wait_b = next_code(device, now)
    assert wait_a == 0 and wait_b == 0 and code_a != code_b
    device.last_t = int(now // 30) + 1
    _code, wait_c = next_code(device, now)
    assert wait_c > 0
    with pytest.raises(LookupError):
        code_for_user(make_user(roles.BELEIDSMEDEWERKER))


def test_lockout_after_five_failures():
    user = make_user(roles.BELEIDSMEDEWERKER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = password_login(client, user.username, "verkeerd-wachtwoord")
        assert response.status_code == 200
    response = password_login(client, user.username, "verkeerd-wachtwoord")
    assert response.status_code == 429
    # Even the right password is refused while locked out.
    response = password_login(client, user.username)
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode()


def test_session_and_cookie_settings():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # idle timeout via SessionIdleTimeoutMiddleware
    assert "zicht.core.middleware.SessionIdleTimeoutMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SECURE_COOKIES == settings.SESSION_COOKIE_SECURE == settings.CSRF_COOKIE_SECURE


def test_secure_cookies_outside_demo_mode(monkeypatch, tmp_path):
    import base64
    import os
    import subprocess
    import sys

    env = {
        "ZICHT_SECRET_KEY": "x" * 50,
        # keys of this run only: the published demo keys are refused outside demo mode
        "ZICHT_FIELD_KEYS": base64.b64encode(os.urandom(32)).decode(),
        "ZICHT_BSN_HASH_KEY": base64.b64encode(os.urandom(32)).decode(),
        "ZICHT_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='zicht.settings'; from django.conf import settings; "
        "print(settings.DEMO, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS > 0, settings.DEBUG)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True", "True", "False"]


def test_security_headers_and_csp(client):
    response = client.get("/account/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_behind_login_are_not_cached():
    user = make_user(roles.BELEIDSMEDEWERKER)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert "no-store" in response.headers["Cache-Control"]


def test_login_page_has_no_inline_script(client):
    html = client.get("/account/login/").content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag


def test_passwords_need_twelve_characters_and_are_hashed():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Kort-1234")
    validate_password("een-lange-zin-als-wachtwoord")
    user = make_user(roles.BELEIDSMEDEWERKER)
    assert user.password.startswith(("pbkdf2_sha256$", "argon2", "bcrypt", "scrypt")) and TEST_PASSWORD not in user.password


def test_a_new_session_id_after_the_password_and_after_the_second_factor():
    user = make_user(roles.PROFESSIONAL)
    client = Client()
    client.get("/account/login/")
    password_login(client, user.username)
    after_password = client.cookies["sessionid"].value
    client.post("/account/2fa/", {"otp_token": totp_code(user), "next": "/"})
    assert client.cookies["sessionid"].value != after_password
    client.post("/account/logout/")
    assert client.get("/").status_code == 302  # logged out: the old session is gone


def test_forms_need_a_csrf_token():
    user = make_user(roles.BELEIDSMEDEWERKER)
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")
    response = client.post("/account/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 403


def test_staff_accounts_need_the_second_factor_too():
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("beheer-root", password=TEST_PASSWORD)
    client = Client()
    client.force_login(admin)  # no TOTP device: nothing verified
    response = client.get("/beheer/")
    assert response.status_code == 302 and response.url.startswith("/account/2fa/")


def test_idle_timeout_refreshes_expiry_on_activity(client, monkeypatch):
    """Activity after the refresh interval moves the session's expiry; within it, nothing is written."""
    import time

    from zicht.core.middleware import SessionIdleTimeoutMiddleware

    client.force_login(make_user(roles.BELEIDSMEDEWERKER, username="idle-user"))
    client.get("/")
    first = client.session[SessionIdleTimeoutMiddleware.KEY]
    client.get("/")
    assert client.session[SessionIdleTimeoutMiddleware.KEY] == first  # within the interval: no refresh
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.SESSION_REFRESH_SECONDS + 1)
    client.get("/")
    assert client.session[SessionIdleTimeoutMiddleware.KEY] > first


def test_second_factor_and_reason_pages_in_english():
    """Issue 18: the 2FA form's label and error, and the reason form's choices, in English; the
    access log keeps the Dutch reason (what the privacy officer reads and exports)."""
    from zicht.access.models import AccessLogEntry
    from zicht.access.purpose import stored_reason

    user = make_user(roles.KETENREGISSEUR)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    password_login(client, user.username)
    page = client.get("/account/2fa/").content.decode()
    assert "Six-digit code from your authenticator app" in page and "Zescijferige" not in page
    page = client.post("/account/2fa/", {"otp_token": "000000", "next": "/"}).content.decode()
    assert "This code is not correct or has already been used." in page and "klopt niet" not in page
    page = client.post("/account/2fa/", {"otp_token": "12", "next": "/"}).content.decode()
    assert "Enter the six digits from the app." in page
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post("/account/2fa/", {"otp_token": totp_code(user), "next": "/"}).status_code == 302
    page = client.get("/account/reden/?type=address&id=7&next=/").content.decode()
    assert "Preparing a case conference" in page and "Explanation (optional, no personal data)" in page
    assert "Voorbereiding casusoverleg" not in page
    client.post("/account/reden/?type=address&id=7&next=/", {"reason": "casusoverleg"})
    assert stored_reason(type("R", (), {"session": client.session})(), "address", "7") == "Voorbereiding casusoverleg"
    assert not AccessLogEntry.objects.filter(reason__icontains="case conference").exists()
