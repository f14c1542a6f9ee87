"""Planted effects: parsing and thinning (framework-free)."""

from dataclasses import dataclass, field
from datetime import date

import pytest

from zicht.synth.effects import PlantedEffect, parse_effect, plant


@pytest.mark.parametrize(
    "text, expected",
    [
        ("WK085517:-25%:2025-01-01:partnergeweld", PlantedEffect("WK085517", -0.25, date(2025, 1, 1), "partner")),
        ("korvel:-40:2024-06-01", PlantedEffect("korvel", -0.4, date(2024, 6, 1), None)),
        ("WK085517:-12,5%:2025-01-01:km", PlantedEffect("WK085517", -0.125, date(2025, 1, 1), "km")),
    ],
)
def test_parse_effect(text, expected):
    assert parse_effect(text) == expected


@pytest.mark.parametrize(
    "text", ["WK1:-25%", "WK1:+10%:2025-01-01", "WK1:-100%:2025-01-01", "WK1:-25%:01-01-2025", "WK1:-25%:2025-01-01:onzin"]
)
def test_parse_effect_refuses(text):
    with pytest.raises(ValueError):
        parse_effect(text)


@dataclass
class Ev:
    day: date


@dataclass
class FakeCase:
    buurt_index: int
    aard: str
    events: list = field(default_factory=list)


def test_plant_removes_about_the_planted_share_only_where_it_applies():
    cases = (
        [FakeCase(0, "partner", [Ev(date(2025, 3, 1))]) for _ in range(2000)]
        + [FakeCase(0, "partner", [Ev(date(2024, 3, 1))]) for _ in range(500)]  # before the start
        + [FakeCase(1, "partner", [Ev(date(2025, 3, 1))]) for _ in range(500)]  # other wijk
        + [FakeCase(0, "km", [Ev(date(2025, 3, 1))]) for _ in range(500)]
    )  # other aard
    effect = PlantedEffect("WK_A", -0.25, date(2025, 1, 1), "partner")
    kept, removed = plant(cases, ["WK_A", "WK_B"], [effect], seed=1)
    assert 400 < removed[0] < 600 and len(kept) == len(cases) - removed[0]
    assert sum(1 for c in kept if c.events[0].day < date(2025, 1, 1)) == 500
    assert sum(1 for c in kept if c.buurt_index == 1) == 500 and sum(1 for c in kept if c.aard == "km") == 500
    # same seed, same result
    assert plant(cases, ["WK_A", "WK_B"], [effect], seed=1)[1] == removed


def test_generate_plants_the_effect_and_records_it(tmp_path, data_dir):
    from zicht.synth.generate import generate

    effect = PlantedEffect("WK085517", -0.5, date(2025, 1, 1), None)
    plain = generate("GM0855", 2, 3, tmp_path / "a", data_dir, progress=False, log=lambda *_: None)
    planted = generate("GM0855", 2, 3, tmp_path / "b", data_dir, progress=False, log=lambda *_: None, effects=[effect])
    assert plain["planted_effects"] == []
    (record,) = planted["planted_effects"]
    assert record["wijk"] == "WK085517" and record["change"] == -0.5 and record["cases_removed"] > 0
    assert planted["files"]["truth.csv"]["rows"] < plain["files"]["truth.csv"]["rows"]
