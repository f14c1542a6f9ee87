"""Issue 18: the gebiedscan's Python-built text (table titles, headers, notes, chart and map titles,
factsheet PDF, exports) comes out in English when the user chose English, and stays Dutch by
default; the identifiers (table ids, row codes, cells, the audit's grid) never change with the
language."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from zicht.access import roles
from zicht.areas.figures import gemeente_figures, wijk_figures
from zicht.areas.policy import default_policy
from zicht.core.testing import make_user
from zicht.geo.models import Gemeente, Wijk

from .conftest import KORVEL

_users = itertools.count()


def _client(language: str | None) -> Client:
    client = Client()
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, username=f"beleid-{language}-{next(_users)}"))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.django_db
def test_gemeente_and_wijk_pages_in_english_and_dutch(tilburg_reports):
    en = _client("en").get("/gebied/?jaar=2024").content.decode()
    for text in (
        "Reports per 1,000 inhabitants per district, 2024",
        "Inhabitants (CBS)",
        "Per 1,000 inhabitants computed from the rounded count",
        "Reports by perpetrator–victim relationship per district, 2024",
        "Reports, per month and source, 2024",
        "Risk factors from CBS figures",
        "Suppressed (&lt;10 or ×) or no data",  # the map legend
    ):
        assert text in en, text
    assert "Meldingen per 1.000 inwoners per wijk" not in en and "Inwoners (CBS)" not in en
    # each cell's reason (hover and screen reader) follows the page, though the cells are cached
    assert "Rounded to a multiple of 5." in en and "(primary suppression)" in en
    assert "Afgerond op een veelvoud" not in en and "primaire onderdrukking" not in en
    nl = _client(None).get("/gebied/?jaar=2024").content.decode()
    assert "Meldingen per 1.000 inwoners per wijk, 2024" in nl and "Inwoners (CBS)" in nl
    assert "Afgerond op een veelvoud van 5." in nl and "(primaire onderdrukking)" in nl and "Rounded to" not in nl
    assert "Reports per 1,000 inhabitants" not in nl

    wijk = _client("en").get(f"/gebied/wijk/{KORVEL}/?jaar=2024").content.decode()
    assert "Reports per 1,000 inhabitants: district and municipality, 2024" in wijk
    assert "Reports per neighbourhood and source, 2024" in wijk and "Reports in Korvel, per month, 2024" in wijk


@pytest.mark.django_db
def test_the_figures_keep_their_identifiers_in_every_language(tilburg_reports):
    gemeente = Gemeente.objects.get(code="GM0855")
    wijk = Wijk.objects.select_related("gemeente").get(code=KORVEL)
    for build in (lambda: gemeente_figures(gemeente, 2024, default_policy()), lambda: wijk_figures(wijk, 2024, default_policy())):
        with translation.override("nl"):
            nl = build()
        with translation.override("en"):
            en = build()
        assert [t.id for t in en.tables] == [t.id for t in nl.tables]
        for t_en, t_nl in zip(en.tables, nl.tables, strict=True):
            assert [r.code for r in t_en.body()] == [r.code for r in t_nl.body()]
            assert [(c.value, c.status, c.display) for c in t_en.all_cells()] == [(c.value, c.status, c.display) for c in t_nl.all_cells()]
            assert t_en.extra.get("grid") == t_nl.extra.get("grid")  # what zicht disclosure-audit attacks
        assert en.table("maanden").title != nl.table("maanden").title
        assert en.period.year == nl.period.year


@pytest.mark.django_db
def test_exports_in_english_keep_their_table_ids(tilburg_reports):
    client = _client("en")
    response = client.get("/gebied/export/GM0855.csv?jaar=2024&tabel=per1000")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-per1000.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Reports per 1,000 inhabitants per district, 2024"]
    assert rows[1] == ["District", "Reports", "Inhabitants (CBS)", "Per 1,000 inhabitants"]
    assert rows[-2] and rows[-1][0].startswith("Sources: Zicht registry")
    dutch = list(
        csv.reader(
            io.StringIO(_client(None).get("/gebied/export/GM0855.csv?jaar=2024&tabel=per1000").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert dutch[1] == ["Wijk", "Meldingen", "Inwoners (CBS)", "Per 1.000 inwoners"]
    workbook = load_workbook(io.BytesIO(client.get("/gebied/export/GM0855.xlsx?jaar=2024").content))
    assert "per1000" in workbook.sheetnames and "maanden" in workbook.sheetnames  # sheet names are the table ids
    assert workbook["maanden"]["B2"].value and workbook["maanden"]["A2"].value == "Month"


@pytest.mark.django_db
def test_factsheet_pdf_in_english_and_dutch(tilburg_reports):
    en = _pdf_text(_client("en").get("/gebied/factsheet/GM0855.pdf?jaar=2024").content)
    for text in (
        "Factsheet municipality Tilburg",
        "Reports by kind of violence",
        "Key figures",
        "Recidivism: share with a new registration",
        "This area scan describes areas, never persons or households",
        "Disclosure control: counts rounded to 5",
        "Made with Zicht on",
        "same address within 12 months",
    ):
        assert text in en, text
    assert "Meldingen naar aard van het geweld" not in en and "Onthullingsbeveiliging" not in en
    nl = _pdf_text(_client(None).get("/gebied/factsheet/GM0855.pdf?jaar=2024").content)
    assert "Factsheet gemeente Tilburg" in nl and "Meldingen naar aard van het geweld" in nl and "Gemaakt met Zicht op" in nl
    assert "Reports by kind of violence" not in nl


def test_the_effect_sentences_follow_the_language():
    """effects.py stays free of Django: the view passes ``gettext`` as ``_``; without it the text is Dutch."""
    from zicht.areas.effects import Estimate, ParallelCheck, Series, did_estimate, wording

    estimate = Estimate(-0.2, -0.3, -0.1, 0.01)
    dutch = wording(estimate, "Korvel", ["Fatima", "Jeruzalem"])
    assert (
        dutch.startswith("Na de start waren er in Korvel naar schatting 20% minder registraties")
        and "(95%-interval -30% tot -10%)" in dutch
    )
    check = ParallelCheck(0.12, 0.05, 0.2, False)
    assert check.warning == check.warning_text() and "in het gebied sneller steeg" in check.warning
    refused = did_estimate(Series("WK1", [1] * 30, 1000), [], 12)
    assert refused.refused == "Geen vergelijkingsgebieden gekozen."
    with translation.override("en"):
        english = wording(estimate, "Korvel", ["Fatima", "Jeruzalem"], _=translation.gettext)
        warning = check.warning_text("Korvel", _=translation.gettext)
        refused_en = did_estimate(Series("WK1", [1] * 30, 1000), [], 12, _=translation.gettext)
    assert english.startswith("After the start, Korvel had an estimated 20% fewer registrations")
    assert "(95% interval -30% to -10%)" in english and "not proof" in english
    assert warning.startswith("Note: before the start the trends were not parallel") and "in Korvel rose faster" in warning
    assert refused_en.refused == "No comparison areas chosen."
