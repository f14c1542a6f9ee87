"""Issue 12 item 2: every casework page and export names the records it showed in the access log,
and a refused attempt is logged as refused, never as a view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.casework.colour.services import recolour
from zicht.casework.models import MeldcodeCase, Signal, SignalMatch
from zicht.core.testing import make_user
from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink
from zicht.registry.models import Report

from . import factories as fx
from .test_views import _signal_data, client_for, with_reason

pytestmark = pytest.mark.django_db


def shown(entry) -> set[tuple[str, str]]:
    """Every record an entry names: its own record and its AccessLogRecord rows."""
    return {(entry.record_type, entry.record_id)} | {(x.record_type, x.record_id) for x in entry.records.all()}


def last_entry(**filters):
    return AccessLogEntry.objects.filter(**filters).latest("seq")


@pytest.fixture
def scene(red_address):
    """The red address (a victim and a child), the victim in a household at that address."""
    report = Report.objects.get(address=red_address)
    parties = {p.rol: p.person for p in report.parties.select_related("person")}
    linked = LinkedPerson.objects.create()
    PersonLink.objects.create(person=parties["slachtoffer"], linked_person=linked, method="single")
    household = Household.objects.create()
    # a member since the report (a household counts a member's reports within the membership)
    HouseholdMember.objects.create(household=household, linked_person=linked, address=red_address, since=report.datum)
    recolour("address", [red_address.pk])
    recolour("household", [household.pk])
    return {"address": red_address, "victim": parties["slachtoffer"], "child": parties["kind"], "report": report, "household": household}


def test_colour_list_names_the_rows_of_the_page(scene):
    c, _ = client_for(roles.KETENREGISSEUR)
    assert c.get(reverse("casework:colour_list")).status_code == 200
    assert ("address", str(scene["address"].pk)) in shown(last_entry(record_type="colour_list", action="view"))
    c.get(reverse("casework:colour_list"), {"subject": "household"})
    records = shown(last_entry(record_type="colour_list", action="view"))
    assert ("household", str(scene["household"].pk)) in records and ("address", str(scene["address"].pk)) not in records


def test_colour_export_names_every_address_and_person_exported(scene):
    c, _ = client_for(roles.KETENREGISSEUR)
    resp = c.get(reverse("casework:colour_export"), {"reason": "casusoverleg", "namen": "on"})
    assert resp.status_code == 200
    records = shown(last_entry(record_type="colour_list", action="export"))
    assert {("address", str(scene["address"].pk)), ("person", str(scene["victim"].pk)), ("person", str(scene["child"].pk))} <= records


def test_colour_export_defuses_formulas(scene):
    scene["victim"].voornamen = "=HYPERLINK(1)"
    scene["victim"].save()
    c, _ = client_for(roles.KETENREGISSEUR)
    body = c.get(reverse("casework:colour_export"), {"reason": "casusoverleg", "namen": "on"}).content.decode("utf-8")
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize("page, other", [("address", "household"), ("household", "address")])
def test_subject_pages_name_reports_persons_and_the_other_subject(scene, page, other):
    """The address page names its households, the household page its members' addresses."""
    c, _ = client_for(roles.KETENREGISSEUR)
    pk = scene[page].pk
    with_reason(c, page, pk)
    assert c.get(reverse(f"casework:{page}", args=[pk])).status_code == 200
    records = shown(last_entry(record_type=page, record_id=str(pk)))
    assert {
        ("report", str(scene["report"].pk)),
        ("person", str(scene["victim"].pk)),
        ("person", str(scene["child"].pk)),
        (other, str(scene[other].pk)),
    } <= records


def test_another_regions_address_is_logged_as_refused_not_as_a_view(scene):
    elsewhere = Gemeente.objects.create(code="GM0363", naam="Amsterdam", indeling_jaar=2024)
    user = make_user(roles.KETENREGISSEUR, username="regie-amsterdam", gemeente=elsewhere)
    c = Client()
    c.force_login(user)
    pk = scene["address"].pk
    with_reason(c, "address", pk)
    assert c.get(reverse("casework:address", args=[pk])).status_code == 404
    mine = AccessLogEntry.objects.filter(username=user.username)
    assert mine.filter(outcome="not_found").exists()
    assert not mine.filter(outcome="ok", action="view").exists()
    assert not AccessLogEntry.objects.filter(username=user.username, records__record_type="report").exists()


def _two_signals():
    school = fx.organisation("school", "onderwijs", naam="Basisschool De Regenboog")
    wijkteam = fx.organisation("wijkteam-noord", "wijkteam", naam="Wijkteam Noord")
    fx.address()  # the signal's postcode and number exist in the register
    c1, _ = client_for(roles.PROFESSIONAL, "prof-school", organisation=school)
    c2, _ = client_for(roles.PROFESSIONAL, "prof-wijkteam", organisation=wijkteam)
    c1.post(reverse("casework:signal_new"), _signal_data(categorie="school"))
    c2.post(reverse("casework:signal_new"), _signal_data())
    return c1, Signal.objects.get(organisation=school), Signal.objects.get(organisation=wijkteam)


def test_signal_list_and_detail_name_signals_and_persons():
    c1, mine, _ = _two_signals()
    c1.get(reverse("casework:signal_list"))
    assert {("signal", str(mine.pk)), ("person", str(mine.person_id))} <= shown(last_entry(record_type="signal_list"))
    c1.get(reverse("casework:signal_detail", args=[mine.pk]))
    assert ("person", str(mine.person_id)) in shown(last_entry(record_type="signal", action="view"))


def test_another_organisations_signal_is_logged_as_refused():
    _, _, theirs = _two_signals()
    c, user = client_for(roles.PROFESSIONAL, "prof-school-2", organisation=fx.organisation("school", "onderwijs"))
    assert c.get(reverse("casework:signal_detail", args=[theirs.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(username=user.username, outcome="not_found").exists()
    assert not AccessLogEntry.objects.filter(username=user.username, record_type="signal", outcome="ok").exists()


def test_inbox_names_matches_signals_and_addresses():
    _, first, second = _two_signals()
    match = SignalMatch.objects.get(ended_at__isnull=True)
    kr, _ = client_for(roles.KETENREGISSEUR)
    kr.get(reverse("casework:inbox"))
    records = shown(last_entry(record_type="signal_inbox"))
    assert {("signal_match", str(match.pk)), ("signal", str(first.pk)), ("signal", str(second.pk))} <= records
    assert any(t == "address" for t, _ in records)


def test_meldcode_list_and_case_name_the_cases():
    org = fx.organisation("wijkteam-oost", "wijkteam")
    c, _ = client_for(roles.PROFESSIONAL, organisation=org)
    c.post(reverse("casework:meldcode_new"), {"referentie": "Dossier 2026-17"})
    case = MeldcodeCase.objects.get()
    c.get(reverse("casework:meldcode_list"))
    assert ("meldcode_case", str(case.pk)) in shown(last_entry(record_type="meldcode_list"))
    c.get(reverse("casework:meldcode_case", args=[case.pk]))
    assert ("meldcode_case", str(case.pk)) in shown(last_entry(record_type="meldcode_case", action="view"))


def test_household_page_hides_members_and_reports_outside_the_region(scene):
    """Issue 12 item 4 at page level: a member's other address in another region stays off the page and out of the log."""
    other_gm = Gemeente.objects.create(code="GM0796", naam="'s-Hertogenbosch", indeling_jaar=2024)
    wijk = Wijk.objects.create(code="WK079601", naam="W", gemeente=other_gm, indeling_jaar=2024)
    buurt = Buurt.objects.create(code="BU07960101", naam="B", wijk=wijk, gemeente=other_gm, indeling_jaar=2024)
    far = fx.address(postcode="5211BB", huisnummer=3, buurt=buurt)
    politie = fx.organisation("politie", "politie")
    stranger = fx.person(politie, voornamen="Verre", achternaam="Buur", address_=far)
    far_report = fx.report(politie, far, timezone.localdate() - timedelta(days=5), parties=[(stranger, "pleger")])
    linked = LinkedPerson.objects.create()
    PersonLink.objects.create(person=stranger, linked_person=linked, method="single")
    HouseholdMember.objects.create(household=scene["household"], linked_person=linked, address=far)
    c, _ = client_for(roles.KETENREGISSEUR)
    pk = scene["household"].pk
    with_reason(c, "household", pk)
    html = c.get(reverse("casework:household", args=[pk])).content.decode()
    assert "5211" not in html and "Verre" not in html
    records = shown(last_entry(record_type="household", record_id=str(pk)))
    assert ("report", str(far_report.pk)) not in records and ("address", str(far.pk)) not in records
    assert ("report", str(scene["report"].pk)) in records


def test_inbox_assigns_the_regie_organisatie_and_logs_the_change():
    _, first, _ = _two_signals()
    match = SignalMatch.objects.get(ended_at__isnull=True)
    kr, _ = client_for(roles.KETENREGISSEUR)
    resp = kr.post(
        reverse("casework:inbox_handle", args=[match.pk]),
        {"status": "regie_belegd", "regie_organisatie": first.organisation_id, "note": "Overleg gepland"},
    )
    assert resp.status_code == 302
    match.refresh_from_db()
    assert match.status == "regie_belegd" and match.regie_organisatie_id == first.organisation_id
    assert AccessLogEntry.objects.filter(record_type="signal_match", record_id=str(match.pk), action="change").exists()
