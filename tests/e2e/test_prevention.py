"""Issue 7: a beleidsmedewerker builds a prevention plan for Korvel from the suggestions and exports it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user
from zicht.geo.models import Gemeente, Kerncijfer, Wijk
from zicht.prevention.demo import load_demo
from zicht.prevention.services import load_package_catalogue

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURES = {  # Korvel test values against Tilburg (9.7% laag inkomen as in KWB 2017)
    "WK085517": {"pct_hh_laag_inkomen": 13.0, "pct_hhd_met_kind": 36.0, "pct_eenpersoonshhd": 38.0},
    "GM0855": {"pct_hh_laag_inkomen": 9.7, "pct_hhd_met_kind": 30.0, "pct_eenpersoonshhd": 40.0},
}


def test_build_plan_for_korvel_from_suggestions_and_export(page):
    tilburg = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    Wijk.objects.create(code="WK085517", naam="Korvel", gemeente=tilburg, indeling_jaar=2024)
    for area, values in FIGURES.items():
        for key, value in values.items():
            Kerncijfer.objects.create(area_code=area, jaar=2022, indicator=key, value=value, unit="%", bron="test")
    load_package_catalogue()  # a transactional test before this one may have flushed the migration's rows
    load_demo()
    make_user(roles.BELEIDSMEDEWERKER, username="beleid", gemeente=tilburg)

    login(page, "beleid", TEST_PASSWORD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Preventie").click()
    assert page.get_by_role("heading", name="Van risicofactor naar beleidskader").is_visible()
    page.get_by_role("navigation", name="Preventie").get_by_role("link", name="Preventieplannen").click()

    page.get_by_label("Titel").fill("Preventieplan Korvel 2026–2028")
    page.get_by_label("Wijk (leeg: hele gemeente)").select_option("WK085517")
    page.get_by_label("Looptijd").fill("2026–2028")
    page.get_by_role("button", name="Plan aanmaken").click()

    assert page.get_by_role("heading", name="Preventieplan Korvel 2026–2028").is_visible()
    suggestions = page.locator("ol.suggestions > li")
    assert suggestions.count() >= 3
    reason = suggestions.first.locator("li.reason").first.inner_text()
    assert re.search(r"Korvel: .+ vs gemeente .+ → .+preventie", reason)
    assert "laag inkomen 13,0% vs gemeente 9,7%" in page.locator("ol.suggestions").inner_text()

    for item in ("suggestie-schuldhulpverlening", "suggestie-opstapje"):
        page.locator(f"#{item}").get_by_role("button", name=re.compile("Toevoegen aan plan")).click()
        assert page.locator(f"#{item}").get_by_text("Staat in het plan.").is_visible()
    lines = page.locator("table#planregels tbody tr")
    assert lines.count() == 2 and "Korvel:" in lines.first.inner_text()

    page.locator("table#planregels tbody tr", has_text="Opstapje").get_by_role("link", name=re.compile("Bewerken")).click()
    page.get_by_label("Eigenaar (uitvoerder)").select_option(label="Jeugdgezondheidszorg Hart van Brabant (demo)")
    page.get_by_label("Budget (€)").fill("12500")
    page.get_by_role("button", name="Opslaan").click()
    assert "€ 12.500,00" in page.locator("table#planregels").inner_text()

    page.get_by_label("4a. Doelstellingen").fill("Minder gezinnen met opvoedstress in Korvel.")
    page.get_by_role("button", name="Teksten opslaan").click()
    page.get_by_label("Opmerking bij de versie").fill("Eerste concept")
    page.get_by_role("button", name="Versie vastleggen").click()
    assert page.locator("table#versietabel tbody tr").count() == 1

    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Exporteer als PDF").click()
    pdf = Path(pdf_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 3000
    assert pdf_info.value.suggested_filename.endswith(".pdf")

    with page.expect_download() as docx_info:
        page.get_by_role("link", name="Exporteer als Word (DOCX)").click()
    from docx import Document

    doc = Document(docx_info.value.path())
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Minder gezinnen met opvoedstress in Korvel." in text
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Opstapje" in cells and "Schuldhulpverlening (gemeente)" in cells
