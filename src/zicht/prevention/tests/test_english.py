"""Issue 18 item 6: the prevention pages' Python-built text in English (forms, choices, domain
labels, messages, the indicator's progress); the same pages unchanged in Dutch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.prevention.domain.indicators import progress
from zicht.prevention.models import PreventionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(client, korvel):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, gemeente=korvel.gemeente))
    return PreventionPlan.objects.create(gemeente=korvel.gemeente, wijk=korvel, titel="Preventieplan Korvel", periode="2026–2028")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_plan_line_form_in_english_and_dutch(client, plan):
    url = reverse("prevention:plan_line_add", args=[plan.pk])
    nl = client.get(url).content.decode()
    assert "Eigenaar (uitvoerder)" in nl and "Uitgevoerd zoals bedoeld?" in nl and "Deels" in nl
    assert "Own activity, or a copy of the catalogue name" not in nl  # the model's developer help text is not shown
    en = english(client).get(url).content.decode()
    for text in ("Owner (implementer)", "Delivered as intended?", "Partly", "Funding source", "Scale", "Local (this municipality)"):
        assert text in en, text
    for dutch in ("Eigenaar (uitvoerder)", "Uitgevoerd zoals bedoeld?", "Financieringsbron", "Lokaal (deze gemeente)"):
        assert dutch not in en, dutch


def test_plan_form_errors_and_messages_in_english(client, plan):
    c = english(client)
    c.post(reverse("prevention:plan_indicator", args=[plan.pk]), {"ind-naam": "Meldingen", "ind-soort": "effect", "ind-type": "cbs"})
    page = c.get(reverse("prevention:plan", args=[plan.pk])).content.decode()
    assert "The indicator could not be saved: Figure (for register or CBS): Choose a CBS figure." in page
    c.post(reverse("prevention:plan_indicator", args=[plan.pk]), {"ind-naam": "Bereik", "ind-soort": "proces", "ind-type": "tekst"})
    page = c.get(reverse("prevention:plan", args=[plan.pk])).content.decode()
    assert "Indicator &#x27;Bereik&#x27; has been added." in page and "Process" in page and "Free text" in page


def test_the_catalogue_filters_and_labels_in_english(client, plan):
    en = english(client).get(reverse("prevention:catalogue")).content.decode()
    for text in ("Search term", "Recognised (well described or higher)", "Effective – strong evidence", "Home", "Building trust"):
        assert text in en, text
    assert "Erkend (goed beschreven of hoger)" not in en and "Werken aan vertrouwen" not in en
    nl = client.__class__()
    nl.force_login(make_user(roles.BELEIDSMEDEWERKER, username="nl", gemeente=plan.gemeente))
    body = nl.get(reverse("prevention:catalogue")).content.decode()
    assert "Zoekterm" in body and "Erkend (goed beschreven of hoger)" in body and "Werken aan vertrouwen" in body


def test_the_matrix_partner_types_in_english(client, plan):
    en = english(client).get(reverse("prevention:matrix")).content.decode()
    assert "Welfare and social work" in en and "Building trust" in en and "Welzijn en maatschappelijk werk" not in en


def test_progress_is_one_sentence_rendered_in_either_language():
    p = progress(10.0, 20.0, 15.0, "2025")
    assert p.text == (
        "Laatste meting (2025): 15 (nulmeting 10, streefwaarde 20): 50% van de weg van nulmeting naar streefwaarde. "
        "Een verandering zegt nog niet dat het plan die veroorzaakte."
    )
    from django.utils import translation

    with translation.override("en"):
        english_text = p.render(translation.gettext)
    assert english_text.startswith("Latest measurement (2025): 15 (baseline 10, target 20): 50% of the way from baseline to target.")


def test_the_plan_page_defaults_follow_the_language(client, plan):
    plan.lines.create(naam="Opstapje", volgorde=1)
    url = reverse("prevention:plan", args=[plan.pk])
    nl = client.get(url).content.decode()
    assert "nog te bepalen" in nl and "nog niet beoordeeld" in nl and "Lokaal" in nl
    en = english(client).get(url).content.decode()
    assert "to be decided" in en and "not yet assessed" in en and "own activity" in en
    assert "nog te bepalen" not in en and "nog niet beoordeeld" not in en
