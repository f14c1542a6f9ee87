"""Typed plan indicators with measured values, reach and fidelity; on the page and in the PDF/DOCX export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.prevention import export, services
from zicht.prevention.models import IndicatorMeting, PlanIndicator, PlanIntervention, PreventionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(client, korvel):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, gemeente=korvel.gemeente))
    return PreventionPlan.objects.create(titel="Plan Korvel", gemeente=korvel.gemeente, wijk=korvel, periode="2025–2027")


def _docx_text(content: bytes) -> tuple[str, int]:
    from docx import Document

    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    return text, len(doc.inline_shapes)


def test_free_text_indicator_still_works(client, plan):
    client.post(
        reverse("prevention:plan_indicator", args=[plan.pk]),
        {"ind-naam": "Tevredenheid", "ind-soort": "effect", "ind-baseline": "6,5", "ind-streefwaarde": "7,5"},
    )
    indicator = PlanIndicator.objects.get()
    assert (indicator.type, indicator.figuur) == ("tekst", "")
    assert services.plan_snapshot(plan)["indicators"][0]["metingen"] == []
    assert "Tevredenheid" in client.get(reverse("prevention:plan", args=[plan.pk])).content.decode()


@pytest.mark.parametrize(
    "kind, figuur, ok",
    [
        ("register", "per1000", True),
        ("register", "pct_65plus", False),
        ("register", "", False),
        ("cbs", "pct_65plus", True),
        ("cbs", "per1000", False),
        ("hand", "per1000", True),
        ("tekst", "", True),
    ],
)
def test_indicator_type_needs_a_matching_figure(client, plan, kind, figuur, ok):
    client.post(
        reverse("prevention:plan_indicator", args=[plan.pk]),
        {"ind-naam": "X", "ind-soort": "effect", "ind-type": kind, "ind-figuur": figuur},
    )
    assert PlanIndicator.objects.exists() == ok
    if ok and kind == "hand":
        assert PlanIndicator.objects.get().figuur == ""  # a figure only belongs to register and CBS


def test_hand_entered_values_chart_table_progress_and_export(client, plan):
    indicator = PlanIndicator.objects.create(
        plan=plan, naam="Bereikte gezinnen", soort="proces", type="hand", baseline="0", streefwaarde="40"
    )
    url = reverse("prevention:plan_indicator_meting", args=[plan.pk, indicator.pk])
    p = f"met{indicator.pk}"
    client.post(url, {f"{p}-datum": "2025-06-30", f"{p}-waarde": "12", f"{p}-bron": "Presentielijsten"})
    client.post(url, {f"{p}-datum": "2025-12-31", f"{p}-waarde": "30", f"{p}-bron": "Presentielijsten"})
    client.post(url, {f"{p}-datum": "", f"{p}-waarde": "x", f"{p}-bron": ""})  # invalid: not saved
    assert list(IndicatorMeting.objects.values_list("waarde", flat=True)) == [12.0, 30.0]

    html = client.get(reverse("prevention:plan", args=[plan.pk])).content.decode()
    assert f'id="tabel-indicator-{indicator.pk}"' in html and "<svg" in html
    assert "75% van de weg van nulmeting naar streefwaarde" in html
    assert "2025-12-31" in html and "Presentielijsten" in html

    docx = client.get(reverse("prevention:plan_export", args=[plan.pk, "docx"]))
    text, images = _docx_text(docx.content)
    assert "Metingen: Bereikte gezinnen" in text and "Presentielijsten" in text and images == 1
    pdf = client.get(reverse("prevention:plan_export", args=[plan.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    model = export.document_model(services.plan_snapshot(plan))
    (evaluatie,) = [s for s in model["sections"] if s["code"] == "evaluatie"]
    assert evaluatie["charts"][0]["rows"] == [["2025-06-30", "12", "Presentielijsten"], ["2025-12-31", "30", "Presentielijsten"]]


def test_measured_values_only_for_hand_indicators_and_only_by_editors(client, plan, korvel):
    cbs = PlanIndicator.objects.create(plan=plan, naam="65+", type="cbs", figuur="pct_65plus")
    data = {f"met{cbs.pk}-datum": "2025-01-01", f"met{cbs.pk}-waarde": "1", f"met{cbs.pk}-bron": "x"}
    assert client.post(reverse("prevention:plan_indicator_meting", args=[plan.pk, cbs.pk]), data).status_code == 404
    hand = PlanIndicator.objects.create(plan=plan, naam="Deelnemers", type="hand")
    client.force_login(make_user(roles.KETENREGISSEUR, gemeente=korvel.gemeente))
    response = client.post(
        reverse("prevention:plan_indicator_meting", args=[plan.pk, hand.pk]),
        {f"met{hand.pk}-datum": "2025-01-01", f"met{hand.pk}-waarde": "1", f"met{hand.pk}-bron": "x"},
    )
    assert response.status_code == 403 and not IndicatorMeting.objects.exists()


def test_cbs_indicator_reads_the_key_figure_of_the_plan_area(plan):
    PlanIndicator.objects.create(
        plan=plan, naam="Lage inkomens", type="cbs", figuur="pct_hh_laag_inkomen", baseline="13", streefwaarde="11"
    )
    (ind,) = services.plan_snapshot(plan)["indicators"]
    assert [(p["periode"], p["display"]) for p in ind["metingen"]] == [("2022", "13,0%")]
    assert ind["figuur_label"].startswith("Huishoudens") or ind["figuur_label"]


def test_reach_and_fidelity(client, plan):
    line = PlanIntervention.objects.create(plan=plan, naam="Opstapje")
    url = reverse("prevention:plan_line", args=[plan.pk, line.pk])
    base = {
        "line-naam": "Opstapje",
        "line-doelgroep_omvang": "400",
        "line-bereikt": "120",
        "line-bijeenkomsten": "8",
        "line-uitvoering_van": "2026-02-01",
        "line-uitvoering_tot": "2026-06-30",
    }
    # "deels" needs a note; more reached than the group; end before start
    assert client.post(url, {**base, "line-zoals_bedoeld": "deels"}).status_code == 200
    assert client.post(url, {**base, "line-bereikt": "500"}).status_code == 200
    assert client.post(url, {**base, "line-uitvoering_tot": "2026-01-01"}).status_code == 200
    line.refresh_from_db()
    assert line.bereikt is None
    response = client.post(url, {**base, "line-zoals_bedoeld": "deels", "line-uitvoering_toelichting": "Minder bijeenkomsten"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.bereikt, line.zoals_bedoeld, line.uitvoering_van) == (120, "deels", date(2026, 2, 1))
    html = client.get(reverse("prevention:plan", args=[plan.pk])).content.decode()
    assert 'id="bereik-tabel"' in html and "30%" in html and "Deels" in html and "Minder bijeenkomsten" in html
    assert "/gebied/effect/?gemeente=GM0855&amp;wijk=WK085517&amp;start=2026-02-01" in html
    row = export.document_model(services.plan_snapshot(plan))
    uitvoering = next(s for s in row["sections"] if s["code"] == "uitvoering")["table"]["rows"][0]
    assert uitvoering[-2:] == ["120 van 400 (30%), 8 bijeenkomsten, 1-2-2026 t/m 30-6-2026", "deels: Minder bijeenkomsten"]
    text, _ = _docx_text(client.get(reverse("prevention:plan_export", args=[plan.pk, "docx"])).content)
    assert "120 van 400 (30%)" in text
