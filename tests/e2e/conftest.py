"""Playwright in Debian's Chromium against Django's live server."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("ZICHT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(60000)  # a cold protected set (issue 12) may take seconds on a busy machine
    page = context.new_page()
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    """Log in through the real pages, including the two-factor step (the code is computed from
    the account's TOTP device, which ``zicht.core.testing.make_user`` creates)."""
    page.goto("/account/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")
    if "/account/2fa/" in page.url:
        from django.contrib.auth import get_user_model

        from zicht.core.testing import totp_code

        user = get_user_model().objects.get(username=username)
        page.get_by_label("Zescijferige code").fill(totp_code(user))
        page.get_by_role("button", name="Controleren").click()
        page.wait_for_load_state("networkidle")
