"""Plan indicator rules: numbers in text, progress in words."""

import pytest

from zicht.prevention.domain.indicators import parse_number, progress


@pytest.mark.parametrize(
    "text, value",
    [
        ("12,5%", 12.5),
        ("ca. 40", 40.0),
        ("1.234", 1234.0),
        ("1.234,5", 1234.5),
        ("12.5", 12.5),
        ("−3", -3.0),
        ("-3,25 per 1.000", -3.25),
        ("", None),
        (None, None),
        ("onbekend", None),
        ("2.000.000", 2_000_000.0),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "baseline, target, latest, share, words",
    [
        (16.0, 12.0, 14.0, 0.5, "50% van de weg"),
        (16.0, 12.0, 11.0, 1.25, "bereikt"),
        (16.0, 12.0, 17.0, -0.25, "nog geen beweging"),
        (10.0, 20.0, 15.0, 0.5, "50% van de weg"),  # targets may go up as well (participants)
        (None, 12.0, 14.0, None, "Laatste meting"),
        (16.0, 12.0, None, None, "Nog geen gemeten waarde"),
        (5.0, 5.0, 5.0, 1.0, "bereikt"),
    ],
)
def test_progress(baseline, target, latest, share, words):
    p = progress(baseline, target, latest, "2025")
    assert p.share == share
    assert words in p.text
