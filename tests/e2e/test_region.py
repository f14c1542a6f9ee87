"""Browser test: a beleidsmedewerker of Tilburg goes from the menu to the Midden-Brabant region page,
compares its gemeenten on the map and in the tables, and is refused a neighbour's detail page."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region_data(transactional_db):
    from django.core.cache import cache

    from zicht.areas import data
    from zicht.areas.tests.helpers import make_reports
    from zicht.geo.loaders import load_geo
    from zicht.geo.models import Buurt
    from zicht.geo.regiodata import load_regions

    data.clear_cache()
    cache.clear()
    for code in ("GM0855", "GM0785"):
        load_geo(gemeente=code)
    load_regions()
    make_reports(list(Buurt.objects.filter(gemeente_id="GM0855").values_list("code", flat=True)[:5]), 300, seed=5)
    make_reports(list(Buurt.objects.filter(gemeente_id="GM0785").values_list("code", flat=True)[:2]), 4, seed=6, addresses_per_buurt=2)
    yield
    data.clear_cache()


def test_region_page_compares_the_gemeenten(page, region_data):
    make_user(roles.BELEIDSMEDEWERKER, username="beleid", gemeente_id="GM0855")
    login(page, "beleid", TEST_PASSWORD)

    page.get_by_role("link", name="Regio", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "/gebied/regio/midden-brabant/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Veilig Thuis-regio Midden-Brabant"
    assert page.locator("svg.choropleth [data-code='GM0785']").count() == 1
    table = page.locator("table#tabel-per1000")
    assert "Goirle" in table.inner_text() and "Tilburg" in table.inner_text()
    # Goirle's few reports are suppressed, and so is the region total that would give them back
    assert table.locator("tfoot span.suppressed").count() >= 1
    # the own gemeente links to its detail page; the neighbour's detail is not for this account
    table.get_by_role("link", name="Tilburg").click()
    page.wait_for_load_state("networkidle")
    assert "gemeente=GM0855" in page.url
    response = page.request.get("/gebied/?gemeente=GM0785")
    assert response.status == 403
