"""Issue 18 item 6: the casework pages whose text is built in Python, in English and unchanged in Dutch.

The address page's tables are HTML made in ``colour/subject_html.py`` (timeline, colour history,
persons, help); the Quickscan's reasons come from the pure ``domain.quickscan``; the verwijsindex
form's errors and the stacking rule's refusal from forms and ``domain.stacking``. Each is checked
with the language cookie the switch sets ("en") and without it (Dutch, the default).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from zicht.access import roles
from zicht.casework.colour import list_html, subject_html
from zicht.casework.domain import quickscan as qs
from zicht.casework.domain.stacking import StackingRules, may_register
from zicht.casework.models import MeldcodeCase
from zicht.core.testing import make_user

from . import factories as fx
from .test_views import client_for, with_reason

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_address_page_in_english_and_in_dutch(red_address):
    vt = fx.organisation("vt", "veilig_thuis", naam="Veilig Thuis Midden-Brabant")
    red_address.hulptrajecten.create(organisation=vt, soort="vt_monitoring", start=timezone.localdate() - timedelta(days=30))
    c, _ = client_for(roles.KETENREGISSEUR)
    with_reason(c, "address", red_address.pk)
    url = reverse("casework:address", args=[red_address.pk])

    dutch = c.get(url).content.decode()
    for text in ("(telt mee voor de kleur)", "Toon naam", "niet gekoppeld", "Veilig Thuis: monitoring", "loopt", "Wijzigen of afsluiten"):
        assert text in dutch, text
    assert ">Rood<" in dutch and "lichamelijk, wapen" in dutch and "Slachtoffer" in dutch and "huidig" in dutch

    page = english(c).get(url).content.decode()
    assert '<html lang="en"' in page
    for text in ("(counts for the colour)", "Show name", "not linked", "Veilig Thuis: monitoring", "ongoing", "Change or close"):
        assert text in page, text
    assert ">Red<" in page and "physical, weapon" in page and "Victim" in page and ">current<" in page
    for text in (
        "(telt mee voor de kleur)",
        "Toon naam",
        "niet gekoppeld",
        "Wijzigen of afsluiten",
        ">Rood<",
        "Slachtoffer",
        "lichamelijk",
    ):
        assert text not in page, text


def test_the_row_builders_follow_the_active_language():
    people = [{"id": 1, "name": "A. de Vries", "age": None, "roles": "x", "sources": "y", "linked": None}]
    with translation.override("nl"):
        assert "Geen hulp vastgelegd." in subject_html.help_rows([]) and "niet gekoppeld" in subject_html.people_rows(people)
        assert ">Oranje<" in list_html.list_rows([_row()])
    with translation.override("en"):
        assert "No help recorded." in subject_html.help_rows([]) and "not linked" in subject_html.people_rows(people)
        assert "No persons involved registered." in subject_html.people_rows([])
        assert ">Orange<" in list_html.list_rows([_row()])


def _row() -> dict:
    return {"url": "/casus/adres/1/", "label": "Straat 1", "buurt": "B", "colour": "oranje", "reason": "r", "events": 2, "last": "—"}


@pytest.fixture
def quickscan_client():
    wijkteam = fx.organisation("toegang", "wijkteam", naam="Toegang Tilburg")
    user = make_user(roles.PROFESSIONAL, username="intake", organisation=wijkteam)
    case = MeldcodeCase.objects.create(organisation=wijkteam, professional=user, referentie="Intake 12")
    c = Client()
    c.force_login(user)
    return c, reverse("casework:meldcode_quickscan", args=[case.pk])


def test_the_quickscan_in_english_and_in_dutch(quickscan_client):
    c, url = quickscan_client
    data = {"f_relatiedynamiek": ["relatie_angst"], "f_stress": ["armoede"], "kinderen": "on", "beoordelen": ""}

    dutch = c.post(url, data).content.decode()
    assert "Relatiedynamiek: angst voor, of controle door, een partner, ex-partner of gezinslid." in dutch
    assert "Stap 2: collegiale consultatie en zo nodig Veilig Thuis raadplegen (ook anoniem)" in dutch
    assert "Welke stap zet u?" in dutch and "Armoede of schulden" in dutch and "Kindcheck" in dutch

    page = english(c).post(url, data).content.decode()
    assert "Relationship dynamics: fear of, or control by, a partner, ex-partner or family member." in page
    assert "Step 2: consult a colleague and Veilig Thuis if needed (also anonymously)" in page
    assert "Which step do you take?" in page and "Poverty or debts" in page and "Child check: there are minor children" in page
    for text in ("Relatiedynamiek:", "Welke stap zet u?", "Armoede of schulden", "Kindcheck", "Stapeling"):
        assert text not in page, text

    # another step without a reason: the domain's error, in English
    page = c.post(url, {**data, "keuze": "geen", "vastleggen": ""}).content.decode()
    assert "You choose a different step than the suggested one: give the reason (at least 10 characters)." in page


def test_what_the_quickscan_stores_stays_dutch_whatever_the_language(quickscan_client):
    c, url = quickscan_client
    english(c).post(url, {"f_veiligheid": ["geweld"], "keuze": "melden_vt", "vastleggen": ""})
    scan = MeldcodeCase.objects.get().quickscans.get()
    assert scan.reasons == list(qs.suggest(["geweld"]).reasons)
    assert scan.reasons[0] == "Acute onveiligheid: fysiek of seksueel geweld."


@pytest.mark.parametrize(
    "language, factors, expected",
    [
        ("nl", ["geweld"], "Acute onveiligheid: fysiek of seksueel geweld."),
        ("en", ["geweld"], "Acute unsafety: physical or sexual violence."),
        ("nl", [], "Geen risicofactoren aangevinkt: leg de quickscan vast in het dossier."),
        ("en", [], "No risk factors ticked: record the quickscan in the file."),
        ("en", ["armoede"], "Stress factors: poverty or debts."),
    ],
)
def test_quickscan_reasons_are_translated_only_when_asked(language, factors, expected):
    with translation.override(language):
        assert qs.suggest(factors, tr=translation.gettext).reasons[0] == expected
    with translation.override("en"):
        assert qs.suggest(factors).reasons == qs.suggest(factors, tr=lambda t: t).reasons  # the default is Dutch


def test_the_stacking_refusal_in_english():
    rules = StackingRules(version="t", expiry_years=2, age_limit_years=18, min_organisations=2, adult_legal_basis="")
    born, today = date(1980, 1, 1), date(2026, 1, 1)
    assert may_register(born, today, rules)[1].startswith("De verwijsindex geldt voor jeugdigen tot 18 jaar.")
    with translation.override("en"):
        assert may_register(born, today, rules, tr=translation.gettext)[1].startswith("The referral index applies to young people up to 18")


def test_the_signal_form_errors_in_english():
    org = fx.organisation("school", "onderwijs", naam="School")
    user = make_user(roles.PROFESSIONAL, username="juf", organisation=org)
    c = Client()
    c.force_login(user)
    bad = {"voornamen": "A", "achternaam": "B", "geboortedatum": "2015-01-01", "bsn": "123456789", "datum": "2026-01-01"}
    dutch = c.post(reverse("casework:signal_new"), bad).content.decode()
    assert "Dit is geen geldig BSN (elfproef)." in dutch and "Datum signaal" in dutch
    page = english(c).post(reverse("casework:signal_new"), bad).content.decode()
    assert "This is not a valid BSN (eleven test)." in page and "Date of the signal" in page and "Datum signaal" not in page
