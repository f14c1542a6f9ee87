"""Set-up pages of the buurtregie: the beheerder creates one and manages members, a chair manages
their own, nobody else; every change logged; the demo's buurtregie in Korvel."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.buurtregie.models import Buurtregie, Member
from zicht.buurtregie.setup import demo_buurtregie
from zicht.casework.tests import factories as fx
from zicht.core.testing import make_user
from zicht.geo.models import Wijk

from .test_views import world  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_beheerder_creates_a_buurtregie_and_adds_members(world):  # noqa: F811
    beheer = login(make_user(roles.FUNCTIONEEL_BEHEERDER, username="beheer", gemeente_id="GM0855"))
    assert beheer.get(reverse("buurtregie:setup")).status_code == 200
    assert "Nieuwe buurtregie" in beheer.get(reverse("buurtregie:setup")).content.decode()
    form = {
        "naam": "Buurtregie Centrum-Oost",
        "wijk_code": "WK085501",
        "organisation": world["wijkteam"].pk,
        "eerste_bijeenkomst": "2026-01-06",
        "interval_weken": 3,
        "tijd": "09:30",
        "locatie": "Wijkcentrum",
    }
    assert "wijk_code" in beheer.post(reverse("buurtregie:setup_create"), {**form, "wijk_code": "WK999999"}).context["form"].errors
    assert "interval_weken" in beheer.post(reverse("buurtregie:setup_create"), {**form, "interval_weken": 20}).context["form"].errors
    resp = beheer.post(reverse("buurtregie:setup_create"), form)
    regie = Buurtregie.objects.get(naam="Buurtregie Centrum-Oost")
    assert resp.status_code == 302 and regie.wijk_id == "WK085501" and regie.interval_weken == 3
    edit = reverse("buurtregie:setup_edit", args=[regie.pk])
    resp = beheer.post(edit, {"form": "lid", "lid-user": world["coach"].pk, "lid-functie": "voorzitter"})
    assert resp.status_code == 302
    member = Member.objects.get(regie=regie, user=world["coach"])
    assert member.organisation == world["wijkteam"] and member.functie == "voorzitter"
    # once per buurtregie; only professionals are offered
    again = beheer.post(edit, {"form": "lid", "lid-user": world["coach"].pk, "lid-functie": "school"})
    assert again.status_code == 200 and "al lid" in again.content.decode()
    page = beheer.get(edit).content.decode()
    assert "Wijkteam Centrum" in page and 'class="table-scroll" tabindex="0"' in page
    assert f'value="{make_user(roles.BELEIDSMEDEWERKER, username="b").pk}"' not in beheer.get(edit).content.decode()
    # schedule changed
    beheer.post(edit, {"form": "schema", **{f"schema-{k}": v for k, v in {**form, "interval_weken": 4}.items()}})
    regie.refresh_from_db()
    assert regie.interval_weken == 4
    actions = set(
        AccessLogEntry.objects.filter(username="beheer", record_type__startswith="buurtregie").values_list("action", "record_type")
    )
    assert {("create", "buurtregie"), ("create", "buurtregie_member"), ("change", "buurtregie"), ("view", "buurtregie")} <= actions


def test_a_chair_manages_the_own_buurtregie_only(world):  # noqa: F811
    regie = world["regie"]
    members = world["members"]
    coach = login(world["coach"])
    edit = reverse("buurtregie:setup_edit", args=[regie.pk])
    # a member who is not the chair: not found, and no create page
    assert coach.get(edit).status_code == 404
    assert coach.get(reverse("buurtregie:setup_create")).status_code == 403
    members["coach"].functie = "voorzitter"
    members["coach"].save()
    assert coach.get(edit).status_code == 200
    assert "Buurtregie Centrum" in coach.get(reverse("buurtregie:setup")).content.decode()
    assert "Buurtregies instellen" in coach.get(reverse("buurtregie:index")).content.decode()
    # remove the agent; the last chair cannot be removed while others remain
    assert coach.post(reverse("buurtregie:setup_remove_member", args=[regie.pk, members["agent"].pk])).status_code == 302
    assert not Member.objects.filter(pk=members["agent"].pk).exists()
    coach.post(reverse("buurtregie:setup_remove_member", args=[regie.pk, members["coach"].pk]))
    assert Member.objects.filter(pk=members["coach"].pk).exists()
    assert AccessLogEntry.objects.filter(username="coach", action="delete", record_type="buurtregie_member").exists()
    # the juf (member) and an outsider (not a member) cannot; beleid is refused by role
    assert login(world["juf"]).get(edit).status_code == 404
    assert login(world["outsider"]).post(reverse("buurtregie:setup_remove_member", args=[regie.pk, members["juf"].pk])).status_code == 404
    assert Member.objects.filter(pk=members["juf"].pk).exists()
    assert login(make_user(roles.BELEIDSMEDEWERKER, username="bm")).get(edit).status_code == 403
    assert "Buurtregie Centrum" not in login(world["juf"]).get(reverse("buurtregie:setup")).content.decode()


def test_demo_buurtregie_in_korvel_is_idempotent(db):
    gm, _wk, _bu = fx.geography()
    Wijk.objects.create(code="WK085517", naam="Korvel", gemeente=gm, indeling_jaar=2024)
    assert demo_buurtregie() is None  # no demo accounts yet
    school = fx.organisation("demo-school-korvel", "onderwijs", naam="Basisschool De Korvel (demo)")
    wijkteam = fx.organisation("wijkteam", "wijkteam", naam="Wijkteam")
    make_user(roles.PROFESSIONAL, username="school", organisation=school)
    make_user(roles.PROFESSIONAL, username="wijkteam", organisation=wijkteam)
    regie = demo_buurtregie(today=date(2026, 12, 7))
    assert regie.wijk_id == "WK085517" and regie.organisation == wijkteam
    assert sorted(regie.members.values_list("user__username", "functie")) == [("school", "school"), ("wijkteam", "wijkcoach")]
    assert demo_buurtregie().pk == regie.pk and Member.objects.count() == 2
