"""The Quickscan page: a suggestion with reasons, the professional's choice, stored with the case, logged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.casework.models import MeldcodeCase, Quickscan
from zicht.core.testing import make_user

from . import factories as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    wijkteam = fx.organisation("toegang", "wijkteam", naam="Toegang Tilburg")
    user = make_user(roles.PROFESSIONAL, username="intake", organisation=wijkteam)
    case = MeldcodeCase.objects.create(organisation=wijkteam, professional=user, referentie="Intake 12")
    c = Client()
    c.force_login(user)
    return c, case


def test_suggestion_then_confirmation_is_stored_with_the_case(case):
    c, mc = case
    url = reverse("casework:meldcode_quickscan", args=[mc.pk])
    assert c.get(url).status_code == 200
    resp = c.post(url, {"f_relatiedynamiek": ["relatie_angst"], "f_stress": ["armoede"], "beoordelen": ""})
    body = resp.content.decode()
    assert "Voorgestelde stap: Stap 2" in body and "Stapeling" in body
    assert 'value="stap_2" ' in body and "checked" in body  # the suggestion preselected
    assert not Quickscan.objects.exists()  # nothing stored before the professional confirms
    resp = c.post(url, {"f_relatiedynamiek": ["relatie_angst"], "f_stress": ["armoede"], "keuze": "stap_2", "vastleggen": ""})
    assert resp.status_code == 302
    scan = Quickscan.objects.get()
    assert (scan.case, scan.suggested, scan.chosen, scan.factors) == (mc, "stap_2", "stap_2", ["relatie_angst", "armoede"])
    mc.refresh_from_db()
    assert mc.state == "stap_1"  # never an automatic decision: the case's state is untouched
    assert AccessLogEntry.objects.filter(record_type="meldcode_quickscan", action="create", record_id=str(scan.pk)).exists()
    assert "gekozen stap 2" in c.get(reverse("casework:meldcode_case", args=[mc.pk])).content.decode()


def test_another_step_needs_a_reason(case):
    c, mc = case
    url = reverse("casework:meldcode_quickscan", args=[mc.pk])
    data = {"f_veiligheid": ["geweld"], "keuze": "stap_2", "vastleggen": ""}
    resp = c.post(url, data)
    assert resp.status_code == 200 and "geef de reden" in resp.content.decode() and not Quickscan.objects.exists()
    resp = c.post(url, {**data, "reden": "Veilig Thuis is al betrokken en adviseert"})
    scan = Quickscan.objects.get()
    assert (scan.suggested, scan.chosen, scan.keuze_reden) == ("melden_vt", "stap_2", "Veilig Thuis is al betrokken en adviseert")
    assert "Veilig Thuis is al betrokken" in c.get(url).content.decode()


def test_another_organisations_case_is_404_and_logged(case):
    _c, mc = case
    other = make_user(roles.PROFESSIONAL, username="ander", organisation=fx.organisation("school", "onderwijs"))
    c = Client()
    c.force_login(other)
    assert c.get(reverse("casework:meldcode_quickscan", args=[mc.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(username="ander", outcome="not_found").exists()
