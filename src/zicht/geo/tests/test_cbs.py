"""CBS parsing: '.', empty and secret values are missing (None), never zero."""

from __future__ import annotations

import pytest

from zicht.geo import cbs


@pytest.mark.parametrize(
    "raw, expected",
    [
        (".", None),
        ("       .", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("x", None),
        ("-", None),
        (-99997, None),
        (-99995.0, None),
        ("-99997", None),
        (float("nan"), None),
        ("NA", None),
        (0, 0.0),
        ("0", 0.0),
        (7.2, 7.2),
        ("7.2", 7.2),
        ("7,2", 7.2),
        ("17.081.507", 17081507.0),
        ("1.234,5", 1234.5),
        ("12", 12.0),
        (-3, -3.0),
        ("abc", None),
    ],
)
def test_parse_value(raw, expected):
    assert cbs.parse_value(raw) == expected


def test_boolean_is_rejected():
    with pytest.raises(TypeError):
        cbs.parse_value(True)


@pytest.mark.parametrize(
    "raw, code, level",
    [
        ("WK085517  ", "WK085517", "wijk"),
        ("BU08551701", "BU08551701", "buurt"),
        ("GM0855 ", "GM0855", "gemeente"),
        ("NL00      ", "NL00", "land"),
        ("LD01", "LD01", "onbekend"),
    ],
)
def test_codes(raw, code, level):
    assert cbs.clean_code(raw) == code
    assert cbs.level_of(code) == level


@pytest.mark.parametrize(
    "part, whole, per, expected",
    [(990, 5710, 100, 17.3), (None, 5710, 100, None), (990, None, 100, None), (5, 0, 100, None), (330, 5810, 1000, 56.8)],
)
def test_share(part, whole, per, expected):
    assert cbs.share(part, whole, per=per) == expected


def test_weighted_mean_skips_missing():
    assert cbs.weighted_mean([(10, 100), (20, 300), (None, 1000), (50, None)]) == 17.5
    assert cbs.weighted_mean([(None, 1)]) is None


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Aantal inwoners (aantal)", "aantal inwoners"),
        ("Huishoudens met een laag  inkomen (%)", "huishoudens met een laag inkomen"),
        ("Wmo-cliënten", "wmo-cliënten"),
    ],
)
def test_normalise_title(title, expected):
    assert cbs.normalise_title(title) == expected


def test_derived_names():
    assert cbs.derived_buurt_name("Korvel", "BU08551703") == "Korvel, buurt 3"
    assert cbs.derived_wijk_name("Tilburg", "WK085517") == "Tilburg, wijk 17"
