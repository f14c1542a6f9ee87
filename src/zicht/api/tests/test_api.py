"""API v1 end to end: contract, signals through the casework code path, figures through disclosure control."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.casework.models import Signal
from zicht.casework.tests import factories as fx
from zicht.core.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def token_client(user) -> Client:
    """A partner system: no session, only its token in the Authorization header."""
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def professional(code: str, naam: str, type_: str = "wijkteam"):
    org = fx.organisation(code, type_, naam=naam)
    return make_user(roles.PROFESSIONAL, username=f"api-{code}", organisation=org)


def signaal(**extra) -> dict:
    today = timezone.localdate()
    data = {
        "voornamen": "Tim",
        "achternaam": "de Vries",
        "geboortedatum": f"{today.year - 6}-02-02",
        "postcode": "5021 AB",
        "huisnummer": 12,
        "datum": today.isoformat(),
        "categorie": "opvoeding",
        "contactNaam": "Mila Wijkteam",
        "contactTelefoon": "06-11112222",
    }
    data.update(extra)
    return data


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


# --- the contract ---------------------------------------------------------------------------------


def test_openapi_contract_is_public_and_valid():
    from drf_spectacular.validation import validate_schema

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["info"]["version"] == "1.0.0"
    assert schema["servers"] == [{"url": "/api/v1", "description": "Deze installatie"}]
    assert set(schema["paths"]) == {
        "/signalen",
        "/signalen/{id}",
        "/signalen/{id}/intrekken",
        "/gebieden/{code}/cijfers",
        "/gebieden/{code}/risicoprofiel",
        "/regios/{code}/cijfers",
        "/catalogus",
        "/catalogus/{slug}",
        "/plannen",
        "/plannen/{id}",
    }
    assert {"name", "url", "email"} <= set(schema["info"]["contact"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert "basicAuth" not in schema["components"]["securitySchemes"]
    post_op = schema["paths"]["/signalen"]["post"]
    assert PROBLEM in post_op["responses"]["400"]["content"]
    old = Client().get("/api/schema")
    assert old.status_code == 302 and old.url == "/api/v1/openapi.json"


# --- signals ------------------------------------------------------------------------------------------


def test_signal_submission_registers_and_returns_a_match_without_content():
    school = professional("school-api", "Basisschool De Vlinder", "onderwijs")
    wijkteam = professional("wijkteam-api", "Wijkteam Noord")
    first = post(
        token_client(school), "/api/v1/signalen", signaal(contactNaam="Juf Ans", contactTelefoon="013-5550000", categorie="school")
    )
    assert first.status_code == 201, first.content
    assert first.json()["matches"] == [] and first["API-Version"] == "1.0.0"
    second = post(token_client(wijkteam), "/api/v1/signalen", signaal(huisnummertoevoeging=""))
    assert second.status_code == 201
    body = second.json()
    signal = Signal.objects.get(pk=body["id"])
    assert signal.organisation.code == "wijkteam-api" and signal.registered_by.username == "api-wijkteam-api"
    assert second["Location"].endswith(f"/api/v1/signalen/{signal.pk}")
    assert body["status"] == "actief" and body["vervaltOp"] == signal.expires_on.isoformat()
    assert body["matches"] == [
        {
            "organisatie": "Basisschool De Vlinder",
            "contactNaam": "Juf Ans",
            "contactTelefoon": "013-5550000",
            "contactEmail": "",
            "niveau": "Persoon",
        }
    ]
    text = second.content.decode()
    for secret in ("Tim", "Vries", "5021", "school"):  # no person, no address, not the other's category
        assert secret not in text.replace("Basisschool", ""), secret
    assert (
        AccessLogEntry.objects.filter(record_type="signal", action="create", username="api-wijkteam-api", path="/api/v1/signalen").count()
        == 1
    )


def test_own_signals_are_listed_without_names_and_others_are_404():
    school = professional("school-api", "Basisschool De Vlinder", "onderwijs")
    wijkteam = professional("wijkteam-api", "Wijkteam Noord")
    c_school, c_wijkteam = token_client(school), token_client(wijkteam)
    pk = post(c_school, "/api/v1/signalen", signaal()).json()["id"]
    listing = c_school.get("/api/v1/signalen")
    assert listing.status_code == 200
    assert [x["id"] for x in listing.json()["resultaten"]] == [pk] and listing.json()["volgende"] is None
    assert "Tim" not in listing.content.decode() and "Vries" not in listing.content.decode()
    assert c_wijkteam.get("/api/v1/signalen").json()["resultaten"] == []
    for response in (
        c_wijkteam.get(f"/api/v1/signalen/{pk}"),
        post(c_wijkteam, f"/api/v1/signalen/{pk}/intrekken", {"reden": "onterecht"}),
    ):
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM
        assert response.json()["status"] == 404
    assert Signal.objects.get(pk=pk).withdrawn_on is None
    before = AccessLogEntry.objects.count()
    withdrawn = post(c_school, f"/api/v1/signalen/{pk}/intrekken", {"reden": "risico_weg"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "ingetrokken"
    assert AccessLogEntry.objects.filter(pk__gt=0).count() == before + 1
    assert AccessLogEntry.objects.filter(record_type="signal", action="change", record_id=str(pk)).exists()
    again = post(c_school, f"/api/v1/signalen/{pk}/intrekken", {"reden": "risico_weg"})
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM
    assert AccessLogEntry.objects.filter(record_type="signal_list", username="api-school-api").count() == 1


@pytest.mark.parametrize(
    "change,field",
    [
        ({"bsn": "123456789"}, "bsn"),  # elfproef (casework form)
        ({"datum": (timezone.localdate() + timedelta(days=3)).isoformat()}, "datum"),
        ({"geboortedatum": "1980-01-01"}, "geboortedatum"),  # adult without legal basis
        ({"huisnummer": None}, "nonFieldErrors"),  # postcode without number
        ({"contactTelefoon": ""}, "contactTelefoon"),
        ({"categorie": "roddel"}, "categorie"),
        ({"geboortedatum": "2-2-2019"}, "geboortedatum"),
    ],
)
def test_validation_errors_are_problem_json_naming_the_field_never_the_value(change, field):
    client = token_client(professional("school-api", "School", "onderwijs"))
    response = post(client, "/api/v1/signalen", signaal(**change))
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:zicht:probleem:ongeldige-invoer" and body["title"] and body["status"] == 400 and body["detail"]
    assert field in [p["name"] for p in body["invalid-params"]], body
    for value in change.values():
        if value:
            assert str(value) not in json.dumps(body["invalid-params"]), "a problem must not echo the input"
    assert not Signal.objects.exists()


def test_malformed_json_is_a_problem_without_a_trace():
    client = token_client(professional("school-api", "School", "onderwijs"))
    response = client.post("/api/v1/signalen", "{niet: json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert "Traceback" not in response.content.decode()


# --- authentication and roles --------------------------------------------------------------------


def test_role_denials_are_403_problems():
    beleid = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-beleid"))
    denied = post(beleid, "/api/v1/signalen", signaal())
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM and not Signal.objects.exists()
    prof = token_client(professional("school-api", "School", "onderwijs"))
    for url in ("/api/v1/gebieden/GM0855/cijfers", "/api/v1/gebieden/GM0855/risicoprofiel"):
        response = prof.get(url)
        assert response.status_code == 403 and response.json()["status"] == 403
    orphan = token_client(make_user(roles.PROFESSIONAL, username="api-zonder-org", organisation=None))
    from zicht.access.models import UserProfile

    UserProfile.objects.filter(user__username="api-zonder-org").update(organisation=None)
    assert orphan.get("/api/v1/signalen").status_code == 403


def test_authentication_methods():
    user = professional("school-api", "School", "onderwijs")
    anonymous = Client().get("/api/v1/signalen")
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == PROBLEM
    wrong = Client(HTTP_AUTHORIZATION="Token " + "0" * 40).get("/api/v1/signalen")
    assert wrong.status_code == 401 and wrong["Content-Type"] == PROBLEM and wrong["WWW-Authenticate"] == "Token"
    # A password alone would bypass the second factor: HTTP Basic is refused.
    basic = base64.b64encode(f"{user.username}:{TEST_PASSWORD}".encode()).decode()
    assert Client(HTTP_AUTHORIZATION=f"Basic {basic}").get("/api/v1/signalen").status_code == 401
    # A web session counts only after the second factor.
    session = Client()
    session.force_login(user)
    assert session.get("/api/v1/signalen").status_code == 200
    half = Client()
    half.force_login(user)
    s = half.session
    s.pop("otp_device_id", None)
    s.save()
    assert half.get("/api/v1/signalen").status_code == 403


def test_api_token_command_issues_rotates_and_revokes():
    user = professional("school-api", "School", "onderwijs")
    out = StringIO()
    call_command("api_token", user.username, stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    assert Token.objects.get(user=user).key == key
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/signalen").status_code == 200
    with pytest.raises(Exception, match="--rotate"):
        call_command("api_token", user.username, stdout=StringIO(), stderr=StringIO())
    call_command("api_token", user.username, "--rotate", stdout=StringIO(), stderr=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/signalen").status_code == 401
    call_command("api_token", user.username, "--revoke", stdout=StringIO())
    assert not Token.objects.filter(user=user).exists()
    assert AccessLogEntry.objects.filter(record_type="api_token", record_id=str(user.pk)).count() == 3
    no_role = make_user(roles.BELEIDSMEDEWERKER, username="zonder-rol")
    no_role.zicht_profile.delete()
    with pytest.raises(Exception, match="geen Zicht-rol"):
        call_command("api_token", "zonder-rol", stdout=StringIO(), stderr=StringIO())


# --- figures --------------------------------------------------------------------------------------


def _cells(node):
    if isinstance(node, dict):
        if {"waarde", "status", "weergave", "reden", "soort"} <= set(node):
            yield node
        else:
            for value in node.values():
                yield from _cells(value)
    elif isinstance(node, list):
        for value in node:
            yield from _cells(value)


@pytest.mark.parametrize("code", ["GM0855", "WK085517", "WK085530"])
def test_figures_never_contain_raw_counts(tilburg_reports, code):
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-beleid"))
    response = client.get(f"/api/v1/gebieden/{code}/cijfers?jaar=2024")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == code and body["periode"]["jaar"] == 2024 and body["beleid"] == {"drempel": 10, "afrondingsbasis": 5}
    cells = list(_cells(body))
    counts = [c for c in cells if c["soort"] == "aantal"]
    assert len(counts) > 20
    statuses = {c["status"] for c in counts}
    for cell in counts:
        if cell["status"] == "ok":
            assert cell["waarde"] % 5 == 0 and cell["waarde"] >= 10, cell
        else:
            assert cell["waarde"] is None and cell["weergave"] in ("<10", "×", "–"), cell
    assert "primary" in statuses  # this data has small cells, and they come out as null
    if code == "WK085530":  # Moerenburg: exactly 3 reports
        assert body["kerncijfers"]["meldingen"] == {**body["kerncijfers"]["meldingen"], "waarde": None, "weergave": "<10"}
    assert "n_reports_in_db" not in response.content.decode()


def test_figures_errors(tilburg_reports):
    client = token_client(make_user(roles.KETENREGISSEUR, username="api-keten"))
    missing_year = client.get("/api/v1/gebieden/GM0855/cijfers?jaar=1999")
    assert missing_year.status_code == 404 and "2024" in missing_year.json()["detail"]
    bad_year = client.get("/api/v1/gebieden/GM0855/cijfers?jaar=twintig")
    assert bad_year.status_code == 400 and bad_year.json()["invalid-params"][0]["name"] == "jaar"
    unknown = client.get("/api/v1/gebieden/GM9999/cijfers")
    assert unknown.status_code == 404 and unknown["Content-Type"] == PROBLEM
    for url in ("/api/v1/gebieden/BU08551701/cijfers", "/api/v1/gebieden/xx/risicoprofiel"):
        response = client.get(url)  # not a CBS code of a gemeente or wijk: invalid input, not a missing area
        assert response.status_code == 400 and response["Content-Type"] == PROBLEM, url
        assert response.json()["invalid-params"][0]["name"] == "code"


def test_risk_profile_is_area_level_cbs_figures(tilburg):
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-beleid"))
    response = client.get("/api/v1/gebieden/wk085517/risicoprofiel")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "WK085517" and body["niveau"] == "wijk" and body["risicofactoren"]
    factor = body["risicofactoren"][0]
    assert factor["referentie"] == "gemeente" and isinstance(factor["verhoogd"], bool)
    assert any(f["waarde"] is not None for f in body["risicofactoren"])


def test_an_unexpected_error_is_a_bare_500_problem(tilburg, monkeypatch):
    from zicht.api import views

    def crash(code):
        raise ValueError("Kan Xandrijn Zwartekoffie (BSN 111222333) niet tonen")

    monkeypatch.setattr(views, "area_risk_profile", crash)
    client = token_client(make_user(roles.BELEIDSMEDEWERKER, username="api-beleid"))
    client.raise_request_exception = False
    response = client.get("/api/v1/gebieden/GM0855/risicoprofiel")
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:zicht:probleem:serverfout" and response["API-Version"] == "1.0.0"
    text = response.content.decode()
    assert "Zwartekoffie" not in text and "111222333" not in text and "Traceback" not in text
