"""The shared page-fragment cache of the gebiedscan: reused within a role, never across roles."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from zicht.access import roles
from zicht.areas import views
from zicht.core.testing import make_user

from .conftest import KORVEL


@pytest.mark.django_db
def test_a_role_never_gets_another_roles_cached_page(tilburg, monkeypatch):
    built = []

    def fake_render(template, context):
        built.append(template)
        return f"<p>opbouw {len(built)}</p>"

    monkeypatch.setattr(views, "render_to_string", fake_render)
    monkeypatch.setattr(views, "FRAGMENT_SECONDS", 300)
    beleid, regie = Client(), Client()
    beleid.force_login(make_user(roles.BELEIDSMEDEWERKER))
    regie.force_login(make_user(roles.KETENREGISSEUR))
    url = f"/gebied/wijk/{KORVEL}/"
    assert "opbouw 1" in beleid.get(url).content.decode()
    assert "opbouw 2" in regie.get(url).content.decode()  # not the beleidsmedewerker's copy
    assert "opbouw 1" in beleid.get(url).content.decode()  # the role's own copy, reused
    assert "opbouw 2" in regie.get(url).content.decode()
    assert len(built) == 2


@pytest.mark.django_db
def test_a_cached_wijk_page_needs_no_query_of_its_own(tilburg, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(views, "FRAGMENT_SECONDS", 300)
    client = Client()
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    url = f"/gebied/wijk/{KORVEL}/"
    first = client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # session, user + profile (no snapshot in tests), nothing for the page
        second = client.get(url).content.decode()

    def without_token(html):  # the CSRF token is masked afresh on every response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert without_token(second) == without_token(first) and "Korvel" in second
    assert client.get("/gebied/wijk/WK085599/").status_code == 404  # an unknown wijk is never served from the cache
    assert client.get("/gebied/wijk/WK999999/").status_code == 403  # another gemeente: refused before any lookup
