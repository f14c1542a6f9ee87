"""Issue 18 item 6: the knowledge pages' chrome in English (edit form, history labels, the
factchecker's verdicts); the pages' and statements' content stays Dutch by design."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from zicht.access import roles as access_roles
from zicht.knowledge.models import KnowledgePage

from .test_views import edit_data, login

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_factchecker_verdicts_in_english_the_statements_in_dutch(client):
    login(client, access_roles.BELEIDSMEDEWERKER)
    html = english(client).get(reverse("knowledge:factcheck")).content.decode()
    assert "Huiselijk geweld komt vooral voor in achterstandswijken." in html  # content, Dutch by design
    assert "nuanced" in html and "not true" in html
    assert "× niet waar" not in html and "× genuanceerd" not in html


def test_the_edit_form_and_history_in_english(client):
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    page = KnowledgePage.objects.get(slug="kindcheck")
    english(client)
    form = client.get(reverse("knowledge:edit", args=[page.slug])).content.decode()
    for text in ("Summary (for the card on the home page)", "For which roles", "What did you change, and why?", "Application manager"):
        assert text in form, text
    assert "Wat heeft u gewijzigd en waarom?" not in form and "Voor welke rollen" not in form
    response = client.post(reverse("knowledge:edit", args=[page.slug]), edit_data(page), follow=True)
    body = response.content.decode()
    assert "Saved as version" in body and "Opgeslagen als versie" not in body
    history = client.get(reverse("knowledge:history", args=[page.slug])).content.decode()
    assert "<td>sources, review date, text</td>" in history and "<td>first version</td>" in history  # the changed fields, in English


def test_the_edit_form_in_dutch_is_unchanged(client):
    login(client, access_roles.FUNCTIONEEL_BEHEERDER)
    page = KnowledgePage.objects.get(slug="kindcheck")
    form = client.get(reverse("knowledge:edit", args=[page.slug])).content.decode()
    assert "Wat heeft u gewijzigd en waarom?" in form and "Functioneel beheerder" in form and "What did you change" not in form
