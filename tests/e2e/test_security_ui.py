"""Browser checks of the safe UI: the two-factor login, the blank screen and masked names."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_with_totp_then_blank_the_screen_with_button_and_escape(page):
    user = make_user(roles.KETENREGISSEUR, username="keten-e2e")
    page.goto("/account/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    assert "/account/2fa/" in page.url  # the second factor is asked before anything else
    page.goto("/")
    assert "/account/2fa/" in page.url
    from zicht.core.testing import totp_code

    page.get_by_label("Zescijferige code").fill(totp_code(user))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_load_state("networkidle")
    assert "/account/" not in page.url
    screen = page.locator("#privacy-screen")
    assert screen.is_hidden()
    page.get_by_role("button", name="Scherm afschermen").click()
    assert screen.is_visible()
    page.keyboard.press("Enter")
    assert screen.is_hidden()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert screen.is_visible()
    screen.click()
    assert screen.is_hidden()


def test_no_content_security_policy_violations_on_the_login_and_2fa_pages(page):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    make_user(roles.PROFESSIONAL, username="prof-e2e")
    page.goto("/account/login/")
    login(page, "prof-e2e", TEST_PASSWORD)
    page.goto("/")
    assert not violations, violations


def test_masked_names_are_revealed_one_at_a_time(page, live_server):
    from django.template import Context, Template

    html = Template("{% load privacy %}<ul><li>{% masked a %}</li><li>{% masked b %}</li></ul>").render(
        Context({"a": "Jansen", "b": "De Vries"})
    )
    page.goto("/account/login/")  # a page with zicht.js; inject the rendered tag output and re-run the script
    page.evaluate("html => { document.querySelector('main').innerHTML = html; }", html)
    page.add_script_tag(url="/static/zicht/zicht.js")
    first, second = page.locator(".masked").nth(0), page.locator(".masked").nth(1)
    assert "is-revealed" not in (first.get_attribute("class") or "")
    page.get_by_role("button", name="Toon").first.click()
    assert "is-revealed" in first.get_attribute("class") and "is-revealed" not in second.get_attribute("class")
    assert page.get_by_role("button", name="Toon").first.get_attribute("aria-pressed") == "true"
