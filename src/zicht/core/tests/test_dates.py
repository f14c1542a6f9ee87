"""Table tests of the shared calendar rules (zicht.core.dates)."""

from __future__ import annotations

from datetime import date as D

import pytest

from zicht.core.dates import add_years, age_from, age_on, parse_iso_date


@pytest.mark.parametrize(
    "day, years, expected",
    [
        (D(2024, 5, 1), 2, D(2026, 5, 1)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # leap day in a common year
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 2, 29), -1, D(2023, 2, 28)),
        (D(2025, 12, 31), 0, D(2025, 12, 31)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    "born, day, expected",
    [
        (D(2010, 6, 15), D(2026, 6, 14), 15),  # the day before the birthday
        (D(2010, 6, 15), D(2026, 6, 15), 16),  # the birthday itself
        (D(2008, 2, 29), D(2026, 2, 28), 17),
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2026, 1, 1), D(2026, 1, 1), 0),
    ],
)
def test_age_on(born, day, expected):
    assert age_on(born, day) == expected


@pytest.mark.parametrize(
    "text, expected_date, expected_age",
    [
        ("2010-06-15", D(2010, 6, 15), 16),
        ("", None, None),
        (None, None, None),
        ("2010-02-30", None, None),  # not a date
        ("15-06-2010", None, None),  # not ISO
    ],
)
def test_parse_and_age_from(text, expected_date, expected_age):
    assert parse_iso_date(text) == expected_date
    assert age_from(text, D(2026, 7, 1)) == expected_age
