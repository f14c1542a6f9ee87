"""Access log, roles as groups, scoping, key rotation, retention, commands and the privacy template tag."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.template import Context, Template
from django.test import Client, override_settings

from zicht.access import roles
from zicht.access.models import AccessLogEntry, RetentionRun
from zicht.access.rules import log_access
from zicht.core.testing import make_gemeente, make_organisation, make_region, make_user

pytestmark = pytest.mark.django_db


def world():
    """Two organisations in two regions, each with an address, a report and a person."""
    from zicht.geo.models import Buurt, Wijk
    from zicht.registry.models import Address, Person, Report, ReportParty

    out = {}
    for tag, gm, region in [("a", "GM0855", "Midden-Brabant"), ("b", "GM0796", "Brabant-Noordoost")]:
        gemeente = make_gemeente(code=gm, naam=f"Gemeente {tag}", indeling_jaar=2024, regio=region)
        wijk = Wijk.objects.create(code=f"WK{gm[2:]}01", naam="W", gemeente=gemeente, indeling_jaar=2024)
        buurt = Buurt.objects.create(code=f"BU{gm[2:]}0101", naam="B", wijk=wijk, gemeente=gemeente, indeling_jaar=2024)
        org = make_organisation(f"org-{tag}", gemeente=gemeente, regio=make_region(region))
        address = Address.objects.create(key=f"5021A{tag.upper()}|1|", postcode=f"5021A{tag.upper()}", huisnummer=1, buurt=buurt)
        report = Report.objects.create(
            source=org,
            source_record_id=f"R-{tag}",
            soort="incident",
            datum=dt.date(2024, 1, 1),
            address=address,
            buurt=buurt,
            toelichting="vrije tekst",
        )
        person = Person.objects.create(
            source=org,
            source_key=f"P-{tag}",
            voornamen="Pieter",
            achternaam=f"Jansen{tag}",
            geboortedatum="1980-01-01",
            bsn_hash="abc",
            address=address,
        )
        ReportParty.objects.create(report=report, person=person, rol="slachtoffer")
        out[tag] = {"org": org, "address": address, "report": report, "person": person, "gemeente": gemeente}
    return out


# --- access log ------------------------------------------------------------------------------


def test_access_log_is_append_only_in_model_queryset_and_database():
    log_access(None, action="view", record_type="address", record_id=1)
    entry = AccessLogEntry.objects.get()
    assert entry.username == "systeem"
    entry.reason = "gewijzigd"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET reason = 'x'")
    assert AccessLogEntry.objects.get().reason == ""


def test_deleting_an_account_keeps_its_log_entries():
    user = make_user(roles.BELEIDSMEDEWERKER)
    client = Client()
    client.force_login(user)
    request = client.get("/").wsgi_request
    log_access(request, action="view", record_type="address", record_id=5, reason="test")
    user.delete()
    entry = AccessLogEntry.objects.get(record_id="5")
    assert entry.username == "beleidsmedewerker-test" and entry.role == roles.BELEIDSMEDEWERKER


def test_admin_offers_no_add_change_or_delete_for_the_log():
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="Zicht-test-wachtwoord-2026")
    log_access(None, action="view", record_type="address", record_id=1)
    client = Client()
    client.force_login(admin)
    from zicht.access.totp import ensure_device

    device = ensure_device(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    entry = AccessLogEntry.objects.get(record_type="address")
    assert client.get("/beheer/access/accesslogentry/").status_code == 200
    assert client.get("/beheer/access/accesslogentry/add/").status_code == 403
    assert client.post(f"/beheer/access/accesslogentry/{entry.pk}/delete/").status_code == 403
    response = client.post(f"/beheer/access/accesslogentry/{entry.pk}/change/", {"reason": "x"})
    assert response.status_code == 403
    assert AccessLogEntry.objects.get(pk=entry.pk).reason == ""


def test_privacy_officer_searches_and_exports_and_the_export_is_logged():
    officer = make_user(roles.PRIVACY_OFFICER)
    keten = make_user(roles.KETENREGISSEUR)
    client = Client()
    client.force_login(keten)
    request = client.get("/").wsgi_request
    log_access(request, action="view", record_type="address", record_id=42, reason="Voorbereiding casusoverleg")
    log_access(request, action="view", record_type="household", record_id=7, reason="Veiligheidsbeoordeling")
    client.force_login(officer)
    html = client.get("/account/toegangslog/", {"record_type": "address", "record_id": "42"}).content.decode()
    assert "Voorbereiding casusoverleg" in html and "Veiligheidsbeoordeling" not in html
    html = client.get(
        "/account/toegangslog/", {"gebruiker": "ketenregisseur-test", "van": "2000-01-01", "tot": "2099-12-31"}
    ).content.decode()
    assert "2 regels" in html
    assert "van" in client.get("/account/toegangslog/", {"van": "2024-02-01", "tot": "2024-01-01"}).content.decode()
    response = client.get("/account/toegangslog/", {"gebruiker": "ketenregisseur-test", "export": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and body.splitlines()[0].startswith("at;username;role")
    assert len(body.strip().splitlines()) == 3
    export = AccessLogEntry.objects.get(action="export")
    assert export.username == "privacy_officer-test" and export.record_type == "accesslog"
    # Only the privacy officer opens the log.
    client.force_login(keten)
    assert client.get("/account/toegangslog/").status_code == 403


def test_accesslog_command_json_and_text():
    log_access(None, action="view", record_type="address", record_id=3, reason="audit")
    out = io.StringIO()
    call_command("accesslog", "--since", "2000-01-01", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(row["record_type"], row["record_id"]) for row in rows] == [("address", "3")]
    out = io.StringIO()
    call_command("accesslog", "--since", "2000-01-01", "--record", "address:3", stdout=out)
    assert "1 regels" in out.getvalue()
    assert AccessLogEntry.objects.filter(action="export", record_type="accesslog").count() == 2


def test_personal_data_view_without_own_logging_gets_a_page_entry():
    from django.test import RequestFactory

    from zicht.access.rules import requires

    @requires(roles.KETENREGISSEUR, personal_data=True)
    def page(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/x/")
    request.user = make_user(roles.KETENREGISSEUR)
    page(request)
    assert AccessLogEntry.objects.filter(record_type="pagina", username="ketenregisseur-test").count() == 1


# --- roles as groups ---------------------------------------------------------------------------


def test_each_role_is_a_group_with_its_permissions_and_profiles_follow_the_role():
    user = make_user(roles.PROFESSIONAL)
    assert Group.objects.count() >= 5
    assert user.has_perm("access.view_personal_data") and user.has_perm("access.register_signal")
    assert not user.has_perm("access.view_access_log")
    profile = user.zicht_profile
    profile.role = roles.PRIVACY_OFFICER
    profile.save()
    user = type(user).objects.get(pk=user.pk)
    assert [g.name for g in user.groups.all()] == [roles.group_name(roles.PRIVACY_OFFICER)]
    assert user.has_perm("access.view_access_log") and not user.has_perm("access.view_personal_data")


# --- scoping -----------------------------------------------------------------------------------


def test_scoping_per_role():
    from zicht.access import scoping
    from zicht.registry.models import Address, Person, Report

    w = world()
    prof = make_user(roles.PROFESSIONAL, organisation=w["a"]["org"])
    keten = make_user(roles.KETENREGISSEUR, regio=make_region("Midden-Brabant"))
    keten_without_region = make_user(roles.KETENREGISSEUR, username="k2")
    beleid = make_user(roles.BELEIDSMEDEWERKER, organisation=w["a"]["org"])
    assert list(scoping.visible_reports(prof)) == [w["a"]["report"]]
    assert list(scoping.visible_persons(prof)) == [w["a"]["person"]]
    assert list(scoping.visible_addresses(prof)) == [w["a"]["address"]]
    assert list(scoping.visible_reports(keten)) == [w["a"]["report"]]
    assert list(scoping.visible_addresses(keten)) == [w["a"]["address"]]
    assert list(scoping.visible_persons(keten)) == [w["a"]["person"]]
    assert not scoping.visible_reports(keten_without_region).exists()
    assert not scoping.visible_reports(beleid).exists() and not scoping.visible_persons(beleid).exists()
    assert scoping.can_view(keten, w["a"]["address"]) and not scoping.can_view(keten, w["b"]["address"])
    from django.http import Http404

    with pytest.raises(Http404):
        scoping.get_visible_or_404(prof, Report, w["b"]["report"].pk)
    assert scoping.get_visible_or_404(prof, Person, w["a"]["person"].pk) == w["a"]["person"]
    with pytest.raises(Http404):
        scoping.get_visible_or_404(prof, Address, "not-a-number")


# --- encryption key rotation -------------------------------------------------------------------


def test_rotate_keys_reencrypts_every_value_and_is_idempotent():
    from zicht.core.crypto import generate_key
    from zicht.registry.models import Person

    w = world()
    old = list(__import__("django.conf", fromlist=["settings"]).settings.FIELD_ENCRYPTION_KEYS)
    new = generate_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new] + old):
        out = io.StringIO()
        call_command("rotate-keys", "--json", "--batch", "1", stdout=out)
        result = json.loads(out.getvalue())
        person_result = next(m for m in result["models"] if m["model"] == "registry.Person")
        assert person_result["reencrypted"] == 6  # 2 persons × voornamen, achternaam, geboortedatum
        out = io.StringIO()
        call_command("rotate-keys", "--json", stdout=out)
        assert json.loads(out.getvalue())["reencrypted"] == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT achternaam FROM registry_person")
            raw = [row[0] for row in cursor.fetchall()]
        from zicht.core.crypto import key_id

        assert all(value.split(":")[1] == key_id(new) for value in raw)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):  # old key removed: values still decrypt
        assert Person.objects.get(pk=w["a"]["person"].pk).achternaam == "Jansena"


def test_generate_key_prints_a_valid_key():
    from zicht.core.crypto import FieldCipher

    out = io.StringIO()
    call_command("generate-key", stdout=out)
    key = out.getvalue().strip()
    assert FieldCipher([key]).decrypt(FieldCipher([key]).encrypt("x", "t.c", 1), "t.c", 1) == "x"


# --- retention ---------------------------------------------------------------------------------


def test_retention_dry_run_then_anonymise_and_log():
    from zicht.registry.models import Person, Report

    w = world()
    today = dt.date(2044, 1, 2)  # 20 years + 1 day after the reports
    out = io.StringIO()
    call_command("retention", "--dry-run", "--json", "--today", today.isoformat(), stdout=out)
    result = {rule["rule"]: rule["count"] for rule in json.loads(out.getvalue())["rules"]}
    assert result["registry-meldingen"] == 2 and result["registry-personen"] == 2
    assert Person.objects.get(pk=w["a"]["person"].pk).achternaam == "Jansena"  # dry run changed nothing
    with override_settings(RETENTION={"signaal_years": 2, "registry_years": 20, "registry_years_per_region": {"Brabant-Noordoost": 25}}):
        call_command("retention", "--today", today.isoformat(), stdout=io.StringIO())
    person_a = Person.objects.get(pk=w["a"]["person"].pk)
    assert (person_a.voornamen, person_a.achternaam, person_a.geboortedatum, person_a.bsn_hash, person_a.address) == ("", "", "", "", None)
    report_a = Report.objects.get(pk=w["a"]["report"].pk)
    assert report_a.toelichting == "" and report_a.address is None and report_a.buurt is not None  # aggregates kept
    assert Person.objects.get(pk=w["b"]["person"].pk).achternaam == "Jansenb"  # region term of 25 years
    logged = AccessLogEntry.objects.filter(action="delete", username="systeem")
    assert {(e.record_type, e.record_id) for e in logged} == {("report", str(w["a"]["report"].pk)), ("person", str(w["a"]["person"].pk))}
    assert RetentionRun.objects.filter(dry_run=False).count() == 1
    # A second run finds nothing new.
    out = io.StringIO()
    with override_settings(RETENTION={"signaal_years": 2, "registry_years": 20, "registry_years_per_region": {"Brabant-Noordoost": 25}}):
        call_command("retention", "--json", "--today", today.isoformat(), stdout=out)
    assert all(rule["count"] == 0 for rule in json.loads(out.getvalue())["rules"])


def test_a_new_report_at_the_address_keeps_the_casus():
    from zicht.registry.models import Report

    w = world()
    Report.objects.create(
        source=w["a"]["org"],
        source_record_id="R-new",
        soort="incident",
        datum=dt.date(2030, 1, 1),
        address=w["a"]["address"],
        buurt=w["a"]["report"].buurt,
    )
    from zicht.access import retention

    result = retention.run(today=dt.date(2044, 1, 2), dry_run=True)
    ids = next(rule["ids"] for rule in result["rules"] if rule["rule"] == "registry-meldingen")
    assert w["a"]["report"].pk not in ids and w["b"]["report"].pk in ids


def test_retention_rules_are_pluggable():
    from zicht.access import retention

    class Dummy(retention.RetentionRule):
        name, kind, action = "dummy", "dummy", "delete"

        def candidates(self, today, config):
            return [retention.Candidate("dummy", 1, today, 1)]

        def apply(self, ids, today):
            return len(ids)

    retention.register(Dummy())
    try:
        result = retention.run(today=dt.date(2030, 1, 1), dry_run=False)
        assert any(rule["rule"] == "dummy" and rule["count"] == 1 for rule in result["rules"])
        assert AccessLogEntry.objects.filter(record_type="dummy", action="delete").count() == 1
    finally:
        retention._REGISTRY.pop("dummy")


# --- commands and template tag -----------------------------------------------------------------


def test_totp_command_prints_a_code_in_demo_mode_only():
    from django.core.management.base import CommandError

    user = make_user(roles.KETENREGISSEUR)
    out = io.StringIO()
    with override_settings(DEMO=True):
        call_command("totp", user.username, stdout=out)
    assert out.getvalue().strip().isdigit() and len(out.getvalue().strip()) == 6
    with override_settings(DEMO=False), pytest.raises(CommandError):
        call_command("totp", user.username)


def test_masked_tag_hides_the_value_behind_a_reveal_button():
    html = Template("{% load privacy %}{% masked name %}").render(Context({"name": "<b>Jansen</b>"}))
    assert 'class="masked"' in html and "data-reveal" in html and "&lt;b&gt;Jansen&lt;/b&gt;" in html
    assert Template("{% load privacy %}{% masked name %}").render(Context({"name": ""})) == ""


@pytest.mark.parametrize(
    "value, expected",
    [("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+31", "'+31"), ("-1", "'-1"), ("@x", "'@x"), ("Jan", "Jan"), (None, "")],
)
def test_csv_export_cells_cannot_start_a_formula(value, expected):
    from zicht.access.views import _csv_cell

    assert _csv_cell(value) == expected
