"""Issue 18 in a real browser: a school professional reads the Meldcode page, registers a signal,
and the wijkcoach sees it on the buurtregie agenda (match-only: who and how to reach, no content)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zicht.access import roles
from zicht.buurtregie.models import Buurtregie, Member
from zicht.casework.tests import factories as fx
from zicht.casework.verwijsindex.registration import register_signal
from zicht.core.testing import TEST_PASSWORD, make_user
from zicht.knowledge.services import load_pages

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_signal_reaches_the_buurtregie_agenda_of_the_wijkcoach(page):
    load_pages()
    _gm, wijk, _bu = fx.geography()
    fx.address()  # Heuvelstraat 12, 5021 AB, in wijk Centrum
    school = fx.organisation("school", "onderwijs", naam="Basisschool De Regenboog")
    politie = fx.organisation("politie", "politie", naam="Politie Midden-Brabant")
    wijkteam = fx.organisation("wijkteam", "wijkteam", naam="Wijkteam Centrum")
    juf = make_user(roles.PROFESSIONAL, username="juf", organisation=school)
    agent = make_user(roles.PROFESSIONAL, username="wijkagent", organisation=politie)
    coach = make_user(roles.PROFESSIONAL, username="wijkcoach", organisation=wijkteam)
    today = timezone.localdate()
    regie = Buurtregie.objects.create(
        naam="Buurtregie Centrum", wijk=wijk, organisation=wijkteam, eerste_bijeenkomst=today, interval_weken=2
    )
    for user, org, functie in [(juf, school, "school"), (agent, politie, "wijkagent"), (coach, wijkteam, "wijkcoach")]:
        Member.objects.create(regie=regie, user=user, organisation=org, functie=functie)
    child_born = today.replace(year=today.year - 9, day=1)
    register_signal(
        user=agent,
        organisation=politie,
        data={
            "voornamen": "Noor",
            "achternaam": "Smits",
            "geboortedatum": child_born,
            "contact_naam": "Agent Bakker",
            "contact_telefoon": "0900-8844",
            "categorie": "politie",
            "datum": today - timedelta(days=10),
            "postcode": "5021AB",
            "huisnummer": 12,
        },
    )

    # 1. The school professional reads the Meldcode page in the knowledge app.
    login(page, "juf", TEST_PASSWORD)
    page.goto("/kennis/")
    page.get_by_role("link", name="De vijf stappen van de meldcode en het afwegingskader").click()
    assert page.get_by_role("heading", name="De vijf stappen van de meldcode en het afwegingskader").is_visible()
    assert "afwegingskader" in page.locator("main").inner_text()

    # 2. ... and registers a signal in the verwijsindex.
    page.get_by_role("link", name="Signalen").click()
    page.get_by_role("link", name="Signaal registreren").click()
    page.get_by_label("Voornamen").fill("Noor")
    page.get_by_label("Achternaam").fill("Smits")
    page.get_by_label("Geboortedatum").fill(child_born.isoformat())
    page.get_by_label("Postcode").fill("5021 AB")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Contactpersoon", exact=True).fill("Juf Ans")
    page.get_by_label("Telefoon contactpersoon").fill("013-5550000")
    page.get_by_role("button", name="Signaal registreren").click()
    page.wait_for_load_state("networkidle")
    assert "Match" in page.locator("main").inner_text()
    page.context.clear_cookies()

    # 3. The wijkcoach opens the buurtregie from the menu and finds the item on the agenda.
    login(page, "wijkcoach", TEST_PASSWORD)
    page.get_by_role("link", name="Buurtregie", exact=True).click()
    page.get_by_role("link", name="Buurtregie Centrum").click()
    page.wait_for_load_state("networkidle")
    agenda = page.locator("section[aria-labelledby=agenda]")
    text = agenda.inner_text()
    assert "Basisschool De Regenboog" in text and "Juf Ans" in text and "013-5550000" in text
    assert "Politie Midden-Brabant" in text and "Agent Bakker" in text
    main = page.locator("main").inner_text()
    for content in ("Noor", "Smits", "Politiecontact", "Heuvelstraat"):
        assert content not in main, content

    # 4. The meeting weighs it: watch, with a reason; the item stays on the agenda.
    agenda.locator("summary", has_text="Wegen").first.click()
    agenda.get_by_label("Volgen (blijft op de agenda)").first.check()
    agenda.get_by_label("Reden").first.fill("School en wijkagent houden contact; volgende keer opnieuw")
    agenda.get_by_role("button", name="Weging vastleggen").first.click()
    page.wait_for_load_state("networkidle")
    assert "is gewogen: volgen" in page.locator("main").inner_text()
    assert "Eerder gewogen" in page.locator("section[aria-labelledby=agenda]").inner_text()
