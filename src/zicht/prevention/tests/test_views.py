"""Pages, roles, catalogue editing and import, the organisation map, matrix and the plan builder."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.prevention.demo import load_demo
from zicht.prevention.models import Intervention, MatrixCell, PlanVersion, PreventionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def beleid(client, korvel):
    user = make_user(roles.BELEIDSMEDEWERKER, gemeente=korvel.gemeente)
    client.force_login(user)
    return user


READ_PAGES = ["prevention:index", "prevention:catalogue", "prevention:organisations", "prevention:matrix", "prevention:plans"]


@pytest.mark.parametrize(
    "role, status",
    [
        (roles.BELEIDSMEDEWERKER, 200),
        (roles.KETENREGISSEUR, 200),
        (roles.FUNCTIONEEL_BEHEERDER, 200),
        (roles.PROFESSIONAL, 403),
        (roles.PRIVACY_OFFICER, 403),
    ],
)
def test_read_pages_by_role(client, korvel, role, status):
    client.force_login(make_user(role, gemeente=korvel.gemeente))
    assert [client.get(reverse(name)).status_code for name in READ_PAGES] == [status] * len(READ_PAGES)


def test_index_shows_the_seed_tables(client, beleid):
    html = client.get(reverse("prevention:index")).content.decode()
    for text in [
        "Universele preventie",
        "Zorggerichte preventie",
        "Begeleide terugkeer",
        "Integraal veiligheidsbeleid".lower(),
        "Het verstrekken van advies",
        "tegengaan van seksueel misbruik",
        "Minder armoede",
        "Gesloten gemeenschappen",
    ]:
        assert text in html or text in html.lower()


def test_catalogue_filters(client, beleid):
    url = reverse("prevention:catalogue")
    html = client.get(url, {"preventietype": "selectief", "leeftijd": 3, "risicofactor": "opvoedingsbelasting"}).content.decode()
    assert "Stevig Ouderschap" not in html  # 0–2 years
    assert "Opstapje" in html and "Home-Start" in html
    assert "Triple P" not in client.get(url, {"preventietype": "selectief"}).content.decode()
    html = client.get(url, {"erkenning": "erkend"}).content.decode()
    assert "verouderd" in html and "No Kidding" not in html


def test_catalogue_editing_roles(client, korvel):
    client.force_login(make_user(roles.KETENREGISSEUR))
    assert client.get(reverse("prevention:intervention_add")).status_code == 403
    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    response = client.post(
        reverse("prevention:intervention_add"),
        {
            "naam": "Buurtgezinscoach proef",
            "soort": "interventie",
            "beschrijving": "Lokale proef",
            "bron": "Raadsbesluit 2025",
            "erkenningsniveau": "onbekend",
            "erkenningsdatum": "",
            "preventietypes": ["selectief"],
            "risicofactoren": ["armoede"],
        },
    )
    assert response.status_code == 302
    item = Intervention.objects.get(slug="buurtgezinscoach-proef")
    assert (item.herkomst, item.preventietypes) == ("handmatig", ["selectief"])


def test_catalogue_import_reports_row_and_field(client, beleid):
    bad = "naam,soort,beschrijving,bron,erkenningsniveau\nGoed,interventie,x,bron,onbekend\nFout,cursus,x,bron,onbekend\n"
    response = client.post(reverse("prevention:catalogue_import"), {"bestand": io.BytesIO(bad.encode())})
    html = response.content.decode()
    assert "rij 3, veld &#x27;soort&#x27;" in html
    assert not Intervention.objects.filter(naam="Goed").exists()  # all or nothing
    good = "naam;soort;beschrijving;bron;preventietypes\nWijkouders;interventie;Ouders helpen ouders;Notitie;universeel|selectief\n"
    response = client.post(reverse("prevention:catalogue_import"), {"bestand": io.BytesIO(good.encode())})
    assert response.status_code == 302
    assert Intervention.objects.get(slug="wijkouders").preventietypes == ["universeel", "selectief"]


def test_organisation_map_and_gaps(client, beleid):
    load_demo()
    html = client.get(reverse("prevention:organisations"), {"wijk": "WK085517"}).content.decode()
    assert "Basisschool De Wilg, Korvel (demo)" in html and "Buurthuis Wandelbos (demo)" not in html
    assert "badge--rood" in html
    # Korvel: armoede and opvoeding are elevated and the demo partners offer something for both
    html = client.get(reverse("prevention:matrix"), {"wijk": "WK085517"}).content.decode()
    assert "Geen witte vlekken gevonden" in html
    # Wandelbos Noord has no figures: every risk group is checked, and nobody offers anything for vechtscheidingen
    html = client.get(reverse("prevention:matrix"), {"wijk": "WK085539"}).content.decode()
    assert "<strong>Risicogroep zonder aanbod:</strong> Vechtscheidingen" in html


def test_matrix_is_editable_per_gemeente(client, beleid, korvel):
    data = {"gemeente": "GM0855", "m-politie-taboe": "on", "m-politie-vertrouwen": "on"}
    assert client.post(reverse("prevention:matrix_save"), data).status_code == 302
    assert MatrixCell.objects.get(gemeente_id="GM0855", partnertype="politie").bouwstenen == ["vertrouwen", "taboe"]
    assert MatrixCell.objects.get(gemeente_id="GM0855", partnertype="toegang").bouwstenen == []
    html = client.get(reverse("prevention:matrix")).content.decode()
    assert "Bouwsteen zonder partnertype in de matrix" in html
    client.post(reverse("prevention:matrix_reset"), {"gemeente": "GM0855"})
    assert not MatrixCell.objects.exists()


def test_plan_builder_flow(client, beleid, korvel):
    load_demo()
    response = client.post(
        reverse("prevention:plan_create"),
        {"gemeente": "GM0855", "titel": "Preventieplan Korvel", "wijk": "WK085517", "periode": "2026–2028"},
    )
    plan = PreventionPlan.objects.get()
    assert response.url == reverse("prevention:plan", args=[plan.pk])
    assert "laag inkomen 13,0% vs gemeente 9,7%" in plan.sections.get(code="stand_van_zaken").tekst
    html = client.get(response.url).content.decode()
    assert "Korvel: huishoudens met een laag inkomen 13,0% vs gemeente 9,7% → selectieve preventie" in html
    assert "Schuldhulpverlening (gemeente)" in html

    client.post(reverse("prevention:plan_add_suggestion", args=[plan.pk]), {"slug": "opstapje"})
    line = plan.lines.get()
    assert line.intervention.slug == "opstapje" and "Korvel:" in line.reden
    org = line.plan.gemeente.organisation_set.get(code="demo-jgz")
    client.post(
        reverse("prevention:plan_line", args=[plan.pk, line.pk]),
        {
            "line-naam": "Opstapje",
            "line-eigenaar": org.pk,
            "line-partners": [org.pk],
            "line-budget": "12500.00",
            "line-financieringsbron": "Armoedebeleid",
            "line-planning": "2026 Q1",
            "line-reden": line.reden,
            "line-doelgroep": "x",
        },
    )
    client.post(
        reverse("prevention:plan_indicator", args=[plan.pk]),
        {
            "ind-naam": "Bereikte gezinnen",
            "ind-soort": "proces",
            "ind-baseline": "0",
            "ind-baseline_jaar": 2025,
            "ind-streefwaarde": "40",
            "ind-streefjaar": 2027,
        },
    )
    client.post(reverse("prevention:plan_sections", args=[plan.pk]), {"s-droom": "Elk kind groeit veilig op."})
    client.post(reverse("prevention:plan_save_version", args=[plan.pk]), {"opmerking": "Eerste versie", "status": "concept"})
    v1 = PlanVersion.objects.get()
    assert v1.snapshot["lines"][0]["budget"] == "12500.00" and v1.snapshot["sections"]["droom"].startswith("Elk kind")

    # later edits do not change the version; a second version gets the next number
    client.post(reverse("prevention:plan_sections", args=[plan.pk]), {"s-droom": "Anders."})
    client.post(reverse("prevention:plan_save_version", args=[plan.pk]), {})
    v1.refresh_from_db()
    assert v1.snapshot["sections"]["droom"].startswith("Elk kind")
    assert list(plan.versions.values_list("nummer", flat=True)) == [2, 1]

    pdf = client.get(reverse("prevention:plan_version_export", args=[plan.pk, 1, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    docx = client.get(reverse("prevention:plan_export", args=[plan.pk, "docx"]))
    assert docx.content[:2] == b"PK" and len(docx.content) > 5000
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "5c. Evaluatie en borging" in text and "Anders." in text
    html = client.get(reverse("prevention:plan_version", args=[plan.pk, 1])).content.decode()
    assert "Bereikte gezinnen" in html and "€ 12.500,00" in html


def test_plan_versions_are_immutable(beleid, korvel):
    plan = PreventionPlan.objects.create(titel="P", gemeente=korvel.gemeente)
    from zicht.prevention.services import save_version

    version = save_version(plan, user=beleid)
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        PlanVersion.objects.filter(pk=version.pk).update(opmerking="x")
    with pytest.raises(PermissionError):
        version.delete()


def test_only_beleidsmedewerker_writes_plans(client, korvel):
    client.force_login(make_user(roles.KETENREGISSEUR))
    assert client.post(reverse("prevention:plan_create"), {"gemeente": "GM0855", "titel": "x"}).status_code == 403
    assert "Plan aanmaken" not in client.get(reverse("prevention:plans")).content.decode()


def test_plan_without_figures_has_no_suggestions(client, beleid, korvel):
    plan = PreventionPlan.objects.create(titel="Wandelbos", gemeente=korvel.gemeente, wijk_id="WK085539")
    html = client.get(reverse("prevention:plan", args=[plan.pk])).content.decode()
    assert "geen CBS-kerncijfers geladen" in html


@pytest.mark.parametrize(
    "name, make, section",
    [
        ("prevention:plan_line_delete", lambda plan: plan.lines.create(naam="Opstapje", volgorde=1), "interventies"),
        ("prevention:plan_indicator_delete", lambda plan: plan.indicators.create(naam="Bereik", soort="proces"), "evaluatie"),
    ],
)
def test_plan_item_delete_removes_only_an_item_of_that_plan(client, beleid, korvel, name, make, section):
    load_demo()
    plan = PreventionPlan.objects.create(gemeente_id="GM0855", titel="Plan A")
    other = PreventionPlan.objects.create(gemeente_id="GM0855", titel="Plan B")
    item, foreign = make(plan), make(other)
    assert client.get(reverse(name, args=[plan.pk, item.pk])).status_code == 405  # POST only
    assert client.post(reverse(name, args=[plan.pk, foreign.pk])).status_code == 404  # another plan's item
    response = client.post(reverse(name, args=[plan.pk, item.pk]))
    assert response.url == reverse("prevention:plan", args=[plan.pk]) + f"#{section}"
    assert not type(item).objects.filter(pk=item.pk).exists() and type(item).objects.filter(pk=foreign.pk).exists()


def test_catalogue_import_of_a_non_utf8_file_gives_a_clear_message(client, beleid):
    """Issue 12 item 5: a Windows-1252 export from Excel is a message, not a server error."""
    latin = "naam,soort,beschrijving,bron,erkenningsniveau\nGoed,interventie,x,bron,onbekend\nCoördinatie,interventie,é,bron,onbekend\n"
    client.raise_request_exception = False
    response = client.post(reverse("prevention:catalogue_import"), {"bestand": io.BytesIO(latin.encode("cp1252"))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "geen UTF-8-tekst" in html and "rij 3" in html
    binary = client.post(reverse("prevention:catalogue_import"), {"bestand": io.BytesIO(b"naam\x00,soort\n\x00\x00")})
    assert binary.status_code == 200
    assert not Intervention.objects.filter(naam="Coördinatie").exists()
