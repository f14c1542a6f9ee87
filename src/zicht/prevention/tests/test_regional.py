"""Issue 15 item 5: a regional plan next to local plans, regional agreements on the gemeente's
plan, scoping (the regional coordinator edits, a gemeente reads), and the matrix at region level."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_gemeente, make_organisation, make_region, make_user
from zicht.prevention.domain import regional as reg
from zicht.prevention.models import PartnerProfile, PlanIntervention, PlanSection, PreventionPlan

E, R = reg.EDIT, reg.READ
BM, KR, FB = "beleidsmedewerker", "ketenregisseur", "functioneel_beheerder"


@pytest.mark.parametrize(
    "role, plan_gemeente, plan_regio, editable, profile_gemeente, profile_regio, user_regio, expected",
    [
        (BM, "GM1", None, {"GM1"}, "GM1", None, "r1", E),  # own local plan
        (BM, "GM2", None, {"GM1"}, "GM1", None, "r1", None),  # another gemeente's plan: not there
        (KR, "GM1", None, {"GM1"}, None, "r1", "r1", R),  # a ketenregisseur reads the region's local plans
        (BM, None, "r1", {"GM1"}, "GM1", None, "r1", R),  # a gemeente reads its region's plan
        (BM, None, "r1", {"GM1", "GM2"}, None, "r1", "r1", E),  # the regional coordinator edits it
        (BM, None, "r2", {"GM1", "GM2"}, None, "r1", "r1", None),  # another region's plan: not there
        (BM, None, "r2", {"GM9"}, "GM9", None, "r1", None),
        (KR, None, "r1", {"GM1"}, None, "r1", "r1", R),  # a ketenregisseur is no policy coordinator
        (FB, None, "r1", set(), None, None, "r1", None),
        (None, "GM1", None, {"GM1"}, "GM1", None, "r1", None),
    ],
)
def test_plan_access(role, plan_gemeente, plan_regio, editable, profile_gemeente, profile_regio, user_regio, expected):
    got = reg.plan_access(
        role,
        plan_gemeente=plan_gemeente,
        plan_regio=plan_regio,
        editable_gemeenten=frozenset(editable),
        profile_gemeente=profile_gemeente,
        profile_regio=profile_regio,
        user_regio=user_regio,
    )
    assert got == expected


def test_applicable_lines_and_coverage():
    lines = [{"schaal": "regionaal", "n": 1}, {"schaal": "lokaal", "n": 2}]
    assert reg.applicable_regional_lines(lines) == [lines[0]]
    cov = reg.coverage_by_gemeente({"a": "G1", "b": "G2", "c": "G9"}, {"a": {"x", "y"}, "b": {"x"}, "c": {"y"}}, ["G1", "G2"], ["x", "y"])
    assert cov == {"G1": {"x": 1, "y": 1}, "G2": {"x": 1, "y": 0}}
    assert reg.matrix_agreement({"G1": {"p": {"x"}}, "G2": {"p": {"x", "y"}}}) == {"p": {"x": 2, "y": 1}}


@pytest.fixture
def brabant(db):
    tilburg = make_gemeente("GM0855", "Tilburg", regio="Midden-Brabant")
    goirle = make_gemeente("GM0785", "Goirle", regio="Midden-Brabant")
    breda = make_gemeente("GM0758", "Breda", regio="West-Brabant")
    return {"tilburg": tilburg, "goirle": goirle, "breda": breda, "mb": make_region("Midden-Brabant"), "wb": make_region("West-Brabant")}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(brabant):
    return {
        "coordinator": _client(make_user(roles.BELEIDSMEDEWERKER, username="coord", regio=brabant["mb"])),
        "tilburg": _client(make_user(roles.BELEIDSMEDEWERKER, username="tb", gemeente=brabant["tilburg"])),
        "breda": _client(make_user(roles.BELEIDSMEDEWERKER, username="br", gemeente=brabant["breda"])),
        "coordinator_wb": _client(make_user(roles.BELEIDSMEDEWERKER, username="coordwb", regio=brabant["wb"])),
    }


def test_the_coordinator_edits_the_regional_plan_and_a_gemeente_reads_it(brabant, people):
    response = people["coordinator"].post(
        reverse("prevention:plan_create_regional"), {"titel": "Regionale aanpak 2026", "periode": "2026–2028"}
    )
    assert response.status_code == 302
    plan = PreventionPlan.objects.get(titel="Regionale aanpak 2026")
    assert plan.is_regional and plan.regio_id == "midden-brabant" and plan.gemeente_id is None
    assert PlanSection.objects.filter(plan=plan).exists()
    url = reverse("prevention:plan_line_add", args=[plan.pk])
    assert (
        people["coordinator"].post(url, {"line-naam": "Regionaal Zorg- en Veiligheidshuis-overleg", "line-schaal": "regionaal"}).status_code
        == 302
    )
    assert people["coordinator"].post(url, {"line-naam": "Alleen in Goirle: voorlichting", "line-schaal": "lokaal"}).status_code == 302
    assert PlanIntervention.objects.get(naam__startswith="Regionaal").schaal == "regionaal"

    detail = reverse("prevention:plan", args=[plan.pk])
    page = people["coordinator"].get(detail).content.decode()
    assert "Regionaal plan, Veilig Thuis-regio Midden-Brabant" in page and 'id="alleen-inzien"' not in page

    tilburg = people["tilburg"]
    page = tilburg.get(detail)
    assert page.status_code == 200 and 'id="alleen-inzien"' in page.content.decode()
    sections = reverse("prevention:plan_sections", args=[plan.pk])
    assert tilburg.post(sections, {"s-stand_van_zaken": "overschreven"}).status_code == 403
    assert tilburg.post(url, {"line-naam": "x"}).status_code == 403
    assert tilburg.post(reverse("prevention:plan_create_regional"), {"titel": "Eigen regioplan"}).status_code == 403
    assert tilburg.get(reverse("prevention:plan_export", args=[plan.pk, "docx"])).status_code == 200

    # another region: the plan does not exist for them, and their coordinator cannot change it
    assert people["breda"].get(detail).status_code == 404
    assert people["coordinator_wb"].post(sections, {"s-stand_van_zaken": "x"}).status_code == 404

    listing = tilburg.get(reverse("prevention:plans")).content.decode()
    assert "Regionale aanpak 2026" in listing and "inzien" in listing
    assert "Regionale aanpak 2026" not in people["breda"].get(reverse("prevention:plans")).content.decode()


def test_the_gemeente_plan_shows_the_regional_agreements_that_apply(brabant, people):
    regional = PreventionPlan.objects.create(titel="Regioplan", regio=brabant["mb"])
    PlanIntervention.objects.create(plan=regional, naam="Regionale afspraak: één meldroute", schaal="regionaal")
    PlanIntervention.objects.create(plan=regional, naam="Lokale pilot Goirle", schaal="lokaal")
    other = PreventionPlan.objects.create(titel="Ander regioplan", regio=brabant["wb"])
    PlanIntervention.objects.create(plan=other, naam="West-Brabantse afspraak", schaal="regionaal")
    local = PreventionPlan.objects.create(titel="Tilburg 2026", gemeente=brabant["tilburg"])
    page = people["tilburg"].get(reverse("prevention:plan", args=[local.pk])).content.decode()
    assert 'id="regionale-afspraken"' in page
    assert "Regionale afspraak: één meldroute" in page
    assert "Lokale pilot Goirle" not in page and "West-Brabantse afspraak" not in page
    # the coordinator may also open and edit the local plans of the region's gemeenten (gemeente rule)
    assert people["coordinator"].get(reverse("prevention:plan", args=[local.pk])).status_code == 200
    assert people["breda"].get(reverse("prevention:plan", args=[local.pk])).status_code == 404


def test_a_plan_is_of_a_gemeente_or_of_a_region_never_both(brabant):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PreventionPlan.objects.create(titel="Beide", gemeente=brabant["tilburg"], regio=brabant["mb"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PreventionPlan.objects.create(titel="Geen van beide")


def test_the_matrix_at_region_level(brabant, people):
    for code, gemeente, bouw in (
        ("school-tb", "tilburg", ["vertrouwen", "taboe"]),
        ("wijkteam-goirle", "goirle", ["vertrouwen"]),
        ("school-breda", "breda", ["taboe"]),
    ):
        org = make_organisation(code, type="onderwijs", naam=code, gemeente=brabant[gemeente])
        PartnerProfile.objects.create(organisation=org, partnertype="onderwijs", bouwstenen=bouw)
    response = people["tilburg"].get(reverse("prevention:matrix_region"))
    assert response.status_code == 200
    ctx = response.context
    rows = {r["naam"]: r["cells"] for r in ctx["coverage_rows"]}
    order = [b.code for b in ctx["bouwstenen"]]
    assert rows["Tilburg"][order.index("taboe")] == 1 and rows["Goirle"][order.index("taboe")] == 0
    assert rows["Goirle"][order.index("vertrouwen")] == 1
    assert {r["org"].code for r in ctx["org_rows"]} == {"school-tb", "wijkteam-goirle"}  # Breda is another region
    assert people["breda"].get(reverse("prevention:matrix_region"), {"regio": "midden-brabant"}).status_code == 404
