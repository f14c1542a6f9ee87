"""Issue 2: log in in Debian's Chromium and see the wijk table on the home page."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user
from zicht.core.tests.factories import AddressFactory, BuurtFactory, ReportFactory, WijkFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_see_wijk_table(page):
    korvel = WijkFactory(code="WK085517", naam="Korvel")
    ReportFactory.create_batch(42, address=AddressFactory(buurt=BuurtFactory(wijk=korvel)))
    make_user(roles.BELEIDSMEDEWERKER, username="beleid")

    login(page, "beleid", TEST_PASSWORD)

    table = page.locator("table#wijktabel")
    assert table.is_visible()
    assert "Registraties per wijk" in table.locator("caption").inner_text()
    korvel_row = table.locator("tbody tr", has_text="Korvel")
    assert (
        korvel_row.locator("td").first.inner_text().strip() == "40"
    )  # 42 rounded to the base; a wijk total of 10–19 is suppressed (issue 12)
