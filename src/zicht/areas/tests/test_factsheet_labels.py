"""The factsheet PDF shows every label whole (issue 18: tiles, bars and table columns cut long
wijk names, risk factors and indicators), and the gemeente's sheet ends with its infographic."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from zicht.access import roles
from zicht.areas.disclosure import control_total
from zicht.areas.factsheet import render_pdf, wrap_label
from zicht.core.testing import make_user

LONG_WIJK = "Wijk Reeshof-Noord met de Heikant, Quirijnstok en het Stappegoor-gebied"
LONG_TILE = "herhaalde meldingen op hetzelfde adres binnen twaalf maanden na de eerste"
LONG_SUB = "zelfde adres binnen 12 maanden, afgerond op vijf en onder de tien onderdrukt"
LONG_BAR = "Kindermishandeling: lichamelijke en psychische verwaarlozing van een kind"
LONG_RISK = "Financiële problemen en schulden in het huishouden"
LONG_INDICATOR = "Huishoudens met een inkomen rond het sociaal minimum (percentage)"
LONG_HEADER = "Nieuwe registratie binnen 24 maanden na afloop"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize(
    "text, width, lines",
    [("kort", 100, 1), (LONG_WIJK, 100, 3), ("", 100, 1)],
)
def test_wrap_label_keeps_every_word(text, width, lines):
    wrapped = wrap_label(text, "Helvetica", 8.5, width)
    assert len(wrapped) >= lines and " ".join(wrapped).split() == text.split()


def test_pdf_text_contains_the_full_labels():
    sheet = {
        "title": "Factsheet wijk " + LONG_WIJK,
        "subtitle": "WK085517 · periode 2024.",
        "tiles": [("1.235", "meldingen", "2024"), ("55%", LONG_TILE, LONG_SUB), ("<10", "per 1.000 inwoners", "gemeente: 8,1")],
        "bars": [(LONG_BAR, control_total(120)), ("Partnergeweld", control_total(3))],
        "key_rows": [["", "Meldingen", "Per 1.000 inwoners", "Aandeel herhaald"], [LONG_WIJK, "125", "8,1", "12%"]],
        "recidive_rows": [["Nieuwe registratie", LONG_HEADER], ["Na een melding van partnergeweld in de wijk", "15%"]],
        "risk_rows": [["Risicofactor", "Indicator", "Gebied", "Gemeente", "Verhoogd"], [LONG_RISK, LONG_INDICATOR, "12,5%", "9,0%", "ja"]],
        "notes": ["Onthullingsbeveiliging: aantallen onder de 10 getoond als <10."],
    }
    text = _text(render_pdf(sheet))
    for label in (LONG_WIJK, LONG_TILE, LONG_SUB, LONG_BAR, LONG_RISK, LONG_INDICATOR, LONG_HEADER, "getoond als <10"):
        assert label in text, label


@pytest.mark.django_db
def test_gemeente_factsheet_ends_with_the_infographic(client, tilburg_reports):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    pdf = client.get("/gebied/factsheet/GM0855.pdf?jaar=2024").content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    last = reader.pages[-1]
    assert len(last.images) == 1 and "Huiselijk geweld en kindermishandeling in Tilburg" in (last.extract_text() or "")
    # every wijk name of the comparison table is whole in the text
    text = _text(pdf)
    from zicht.areas.data import wijken_of

    assert all(w.naam in text for w in wijken_of("GM0855"))
