"""Risk-factor profile per area from CBS indicators (real Tilburg figures)."""

from __future__ import annotations

import pytest

from zicht.areas.risk import area_risk_profile, context_profile


@pytest.mark.django_db
def test_korvel_profile(tilburg):
    scores = {(s.factor, s.indicator): s for s in area_risk_profile("WK085517")}
    sm = scores[("armoede", "pct_rond_sociaal_min")]
    # KWB 2017: Korvel 12.0, Tilburg 8.8, Nederland 7.2 — all of the same year.
    assert (sm.year, sm.value, sm.gemeente_value, sm.national_value) == (2017, 12.0, 8.8, 7.2)
    assert sm.elevated is True and "armoedebeleid" in sm.policy_frameworks
    assert "universeel" in sm.prevention_types
    old = scores[("afhankelijkheid", "pct_65plus")]
    assert old.year == 2024 and old.value == 19.0 and old.gemeente_value == 17.0
    # Not in the local data: missing, never zero, never 'elevated'.
    bijstand = scores[("armoede", "bijstand_per_1000")]
    assert bijstand.value is None and bijstand.elevated is False


@pytest.mark.django_db
def test_gemeente_is_compared_with_the_nation(tilburg):
    scores = {(s.factor, s.indicator): s for s in area_risk_profile("GM0855", year=2017)}
    sm = scores[("armoede", "pct_rond_sociaal_min")]
    assert sm.value == 8.8 and sm.gemeente_value is None and sm.national_value == 7.2 and sm.elevated is True
    assert sm.reference == "Nederland"


@pytest.mark.django_db
def test_year_cap(tilburg):
    s = {(x.factor, x.indicator): x for x in area_risk_profile("WK085517", year=2020)}[("afhankelijkheid", "pct_65plus")]
    assert s.year == 2017 and s.value == 17.3


@pytest.mark.django_db
def test_context_profile(tilburg):
    rows = {r["indicator"]: r for r in context_profile("WK085517")}
    assert rows["bevolkingsdichtheid"]["value"] == 7400 and rows["pct_0_15"]["national_value"] is not None
