"""API v1 catalogue and plans (read-only), the problem+json 404 for unknown addresses, ids out of range."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.geo.models import Gemeente
from zicht.prevention.models import Intervention, PlanIntervention, PlanSection, PreventionPlan

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_catalogue_lists_levels_dates_sources_and_flags():
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-cat"))
    response = client.get("/api/v1/catalogus")
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["aantal"] == Intervention.objects.count() == len(body["resultaten"])
    by_slug = {x["slug"]: x for x in body["resultaten"]}
    families = by_slug["families-first"]["erkenning"]
    assert families["niveau"] == "eerste_aanwijzingen" and families["jaar"] == 2014
    assert families["bron"].startswith("https://www.nji.nl/interventies/families-first")
    assert by_slug["stevig-ouderschap"]["erkenning"]["datum"] == "2017-09-14"
    assert by_slug["stevig-ouderschap"]["erkenning"]["status"] == "verouderd"


def test_catalogue_filters_and_invalid_filters():
    client = token_client(make_user(roles.KETENREGISSEUR, username="api-cat2"))
    selectief = client.get("/api/v1/catalogus?preventietype=selectief").json()["resultaten"]
    assert selectief and all("selectief" in x["preventietypes"] for x in selectief)
    erkend = client.get("/api/v1/catalogus?erkenning=erkend").json()["resultaten"]
    assert erkend and all(x["erkenning"]["niveau"] not in ("onbekend", "niet_erkend") for x in erkend)
    assert [x["slug"] for x in client.get("/api/v1/catalogus?tekst=voorzorg").json()["resultaten"]] == ["voorzorg"]
    bad = client.get("/api/v1/catalogus?erkenning=super&preventietype=x")
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    assert {p["name"] for p in bad.json()["invalid-params"]} == {"erkenning", "preventietype"}


def test_one_intervention_and_missing_or_malformed_slug():
    client = token_client(make_user(roles.FUNCTIONEEL_BEHEERDER, username="api-cat3"))
    one = client.get("/api/v1/catalogus/voorzorg")
    assert one.status_code == 200 and one.json()["naam"] == "VoorZorg"
    missing = client.get("/api/v1/catalogus/bestaat-niet")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    malformed = client.get("/api/v1/catalogus/Hoofd%20Letters")
    assert malformed.status_code == 400 and malformed.json()["invalid-params"][0]["name"] == "slug"


def test_catalogue_is_not_for_professionals():
    client = token_client(make_user(roles.PROFESSIONAL, username="api-cat4"))
    assert client.get("/api/v1/catalogus").status_code == 403


@pytest.fixture
def two_gemeenten():
    own = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    other = Gemeente.objects.create(code="GM0796", naam="'s-Hertogenbosch", indeling_jaar=2024)
    return own, other


def test_plans_are_scoped_to_the_own_gemeente(two_gemeenten):
    own, other = two_gemeenten
    mine = PreventionPlan.objects.create(titel="Preventieplan Tilburg", gemeente=own, periode="2026–2028")
    PlanSection.objects.create(plan=mine, code="stand_van_zaken", tekst="Korvel: verhoogde opvoedingsbelasting.")
    PlanIntervention.objects.create(plan=mine, intervention=Intervention.objects.get(slug="voorzorg"), naam="VoorZorg", budget="12500.00")
    theirs = PreventionPlan.objects.create(titel="Plan Den Bosch", gemeente=other)
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-plan", gemeente=own))
    listing = client.get("/api/v1/plannen")
    assert listing.status_code == 200
    assert [p["id"] for p in listing.json()["resultaten"]] == [mine.pk]
    detail = client.get(f"/api/v1/plannen/{mine.pk}").json()
    assert detail["gemeente"] == {"code": "GM0855", "naam": "Tilburg"} and detail["versies"] == 0
    assert detail["hoofdstukken"][0]["tekst"].startswith("Korvel")
    assert detail["interventies"][0]["interventie"] == "voorzorg" and detail["interventies"][0]["budget"] == "12500.00"
    other_plan = client.get(f"/api/v1/plannen/{theirs.pk}")
    assert other_plan.status_code == 404 and other_plan["Content-Type"] == PROBLEM
    assert client.get("/api/v1/plannen?pagina=0").status_code == 400


def test_ids_out_of_range_are_400_not_a_crash(two_gemeenten):
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-plan2"))
    for url in ("/api/v1/plannen/0", f"/api/v1/plannen/{2**63}"):
        response = client.get(url)
        assert response.status_code == 400 and response.json()["invalid-params"][0]["name"] == "id", url


def test_unknown_api_addresses_are_problem_json_not_html():
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-404"))
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/api/v1/bestaat/niet")
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM, method
        assert json.loads(response.content)["status"] == 404 and response["API-Version"] == "1.0.0"
    assert client.get("/api/v1/signalen/abc")["Content-Type"] == PROBLEM
    anonymous = Client().get("/api/v1/bestaat/niet")  # the login middleware answers first, also as a problem
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == PROBLEM


def test_a_bsn_with_non_ascii_digits_is_a_400_not_a_server_error():
    from zicht.casework.tests import factories as fx

    user = make_user(roles.PROFESSIONAL, username="api-bsn", organisation=fx.organisation("bsn-org", "wijkteam"))
    client = token_client(user)
    data = {
        "voornamen": "Tim",
        "achternaam": "de Vries",
        "geboortedatum": "2019-02-02",
        "datum": "2026-01-05",
        "bsn": "12345678²",
        "contactNaam": "Mila",
        "contactTelefoon": "06-11112222",
    }
    response = client.post("/api/v1/signalen", json.dumps(data), content_type="application/json")
    assert response.status_code == 400 and response.json()["invalid-params"][0]["name"] == "bsn"
