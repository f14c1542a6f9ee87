"""Browser test (issues 14 and 15): the policy adviser of Tilburg opens the recidive page and the
effect page of the Korvel plan, changes the comparison wijken and reads the estimate with its
interval and its plain-language wording; the regional account opens the region page with the
gemeenten's recidive side by side and its factsheet.

The data are built here (a planted drop in Korvel from 2024, other wijken flat), independent of the demo.
"""

from __future__ import annotations

from datetime import date

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KORVEL = "WK085517"


@pytest.fixture
def korvel_data(transactional_db):
    from django.core.cache import cache

    from zicht.areas import data
    from zicht.areas.tests.helpers import make_reports
    from zicht.geo.loaders import load_geo
    from zicht.geo.models import Buurt, Wijk
    from zicht.geo.regiodata import load_regions
    from zicht.prevention.models import PlanIntervention, PreventionPlan

    data.clear_cache()
    cache.clear()
    for code in ("GM0855", "GM0785"):
        load_geo(gemeente=code)
    load_regions()

    def buurten(wijk):
        return list(Buurt.objects.filter(wijk_id=wijk).order_by("code").values_list("code", flat=True))

    # Korvel: about 25 registrations a month in 2023, about 7 a month in 2024; the other wijken flat
    make_reports(buurten(KORVEL), 300, seed=11, start=date(2023, 1, 1), days=365)
    make_reports(buurten(KORVEL), 80, seed=12, start=date(2024, 1, 1), days=365)
    others = list(Wijk.objects.filter(gemeente_id="GM0855").exclude(code=KORVEL).order_by("code").values_list("code", flat=True)[:7])
    for i, wijk in enumerate(others):
        make_reports(buurten(wijk), 150, seed=20 + i)
    make_reports(list(Buurt.objects.filter(gemeente_id="GM0785").values_list("code", flat=True)[:3]), 120, seed=40)
    plan = PreventionPlan.objects.create(titel="Plan Korvel", gemeente_id="GM0855", wijk_id=KORVEL, periode="2024–2025")
    PlanIntervention.objects.create(plan=plan, naam="Huisbezoeken na een eerste melding", uitvoering_van=date(2024, 1, 1))
    yield {"plan": plan, "others": others}
    data.clear_cache()


def test_policy_adviser_reads_recidive_and_the_korvel_effect_and_changes_the_comparison(page, korvel_data):
    page.set_default_timeout(180000)  # the machine running the suite may be busy; the first pages warm the protected set
    make_user(roles.BELEIDSMEDEWERKER, username="beleid", gemeente_id="GM0855")
    login(page, "beleid", TEST_PASSWORD)

    page.goto("/gebied/recidive/?gemeente=GM0855")
    assert "Recidive" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("svg.line-chart").count() >= 1

    page.goto(f"/preventie/plannen/{korvel_data['plan'].pk}/")
    page.get_by_role("link", name="Effect schatten van Huisbezoeken na een eerste melding").click()
    page.wait_for_load_state("networkidle")
    assert "wijk=WK085517" in page.url and "start=2024-01-01" in page.url
    choice = page.locator("table#tabel-vergelijkingswijken")
    assert choice.locator("text=(voorgesteld)").count() == 5
    assert "trend voor de start" in choice.inner_text() and "CBS-profiel op afstand" in choice.inner_text()
    outcome = page.locator("#uitkomst ~ p.estimate")
    assert "Geschat effect: −" in outcome.inner_text() and "95%-interval" in outcome.inner_text()
    assert "Dit is een samenhang, geen bewijs" in page.locator("#uitkomst ~ p").nth(2).inner_text()

    # the adviser drops all but two suggested wijken and adds one that was not suggested
    boxes = choice.locator("input[type=checkbox]")
    checked = [boxes.nth(i) for i in range(boxes.count()) if boxes.nth(i).is_checked()]
    unchecked = [boxes.nth(i) for i in range(boxes.count()) if not boxes.nth(i).is_checked()]
    for box in checked[2:]:
        box.uncheck()
    if unchecked:
        unchecked[0].check()
    kept = sorted(box.get_attribute("value") for box in [*checked[:2], *unchecked[:1]])
    page.get_by_role("button", name="Schat het effect").click()
    page.wait_for_load_state("networkidle")
    assert sorted(v.split("=")[1] for v in page.url.split("&") if v.startswith("vergelijk=")) == kept
    assert page.get_by_text("door u gekozen").count() == 1
    outcome = page.locator("#uitkomst ~ p.estimate")
    assert "Geschat effect: −" in outcome.inner_text() and "95%-interval" in outcome.inner_text()
    assert page.locator("table#tabel-effect-reeksen").count() == 1


def test_regional_account_opens_the_region_page_with_recidive(page, korvel_data):
    page.set_default_timeout(180000)
    from zicht.geo.models import VtRegio

    make_user(roles.BELEIDSMEDEWERKER, username="regio", regio=VtRegio.objects.get(code="midden-brabant"))
    login(page, "regio", TEST_PASSWORD)
    page.get_by_role("link", name="Regio", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "/gebied/regio/midden-brabant/" in page.url
    recidive = page.locator("table#tabel-recidive")
    assert "Goirle" in recidive.inner_text() and "Tilburg" in recidive.inner_text() and "Regio" in recidive.inner_text()
    response = page.request.get(page.get_by_role("link", name="Factsheet (PDF)").get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
