"""The demo's planted effect in Korvel: synthetic exports with the effect, imported, and the demo plan's
effect estimate covers the planted change (issue 14 item 5, ground truth on the demo's own path)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from zicht.areas import data as area_data
from zicht.areas import similar
from zicht.areas.effect_figures import estimate_for
from zicht.geo.loaders import load_geo
from zicht.prevention.demo import EFFECT_CHANGE, EFFECT_WIJK, PLAN_TITLE, effect_argument, effect_start
from zicht.prevention.models import PreventionPlan

pytestmark = pytest.mark.django_db


def test_effect_start_lies_inside_a_four_year_window_on_the_first_of_a_month():
    for end in (date(2026, 12, 6), date(2028, 2, 29), date(2027, 1, 1)):
        start = effect_start(end)
        assert start.day == 1 and end - timedelta(days=4 * 365) < start < end - timedelta(days=365)
    assert effect_argument(date(2026, 12, 6)) == f"{EFFECT_WIJK}:{round(EFFECT_CHANGE * 100)}%:2024-12-01"


@pytest.fixture
def demo_like(tmp_path):
    """Tilburg, 4 years ending yesterday, politie and Veilig Thuis, with the demo's planted effect: imported."""
    if not (settings.SHARED_DATA_DIR / "kwb").exists():
        pytest.skip("shared open data not available")
    load_geo(gemeente="GM0855")
    end = date.today() - timedelta(days=1)
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command(
        "synth",
        gemeente="GM0855",
        years=4,
        seed=7,
        out=str(tmp_path),
        end_date=end.isoformat(),
        effect=[effect_argument(end)],
        sources="politie,veilig_thuis",
        **quiet,
    )
    call_command("load-addresses", str(tmp_path / "adresregister.csv"), **quiet)
    call_command("import", str(tmp_path / "politie_incidenten.csv"), profile="politie-bvh", no_progress=True, **quiet)
    call_command("import", str(tmp_path / "veilig_thuis_meldingen.csv"), profile="veilig-thuis", no_progress=True, **quiet)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    area_data.clear_cache()
    similar._cache.clear()
    yield manifest, tmp_path
    area_data.clear_cache()
    similar._cache.clear()


def test_demo_plan_matches_the_planted_effect_and_its_estimate_covers_the_truth(demo_like):
    manifest, out = demo_like
    (planted,) = manifest["planted_effects"]
    assert planted["wijk"] == EFFECT_WIJK and planted["change"] == EFFECT_CHANGE and planted["aard"] is None
    assert planted["cases_removed"] > 20
    assert (out / "planted_effects.csv").read_text().splitlines()[1].startswith(f"{EFFECT_WIJK},{EFFECT_CHANGE},{planted['start']}")

    call_command("prevention-demo", plan_start=planted["start"], plan_wijk=planted["wijk"], stdout=StringIO())
    call_command("prevention-demo", plan_start=planted["start"], plan_wijk=planted["wijk"], stdout=StringIO())  # idempotent
    plan = PreventionPlan.objects.get(titel=PLAN_TITLE)
    (line,) = plan.lines.all()
    (indicator,) = plan.indicators.all()
    assert plan.wijk_id == EFFECT_WIJK and line.uitvoering_van.isoformat() == planted["start"]
    assert (indicator.type, indicator.figuur) == ("register", "per1000")

    # what the plan's "Effect schatten" link opens: the plan's wijk, the line's start, the similar wijken
    comparison = [r["code"] for r in similar.similar_wijken(plan.wijk_id, 5, "gemeente")["rows"] if r["code"] != plan.wijk_id]
    result = estimate_for("GM0855", plan.wijk_id, comparison, line.uitvoering_van)
    assert result["refused"] is None, result["refused"]
    assert result["ci_low"] <= EFFECT_CHANGE <= result["ci_high"], result
    assert result["ci_high"] < 0  # a real, significant decrease


def test_without_the_planted_effect_the_estimate_covers_zero(tmp_path):
    """The placebo: the same wijk and start in data without a planted effect shows no significant change."""
    if not (settings.SHARED_DATA_DIR / "kwb").exists():
        pytest.skip("shared open data not available")
    load_geo(gemeente="GM0855")
    end = date.today() - timedelta(days=1)
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("synth", gemeente="GM0855", years=4, seed=7, out=str(tmp_path), end_date=end.isoformat(), sources="veilig_thuis", **quiet)
    call_command("load-addresses", str(tmp_path / "adresregister.csv"), **quiet)
    call_command("import", str(tmp_path / "veilig_thuis_meldingen.csv"), profile="veilig-thuis", no_progress=True, **quiet)
    area_data.clear_cache()
    similar._cache.clear()
    comparison = [r["code"] for r in similar.similar_wijken(EFFECT_WIJK, 5, "gemeente")["rows"] if r["code"] != EFFECT_WIJK]
    result = estimate_for("GM0855", EFFECT_WIJK, comparison, effect_start(end))
    assert result["refused"] is None and result["ci_low"] <= 0 <= result["ci_high"], result
