"""Buurtregie pages: membership scoping, match-only agenda, weighing, actions, notes, reminders."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.buurtregie.models import Action, Buurtregie, Member, Note, Weighing
from zicht.casework.tests import factories as fx
from zicht.casework.verwijsindex.registration import register_signal
from zicht.core.testing import make_user
from zicht.geo.models import Buurt, Wijk

pytestmark = pytest.mark.django_db


def signal(user, org, *, name="Tim", contact="Juf Ans", phone="013-5550000", postcode="5021AB", categorie="school"):
    born = timezone.localdate().replace(year=timezone.localdate().year - 8, day=1)
    return register_signal(
        user=user,
        organisation=org,
        data={
            "voornamen": name,
            "achternaam": "de Vries",
            "geboortedatum": born,
            "contact_naam": contact,
            "contact_telefoon": phone,
            "categorie": categorie,
            "postcode": postcode,
            "huisnummer": 12,
        },
    )


@pytest.fixture
def world():
    gm, wijk, _bu = fx.geography()
    fx.address()  # 5021AB 12 in buurt Binnenstad, wijk Centrum (the register would find it the same way)
    school = fx.organisation("school", "onderwijs", naam="Basisschool De Regenboog")
    politie = fx.organisation("politie", "politie", naam="Politie Midden-Brabant")
    wijkteam = fx.organisation("wijkteam", "wijkteam", naam="Wijkteam Centrum")
    ggd = fx.organisation("ggd", "ggd", naam="GGD Hart voor Brabant")
    juf = make_user(roles.PROFESSIONAL, username="juf", organisation=school)
    agent = make_user(roles.PROFESSIONAL, username="agent", organisation=politie)
    coach = make_user(roles.PROFESSIONAL, username="coach", organisation=wijkteam, two_factor=True)
    coach.email = "coach@example.org"
    coach.save()
    outsider = make_user(roles.PROFESSIONAL, username="ggd-niet-lid", organisation=ggd)
    regie = Buurtregie.objects.create(
        naam="Buurtregie Centrum",
        wijk=wijk,
        organisation=wijkteam,
        eerste_bijeenkomst=timezone.localdate() - timedelta(days=14),
        interval_weken=2,
    )
    members = {
        "juf": Member.objects.create(regie=regie, user=juf, organisation=school, functie="school"),
        "agent": Member.objects.create(regie=regie, user=agent, organisation=politie, functie="wijkagent"),
        "coach": Member.objects.create(regie=regie, user=coach, organisation=wijkteam, functie="wijkcoach"),
    }
    s1 = signal(juf, school)
    s2 = signal(agent, politie, contact="Agent Bakker", phone="0900-8844", categorie="politie")
    return {
        "regie": regie,
        "members": members,
        "juf": juf,
        "agent": agent,
        "coach": coach,
        "outsider": outsider,
        "signals": (s1, s2),
        "school": school,
        "politie": politie,
        "wijkteam": wijkteam,
        "wijk": wijk,
    }


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_wijkcoach_sees_the_match_with_contacts_and_no_content(world):
    c = login(world["coach"])
    resp = c.get(reverse("buurtregie:agenda", args=[world["regie"].pk]))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Basisschool De Regenboog" in body and "Juf Ans" in body and "013-5550000" in body
    assert "Politie Midden-Brabant" in body and "Agent Bakker" in body
    # match-only: no name, no category, no address of the person
    for content in ("Tim", "de Vries", "Schoolverzuim", "Politiecontact", "Heuvelstraat", "5021"):
        assert content not in body, content
    entry = AccessLogEntry.objects.filter(record_type="buurtregie", username="coach").latest("seq")
    match_ids = {str(m.pk) for m in world["signals"][0].matches.all()}
    assert match_ids <= set(entry.records.values_list("record_id", flat=True))


def test_an_involved_member_gets_a_link_to_its_own_signal_only(world):
    resp = login(world["juf"]).get(reverse("buurtregie:agenda", args=[world["regie"].pk]))
    body = resp.content.decode()
    assert reverse("casework:signal_detail", args=[world["signals"][0].pk]) in body
    assert reverse("casework:signal_detail", args=[world["signals"][1].pk]) not in body


def test_non_members_and_other_wijken_get_404_logged_as_refused(world):
    other_wijk = Wijk.objects.create(code="WK085502", naam="Noord", gemeente=world["wijk"].gemeente, indeling_jaar=2024)
    other = Buurtregie.objects.create(
        naam="Buurtregie Noord", wijk=other_wijk, organisation=world["wijkteam"], eerste_bijeenkomst=date(2026, 1, 5)
    )
    c = login(world["outsider"])
    for url in (reverse("buurtregie:agenda", args=[world["regie"].pk]), reverse("buurtregie:minutes", args=[world["regie"].pk])):
        assert c.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(username="ggd-niet-lid", outcome="not_found").count() == 2
    assert login(world["coach"]).get(reverse("buurtregie:agenda", args=[other.pk])).status_code == 404
    # a member who moved to another organisation is no longer a member
    profile = world["juf"].zicht_profile
    profile.organisation = world["politie"]
    profile.save()
    assert login(world["juf"]).get(reverse("buurtregie:agenda", args=[world["regie"].pk])).status_code == 404


@pytest.mark.parametrize("role", [roles.KETENREGISSEUR, roles.BELEIDSMEDEWERKER, roles.FUNCTIONEEL_BEHEERDER, roles.PRIVACY_OFFICER])
def test_other_roles_get_403(role, world):
    user = make_user(role, username=f"x-{role}", gemeente=world["wijk"].gemeente)
    assert login(user).get(reverse("buurtregie:index")).status_code == 403


def test_a_match_outside_the_wijk_or_without_members_is_not_on_the_agenda(world):
    other_wijk = Wijk.objects.create(code="WK085503", naam="Oost", gemeente=world["wijk"].gemeente, indeling_jaar=2024)
    buurt = Buurt.objects.create(code="BU08550301", naam="Oost", wijk=other_wijk, gemeente=world["wijk"].gemeente, indeling_jaar=2024)
    fx.address(postcode="5037XX", huisnummer=12, buurt=buurt)
    signal(world["juf"], world["school"], name="Eva", postcode="5037XX")
    signal(world["agent"], world["politie"], name="Eva", postcode="5037XX")
    from zicht.buurtregie.services import agenda

    items = agenda(world["regie"], world["wijkteam"].pk, timezone.localdate())
    assert [i.match.pk for i in items] == [m.pk for m in world["signals"][0].matches.all()]


def _weigh(client, regie, match_pk, **data):
    prefix = f"m{match_pk}"
    return client.post(reverse("buurtregie:weigh", args=[regie.pk, match_pk]), {f"{prefix}-{k}": v for k, v in data.items()})


def test_weighing_with_action_leaves_the_agenda_and_shows_in_the_minutes(world):
    regie, coach = world["regie"], world["coach"]
    match = world["signals"][0].matches.get()
    c = login(coach)
    # Meldcode without an agreed action is refused
    _weigh(c, regie, match.pk, uitkomst="meldcode", reden="School start de Meldcode-stappen")
    assert not Weighing.objects.exists()
    due = timezone.localdate() + timedelta(days=7)
    resp = _weigh(
        c,
        regie,
        match.pk,
        uitkomst="meldcode",
        reden="School start de Meldcode-stappen",
        actie="Stap 1 en 2 van de Meldcode",
        eigenaar=world["members"]["juf"].pk,
        datum=due.isoformat(),
    )
    assert resp.status_code == 302
    weighing = Weighing.objects.get()
    assert weighing.uitkomst == "meldcode" and sorted(weighing.organisations) == sorted([world["school"].pk, world["politie"].pk])
    assert Action.objects.get().owner == world["members"]["juf"]
    assert AccessLogEntry.objects.filter(record_type="buurtregie_weighing", action="create").exists()
    body = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert f'id="punt-{match.pk}"' not in body and "Stap 1 en 2 van de Meldcode" in body
    minutes = c.get(reverse("buurtregie:minutes", args=[regie.pk])).content.decode()
    assert "School start de Meldcode-stappen" in minutes


def test_watched_item_stays_and_a_new_organisation_brings_a_weighed_item_back(world):
    regie, coach = world["regie"], world["coach"]
    match = world["signals"][0].matches.get()
    c = login(coach)
    _weigh(c, regie, match.pk, uitkomst="volgen", reden="Over twee weken opnieuw bekijken")
    assert f'id="punt-{match.pk}"' in c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    _weigh(c, regie, match.pk, uitkomst="geen_actie", reden="Hulp loopt al via het wijkteam")
    assert f'id="punt-{match.pk}"' not in c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    signal(coach, world["wijkteam"], contact="Mila Coach", phone="013-2223333")
    assert f'id="punt-{match.pk}"' in c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()


def test_a_match_of_another_buurtregie_cannot_be_weighed(world):
    other_wijk = Wijk.objects.create(code="WK085504", naam="West", gemeente=world["wijk"].gemeente, indeling_jaar=2024)
    other = Buurtregie.objects.create(naam="West", wijk=other_wijk, organisation=world["wijkteam"], eerste_bijeenkomst=date(2026, 1, 5))
    Member.objects.create(regie=other, user=world["coach"], organisation=world["wijkteam"], functie="wijkcoach")
    match = world["signals"][0].matches.get()
    resp = _weigh(login(world["coach"]), other, match.pk, uitkomst="geen_actie", reden="Geen zorgen meer over dit gezin")
    assert resp.status_code == 404 and not Weighing.objects.exists()


def test_notes_are_read_by_the_own_organisation_only(world):
    regie = world["regie"]
    url = reverse("buurtregie:minutes", args=[regie.pk])
    assert login(world["juf"]).post(url, {"tekst": "Onze eigen aantekening over de leerling"}).status_code == 302
    note = Note.objects.get()
    assert note.organisation == world["school"]
    assert "Onze eigen aantekening" in login(world["juf"]).get(url).content.decode()
    assert "Onze eigen aantekening" not in login(world["agent"]).get(url).content.decode()
    assert "Onze eigen aantekening" not in login(world["coach"]).get(url).content.decode()


def test_reminders_on_the_pages_and_by_command(world):
    regie = world["regie"]
    coach_member = world["members"]["coach"]
    late = Action.objects.create(
        regie=regie, omschrijving="Huisbezoek plannen met gezin", owner=coach_member, due_on=timezone.localdate() - timedelta(days=3)
    )
    Action.objects.create(regie=regie, omschrijving="Later", owner=coach_member, due_on=timezone.localdate() + timedelta(days=3))
    c = login(world["coach"])
    index = c.get(reverse("buurtregie:index")).content.decode()
    assert "Herinnering" in index and "Buurtregie Centrum" in index
    agenda = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert "over datum" in agenda
    assert "Herinnering" not in login(world["juf"]).get(reverse("buurtregie:index")).content.decode()
    out = StringIO()
    call_command("buurtregie-reminders", "--mail", stdout=out)
    text = out.getvalue()
    assert f"actie {late.pk} van coach" in text and "1 actie(s) over datum" in text
    assert "Huisbezoek" not in text  # never the action's content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["coach@example.org"] and "Huisbezoek" not in mail.outbox[0].body
    assert AccessLogEntry.objects.filter(action="command", record_id="zicht buurtregie-reminders").exists()
    # afvinken: only the owner's organisation
    assert login(world["juf"]).post(reverse("buurtregie:action_done", args=[regie.pk, late.pk])).status_code == 404
    login(world["coach"]).post(reverse("buurtregie:action_done", args=[regie.pk, late.pk]))
    late.refresh_from_db()
    assert late.done_on == timezone.localdate()


def test_the_home_page_reminds_the_owner_only(world):
    Action.objects.create(
        regie=world["regie"],
        omschrijving="Huisbezoek plannen met gezin",
        owner=world["members"]["coach"],
        due_on=timezone.localdate() - timedelta(days=1),
    )
    home = login(world["coach"]).get("/").content.decode()
    assert "Herinnering buurtregie" in home and "1 actie van u over datum" in home and "Huisbezoek" not in home
    assert "Herinnering buurtregie" not in login(world["juf"]).get("/").content.decode()


def test_the_agenda_costs_the_same_queries_for_one_match_or_four(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zicht.buurtregie.services import agenda

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as one:
        assert len(agenda(world["regie"], world["wijkteam"].pk, today)) == 1
    for name in ("Eva", "Sem", "Lot"):
        signal(world["juf"], world["school"], name=name)
        signal(world["agent"], world["politie"], name=name)
    with CaptureQueriesContext(connection) as four:
        assert len(agenda(world["regie"], world["wijkteam"].pk, today)) == 4
    assert len(four.captured_queries) == len(one.captured_queries)
