"""Table-driven tests of the pure helpers: BSN, names, noise kinds, relative risk."""

from __future__ import annotations

import random
from datetime import date

import pytest

from zicht.synth.bsn import check_digit, is_valid_bsn, make_bsn
from zicht.synth.geography import relative_risk
from zicht.synth.names import NamePools, split_surname
from zicht.synth.noise import (
    Noise,
    format_postcode,
    free_address,
    initials,
    phonetic_variant,
    split_compound_street,
    strip_diacritics,
    swap_day_month,
    tussenvoegsel_variant,
    typo,
)


@pytest.mark.parametrize(
    "value,valid",
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),
        ("12345678", False),
        ("12345678a", False),
        ("999999999", False),
    ],
)
def test_bsn_11_proef(value, valid):
    assert is_valid_bsn(value) is valid


def test_make_bsn_valid_and_unique():
    rng, used = random.Random(3), set()
    values = [make_bsn(rng, used) for _ in range(5000)]
    assert len(set(values)) == 5000
    assert all(is_valid_bsn(v) for v in values)
    assert check_digit("11122233") == 3


@pytest.mark.parametrize(
    "full,expected",
    [
        ("van den Berg", ("van den", "Berg")),
        ("de Vries", ("de", "Vries")),
        ("Jansen", ("", "Jansen")),
        ("van der Meer", ("van der", "Meer")),
        ("el Amrani", ("el", "Amrani")),
        ("Vandenberg", ("", "Vandenberg")),
    ],
)
def test_split_surname(full, expected):
    assert split_surname(full) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Öztürk", "Ozturk"),
        ("Yılmaz", "Yilmaz"),
        ("Çelik", "Celik"),
        ("Şahin", "Sahin"),
        ("Jansen", "Jansen"),
    ],
)
def test_strip_diacritics(text, expected):
    assert strip_diacritics(text) == expected


@pytest.mark.parametrize(
    "voornamen,all_names,expected",
    [
        ("Pieter Jan", True, "P.J."),
        ("Pieter Jan", False, "P."),
        ("anna", True, "A."),
        ("", True, ""),
    ],
)
def test_initials(voornamen, all_names, expected):
    assert initials(voornamen, all_names) == expected


@pytest.mark.parametrize(
    "space,lower,expected",
    [
        (True, False, "5041 AB"),
        (False, False, "5041AB"),
        (False, True, "5041ab"),
        (True, True, "5041 ab"),
    ],
)
def test_postcode_format(space, lower, expected):
    assert format_postcode("5041", "AB", space, lower) == expected


@pytest.mark.parametrize(
    "dob,expected",
    [
        (date(1980, 3, 7), date(1980, 7, 3)),
        (date(1980, 3, 25), date(1980, 3, 25)),
        (date(1980, 5, 5), date(1980, 5, 5)),
    ],
)
def test_swap_day_month(dob, expected):
    assert swap_day_month(dob) == expected


def test_typo_is_one_edit():
    from rapidfuzz.distance import OSA

    rng = random.Random(1)
    for word in ("Jansen", "Bakker", "Öztürk", "Vos"):
        for _ in range(300):
            out = typo(word, rng)
            assert OSA.distance(word, out) == 1
            assert out[0] == word[0]


@pytest.mark.parametrize("value,expected", [("Meijer", {"Meyer", "Meiyer"}), ("Smit", {"Smit"})])
def test_phonetic_variant(value, expected):
    assert phonetic_variant(value, random.Random(0)) in expected | {value.replace("ei", "ij", 1)}


def test_tussenvoegsel_variants_cover_all_forms():
    rng = random.Random(2)
    seen = {tussenvoegsel_variant("van den", "Berg", rng) for _ in range(300)}
    assert ("", "Berg, van den") in seen
    assert ("", "van den Berg") in seen
    assert {tv for tv, _ in seen} >= {"vd", "v.d.", "V.d."}


def test_free_address_spellings():
    rng = random.Random(5)
    seen = {free_address("Korvelseweg", 12, "A", rng, Noise(3.0)) for _ in range(400)}
    assert {"Korvelseweg 12A", "Korvelseweg 12 A", "Korvelseweg 12-A"} <= seen
    assert any(s.startswith("Korvelse weg") for s in seen) and any(s.startswith("korvelse") for s in seen)
    assert any(s.endswith("bis") for s in seen)
    assert split_compound_street("Korvelseweg") == "Korvelse weg"
    assert {free_address("Hoofdstraat", 3, "2", random.Random(i), Noise(1)) for i in range(50)} <= {
        "Hoofdstraat 3 2",
        "Hoofdstraat 3-2",
        "hoofdstraat 3 2",
        "hoofdstraat 3-2",
        "Hoofd straat 3 2",
        "Hoofd straat 3-2",
        "hoofd straat 3 2",
        "hoofd straat 3-2",
    }


def test_noise_zero_is_clean_and_rates_scale():
    assert Noise(0).rate("typo_achternaam") == 0
    assert Noise(2).rate("typo_achternaam") == pytest.approx(0.08)
    assert Noise(100).rate("bsn_missing", "veilig_thuis") == 1.0


@pytest.mark.parametrize(
    "low,soc,gm_low,gm_soc,expected",
    [
        (9.7, 8.8, 9.7, 8.8, 1.0),
        (19.4, 17.6, 9.7, 8.8, 2.0),
        (None, 17.6, 9.7, 8.8, 2.0),
        (None, None, 9.7, 8.8, 1.0),
        (100.0, 100.0, 9.7, 8.8, 4.0),
        (0.1, 0.1, 9.7, 8.8, 0.25),
    ],
)
def test_relative_risk(low, soc, gm_low, gm_soc, expected):
    assert relative_risk(low, soc, gm_low, gm_soc) == pytest.approx(expected)


def test_common_surnames_overrepresented():
    pools, rng = NamePools.build(1), random.Random(1)
    from collections import Counter

    draws = Counter(pools.dutch_surnames.draw_many(rng, 40_000))
    assert 0.003 < draws[("de", "Jong")] / 40_000 < 0.008  # ≈ 0.5 % in the Dutch population
    assert draws.most_common(1)[0][0] in {("de", "Jong"), ("", "Jansen"), ("de", "Vries")}
