"""Difference-in-differences on constructed series with known answers; refusal; power statement."""

import random

import numpy as np
import pytest

from zicht.areas.effects import Series, did_estimate, months_needed, wording


def test_noise_free_series_give_the_planted_effect_exactly():
    # comparison grows 1% a month; treated grows the same and drops by 25% from month 24
    comp = [Series("B", [round(200 * 1.01**m) for m in range(48)], 20_000)]
    treated = Series("A", [round(100 * 1.01**m * (0.75 if m >= 24 else 1)) for m in range(48)], 10_000)
    est = did_estimate(treated, comp, 24)
    assert est.effect == pytest.approx(-0.25, abs=0.01)
    assert est.ci_low < -0.25 < est.ci_high and est.significant


def test_no_effect_when_both_follow_the_same_trend():
    comp = [Series("B", [200 + 2 * m for m in range(36)], 20_000), Series("C", [150 + m for m in range(36)], 15_000)]
    treated = Series("A", [100 + m for m in range(36)], 10_000)
    est = did_estimate(treated, comp, 18)
    assert abs(est.effect) < 0.03 and not est.significant
    assert "geen duidelijke verandering" in wording(est, "Korvel", ["B", "C"])


@pytest.mark.parametrize("seed", range(5))
def test_poisson_noise_interval_covers_the_truth(seed):
    rng = np.random.default_rng(seed)
    comp = [Series(f"C{i}", list(rng.poisson(80, 48)), 8_000) for i in range(4)]
    treated = Series("A", list(rng.poisson([60 * (0.7 if m >= 24 else 1) for m in range(48)])), 6_000)
    est = did_estimate(treated, comp, 24)
    assert est.ci_low <= -0.3 <= est.ci_high


@pytest.mark.parametrize(
    "treated, comp, start, reason",
    [
        (Series("A", [1] * 36, 1000), [Series("B", [50] * 36, 5000)], 18, "Te weinig registraties"),
        (Series("A", [20] * 36, 1000), [Series("B", [50] * 36, 5000)], 3, "Te weinig maanden"),
        (Series("A", [20] * 36, 1000), [], 18, "Geen vergelijkingsgebieden"),
    ],
)
def test_small_areas_are_refused_with_a_reason(treated, comp, start, reason):
    est = did_estimate(treated, comp, start)
    assert est.effect is None and reason in est.refused and wording(est, "A", ["B"]) == est.refused


def test_wording_says_association_not_proof():
    comp = [Series("B", [200] * 36, 20_000)]
    est = did_estimate(Series("A", [100] * 18 + [70] * 18, 10_000), comp, 18)
    text = wording(est, "Korvel", ["Wandelbos"])
    assert "30% minder" in text and "samenhang, geen bewijs" in text


def test_months_needed_falls_with_larger_effects_and_more_registrations():
    small = months_needed(20, 80, 36, -0.2)
    large = months_needed(20, 80, 36, -0.4)
    busier = months_needed(60, 240, 36, -0.2)
    assert None not in (small, large, busier)
    assert large < small and busier < small
    assert months_needed(0.5, 1, 12, -0.05) is None  # never within ten years
    assert months_needed(10, 40, 24, 0) is None


def test_placebo_false_positive_rate_is_near_five_percent():
    rng = random.Random(1)
    hits = 0
    runs = 60
    for _ in range(runs):
        comp = [Series(f"C{i}", [np.random.default_rng(rng.randrange(10**6)).poisson(50) for _ in range(36)], 5000) for i in range(3)]
        treated = Series("A", list(np.random.default_rng(rng.randrange(10**6)).poisson(50, 36)), 5000)
        hits += did_estimate(treated, comp, 18).significant
    assert hits / runs <= 0.15


@pytest.mark.django_db
def test_effect_command_on_registry_data(tilburg_reports):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("effect", "--wijk", "WK085517", "--start", "2024-01-01", "--vergelijk", "WK085539,WK085510", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["vergelijk"] == ["WK085539", "WK085510"]
    # no intervention was planted: either refused with a reason, or an interval that says so
    if data["refused"]:
        assert data["estimate"] is None
    else:
        assert data["ci_low"] <= data["estimate"] <= data["ci_high"] and "samenhang, geen bewijs" in data["tekst"]
    assert "WK085517" not in str(data.get("counts", ""))  # no counts are printed
    quiet = StringIO()
    call_command("effect", "--wijk", tilburg_reports["quiet_wijk"], "--start", "2024-01-01", "--vergelijk", "WK085517", stdout=quiet)
    assert "Te weinig registraties" in quiet.getvalue()


@pytest.mark.django_db
def test_bench_effects_reports_coverage_and_placebo_rate():
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench", "effects", "--runs", "1", "--months", "24", "--wijken", "5", "--placebos", "1", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["scenarios"]) == 4 and {s["planted_effect"] for s in data["scenarios"]} == {-0.4, -0.25, -0.15, 0.2}
    for s in data["scenarios"]:
        if "estimate" in s:
            assert s["ci_low"] <= s["estimate"] <= s["ci_high"] and s["covers_truth"] == (
                s["ci_low"] <= s["planted_effect"] <= s["ci_high"]
            )
    assert 0 <= data["coverage"] <= 1 and data["placebo_false_positive_rate"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        ("beleidsmedewerker", 200),
        ("ketenregisseur", 200),
        ("professional", 403),
        ("privacy_officer", 403),
    ],
)
def test_effect_page_roles(client, tilburg, role, status):
    from zicht.core.testing import make_user

    client.force_login(make_user(role))
    assert client.get("/gebied/effect/?gemeente=GM0855").status_code == status


@pytest.mark.django_db
def test_effect_page_shows_estimate_series_and_refusal(client, tilburg_reports):
    from zicht.access import roles
    from zicht.core.testing import make_user

    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    html = client.get(
        "/gebied/effect/?gemeente=GM0855&wijk=WK085517&start=2024-01-01&vergelijk=WK085539&vergelijk=WK085510"
    ).content.decode()
    assert 'id="tabel-effect-reeksen"' in html and "<svg" in html and "Korvel" in html
    assert ("samenhang, geen bewijs" in html) or ("Te weinig" in html)
    quiet = client.get(
        f"/gebied/effect/?gemeente=GM0855&wijk={tilburg_reports['quiet_wijk']}&start=2024-01-01&vergelijk=WK085517"
    ).content.decode()
    assert "Te weinig registraties" in quiet
    assert client.get("/gebied/effect/?gemeente=GM0855&wijk=WK036301").status_code == 404


@pytest.mark.django_db
def test_effect_page_explains_the_chosen_comparison_and_lets_the_user_change_it(client, tilburg_reports):
    from zicht.access import roles
    from zicht.core.testing import make_user

    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    html = client.get("/gebied/effect/?gemeente=GM0855&wijk=WK085517&start=2024-01-01").content.decode()
    assert 'id="tabel-vergelijkingswijken"' in html and "trend voor de start" in html and "CBS-profiel op afstand" in html
    assert html.count("(voorgesteld)") == 5
    assert "voorgesteld op CBS-profiel en trend voor de start" in html
    assert "Geschat effect" in html or "Te weinig" in html
    edited = client.get("/gebied/effect/?gemeente=GM0855&wijk=WK085517&start=2024-01-01&vergelijk=WK085539").content.decode()
    assert "door u gekozen" in edited and edited.count(" checked") == 1


def test_default_comparison_follows_profile_and_trend(tilburg_reports):
    from datetime import date

    from zicht.areas.effect_figures import comparison_candidates, default_comparison, estimate_for
    from zicht.geo.models import Wijk

    wijken = list(Wijk.objects.filter(gemeente_id="GM0855").values_list("code", flat=True))
    ranked = comparison_candidates("GM0855", "WK085517", wijken, date(2024, 1, 1))
    assert len(ranked) == len(wijken) - 1 and all(r.code != "WK085517" for r in ranked)
    assert [r.score for r in ranked] == sorted(r.score for r in ranked)
    out = estimate_for("GM0855", "WK085517", default_comparison(ranked), date(2024, 1, 1))
    assert set(out["pre_trend"]) == {"verschil_per_jaar", "ci_low", "ci_high", "parallel"}
