"""Issue 4 in a real browser: why is this address red, and what a professional learns from a match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zicht.access import roles
from zicht.casework.colour.services import recolour
from zicht.casework.tests import factories as fx
from zicht.casework.verwijsindex.registration import register_signal
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ketenregisseur_reads_why_an_address_is_red(page):
    politie = fx.organisation("politie", "politie", naam="Politie Midden-Brabant")
    vt = fx.organisation("vt", "veilig_thuis", naam="Veilig Thuis Midden-Brabant")
    addr = fx.address()
    today = timezone.localdate()
    victim = fx.person(politie, voornamen="Sanne", achternaam="de Vries", address_=addr)
    fx.report(politie, addr, today - timedelta(days=200), parties=[(victim, "slachtoffer")], vormen=["psychisch"])
    fx.report(vt, addr, today - timedelta(days=100), soort="melding", parties=[(victim, "slachtoffer")])
    fx.report(politie, addr, today - timedelta(days=12), parties=[(victim, "slachtoffer")], vormen=["lichamelijk"], huisverbod=True)
    recolour("address", [addr.pk])
    make_user(roles.KETENREGISSEUR, username="regie", gemeente=fx.geography()[0])

    login(page, "regie", TEST_PASSWORD)
    page.goto("/casus/?kleur=rood")
    page.get_by_role("link", name="Heuvelstraat 12").click()
    # purpose binding: the reason is asked before the address opens
    page.get_by_label("Voorbereiding casusoverleg").check()
    page.get_by_role("button", name="Doorgaan").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Kleur en waarom").is_visible()
    reasons = page.locator("ol.reasons")
    assert "Rood" in page.locator("section[aria-labelledby=kleur]").inner_text()
    assert "huisverbod" in reasons.inner_text()
    assert "3 gebeurtenissen in de laatste 12 maanden" in reasons.inner_text()
    # the evidence links to the registrations on the timeline
    reasons.get_by_role("link").first.click()
    assert "#melding-" in page.url
    assert page.locator("table", has_text="Alle registraties uit alle bronnen").is_visible()


def test_professional_gets_a_match_without_the_other_content(page):
    school = fx.organisation("school", "onderwijs", naam="Basisschool De Regenboog")
    wijkteam = fx.organisation("wijkteam-noord", "wijkteam", naam="Wijkteam Noord", contact_telefoon="013-2223333")
    teacher = make_user(roles.PROFESSIONAL, username="juf", organisation=school)
    today = timezone.localdate()
    child_born = today.replace(year=today.year - 8, day=1)
    earlier = register_signal(
        user=teacher,
        organisation=school,
        data={
            "voornamen": "Tim",
            "achternaam": "de Vries",
            "geboortedatum": child_born,
            "contact_naam": "Juf Ans",
            "contact_telefoon": "013-5550000",
            "categorie": "school",
            "datum": today - timedelta(days=30),
            "postcode": "5021AB",
            "huisnummer": 12,
        },
    )
    make_user(roles.PROFESSIONAL, username="wijkcoach", organisation=wijkteam)

    login(page, "wijkcoach", TEST_PASSWORD)
    page.get_by_role("link", name="Signalen").click()
    page.get_by_role("link", name="Signaal registreren").click()
    page.get_by_label("Voornamen").fill("Tim")
    page.get_by_label("Achternaam").fill("de Vries")
    page.get_by_label("Geboortedatum").fill(child_born.isoformat())
    page.get_by_label("Postcode").fill("5021 AB")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Contactpersoon", exact=True).fill("Mila Coach")
    page.get_by_role("button", name="Signaal registreren").click()
    page.wait_for_load_state("networkidle")

    body = page.locator("main").inner_text()
    assert "Match" in body
    table = page.locator("table", has_text="Andere betrokken organisaties")
    assert "Basisschool De Regenboog" in table.inner_text()
    assert "Juf Ans" in table.inner_text() and "013-5550000" in table.inner_text()
    assert "Schoolverzuim" not in body  # the school's category stays with the school

    response = page.goto(f"/casus/signalen/{earlier.pk}/")
    assert response.status == 404
    assert "Tim" not in page.locator("main").inner_text()
