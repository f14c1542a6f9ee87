"""`zicht catalogue` and `zicht prevention-demo`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zicht.prevention.models import Intervention, PartnerProfile

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_catalogue_json_lists_everything_with_flags():
    data = json.loads(run("catalogue", "--json", "--today", "2026-01-01"))
    assert len(data) == Intervention.objects.count() >= 40
    voorzorg = next(d for d in data if d["slug"] == "voorzorg")
    assert voorzorg["erkenning_verouderd"] is True and voorzorg["erkenning_status"] == "verouderd"


def test_catalogue_filters_from_the_command_line():
    data = json.loads(run("catalogue", "--json", "--type", "zorggericht", "--bouwsteen", "opgroeien"))
    assert {d["slug"] for d in data} == {"signs-of-safety", "families-first", "save", "julia"}


def test_catalogue_load_is_idempotent():
    assert "0 nieuw, 0 bijgewerkt" in run("catalogue", "--load")
    Intervention.objects.filter(slug="voorzorg").update(erkenningsniveau="onbekend")
    assert "0 nieuw, 1 bijgewerkt" in run("catalogue", "--load")


def test_catalogue_import_errors(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("naam,soort,beschrijving,bron,leeftijd_min\nA,interventie,x,y,drie\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("catalogue", "--import", str(path), stdout=StringIO(), stderr=(err := StringIO()))
    assert "rij 2, veld 'leeftijd_min'" in err.getvalue()


def test_prevention_demo_is_idempotent():
    assert "15 nieuw" in run("prevention-demo")
    assert "0 nieuw" in run("prevention-demo")
    assert PartnerProfile.objects.count() == 15
    assert PartnerProfile.objects.get(organisation__code="demo-ggz").bouwstenen == ["specialistisch"]


def test_prevention_demo_writes_the_korvel_plan_from_the_planted_effects_start():
    from datetime import date

    from zicht.prevention.demo import EFFECT_WIJK, PLAN_TITLE
    from zicht.prevention.models import PreventionPlan

    assert "Preventieplan" not in run("prevention-demo")  # without a start: partners only
    assert not PreventionPlan.objects.exists()
    out = run("prevention-demo", "--plan-start", "2024-12-01")
    assert "interventie vanaf 2024-12-01 in Korvel" in out
    run("prevention-demo", "--plan-start", "2024-12-01")
    plan = PreventionPlan.objects.get(titel=PLAN_TITLE)
    (line,) = plan.lines.all()
    (indicator,) = plan.indicators.all()
    assert (plan.wijk_id, plan.status, line.uitvoering_van, line.eigenaar.code) == (
        EFFECT_WIJK,
        "vastgesteld",
        date(2024, 12, 1),
        "demo-welzijn",
    )
    assert (indicator.type, indicator.figuur, indicator.baseline_jaar) == ("register", "per1000", 2023)
    with pytest.raises(CommandError):
        run("prevention-demo", "--plan-start", "1-12-2024")
