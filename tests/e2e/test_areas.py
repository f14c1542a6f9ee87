"""Browser test: a beleidsmedewerker opens Korvel's wijk page, its map and its factsheet."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def korvel_data(transactional_db):
    from django.core.cache import cache

    from zicht.areas import data
    from zicht.areas.tests.helpers import make_reports
    from zicht.geo.loaders import load_geo
    from zicht.geo.models import Buurt

    data.clear_cache()
    cache.clear()
    load_geo(gemeente="GM0855")
    buurten = list(Buurt.objects.filter(wijk_id__in=["WK085517", "WK085516"]).values_list("code", flat=True))
    make_reports(buurten, 400, seed=5)
    yield
    data.clear_cache()


def test_korvel_page_map_and_factsheet(page, korvel_data):
    make_user(roles.BELEIDSMEDEWERKER, username="beleid")
    login(page, "beleid", TEST_PASSWORD)

    page.goto("/gebied/wijk/WK085517/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Wijk Korvel")
    assert page.get_by_text("nooit personen of huishoudens").first.is_visible()
    # Every figure is disclosure-controlled; suppressed cells explain themselves on hover.
    suppressed = page.locator("span.suppressed[data-dc='primary']").first
    assert "primaire onderdrukking" in suppressed.get_attribute("title")
    assert page.locator("table#tabel-risicoprofiel").is_visible()

    page.get_by_role("link", name="Kaart van Tilburg").click()
    page.wait_for_load_state("networkidle")
    korvel = page.locator("svg.choropleth a[data-code='WK085517']")
    assert korvel.count() == 1 and "Korvel" in korvel.get_attribute("aria-label")
    assert page.locator(".map-legend li").count() >= 2
    korvel.click()
    page.wait_for_load_state("networkidle")
    assert "/gebied/wijk/WK085517/" in page.url

    page.get_by_role("link", name="Factsheet", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Factsheet wijk Korvel"
    assert page.locator(".tile").count() >= 4
    response = page.request.get("/gebied/factsheet/WK085517.pdf")
    assert response.ok and response.body()[:4] == b"%PDF"
