"""Issue 3 in a real browser: the ketenregisseur reviews one uncertain pair and decides."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.core.testing import TEST_PASSWORD, make_region, make_user
from zicht.linkage import services
from zicht.linkage.models import LinkDecision, ReviewPair
from zicht.linkage.tests.test_services import REGION, make_registry

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ketenregisseur_rejects_an_uncertain_pair(page):
    make_registry()
    services.run_batch()
    rp = ReviewPair.objects.filter(status="open").order_by("-match_weight").first()
    assert rp is not None
    make_user(roles.KETENREGISSEUR, username="regie", regio=make_region(REGION))

    login(page, "regie", TEST_PASSWORD)
    page.goto("/koppeling/")
    assert page.get_by_role("heading", name="Koppelingen beoordelen").is_visible()
    # names are hidden on the list until revealed
    first_name = page.locator("#queue-table .masked").first
    assert "masked" in (first_name.get_attribute("class") or "")
    page.get_by_role("button", name="Namen tonen of verbergen").click()
    assert page.locator("#queue-table.is-revealed").count() == 1

    page.get_by_role("link", name=f"Paar {rp.pk} beoordelen").click()
    # purpose binding before personal data opens
    page.get_by_label("Beoordeling koppeling van personen").check()
    page.get_by_role("button", name="Doorgaan").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Waarom dit matchgewicht").is_visible()
    assert page.get_by_role("table", name="Bijdrage per gegeven aan het matchgewicht (log2 van de Bayes-factor)").is_visible()

    page.get_by_label("Nee, verschillende personen (niet koppelen)").check()
    page.get_by_label("Reden (verplicht; wordt vastgelegd met uw naam en tijdstip)").fill("Andere vader volgens BRP-bevraging")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Besluit vastgelegd: verschillende personen.").is_visible()

    rp.refresh_from_db()
    assert rp.status == "rejected"
    decision = LinkDecision.objects.get(review_pair=rp)
    assert decision.kind == "no_link" and decision.decided_by.username == "regie"
    assert AccessLogEntry.objects.filter(record_type="linkage_pair", record_id=str(rp.pk), action="view").exists()
