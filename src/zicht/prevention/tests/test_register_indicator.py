"""A plan indicator computed by Zicht from the registry for the plan's wijk, through disclosure control."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zicht.access import roles
from zicht.areas.tests.conftest import _fresh_caches, tilburg, tilburg_reports  # noqa: F401 (fixtures)
from zicht.core.testing import make_user
from zicht.geo.models import Gemeente, Wijk
from zicht.prevention import services
from zicht.prevention.models import PlanIndicator, PreventionPlan

pytestmark = pytest.mark.django_db


def test_registry_indicator_on_the_plan_and_in_its_export(client, tilburg_reports):  # noqa: F811 (fixture)
    gm = Gemeente.objects.get(code="GM0855")
    plans = {}
    for code in ("WK085517", tilburg_reports["quiet_wijk"]):
        plan = PreventionPlan.objects.create(titel=f"Plan {code}", gemeente=gm, wijk=Wijk.objects.get(code=code))
        PlanIndicator.objects.create(plan=plan, naam="Meldingen", type="register", figuur="meldingen", baseline="100", streefwaarde="80")
        plans[code] = plan
    (korvel,) = services.plan_snapshot(plans["WK085517"])["indicators"]
    assert [p["periode"] for p in korvel["metingen"]] == ["2023", "2024"]
    assert all(p["value"] is None or p["value"] % 5 == 0 for p in korvel["metingen"])
    (quiet,) = services.plan_snapshot(plans[tilburg_reports["quiet_wijk"]])["indicators"]
    assert [p["display"] for p in quiet["metingen"]][-1] == "<10"  # suppressed stays suppressed
    assert all(p["value"] is None for p in quiet["metingen"] if p["status"] != "ok")

    client.force_login(make_user(roles.BELEIDSMEDEWERKER, gemeente=gm))
    html = client.get(reverse("prevention:plan", args=[plans[tilburg_reports["quiet_wijk"]].pk])).content.decode()
    assert 'data-dc="primary"' in html and "Nog geen gemeten waarde" in html
    pdf = client.get(reverse("prevention:plan_export", args=[plans["WK085517"].pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
