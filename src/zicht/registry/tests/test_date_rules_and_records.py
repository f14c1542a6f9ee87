"""Table tests: the date rules both import paths take from ``domain.dates.DateRules``, and the
rule that picks a report's address (``records.report_address_row``)."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.registry.domain.dates import PRENATAL_DAYS, DateRules
from zicht.registry.records import report_address_row

RULES = DateRules(today=date(2024, 6, 15), max_age_years=110)
FUTURE_BIRTH = ("person.geboortedatum", "geboortedatum ligt in de toekomst")
TOO_OLD = ("person.geboortedatum", "geboortedatum onwaarschijnlijk (ouder dan 110 jaar)")
AFTER_RECORD = ("person.geboortedatum", "geboortedatum ligt ruim na de datum van het record")


@pytest.mark.parametrize(
    "datum, dob, expected",
    [
        (date(2024, 6, 15), date(1980, 1, 1), []),
        (date(2024, 6, 16), None, [("report.datum", "datum ligt in de toekomst")]),
        (None, date(2024, 6, 16), [FUTURE_BIRTH]),
        (None, date(1914, 5, 31), [TOO_OLD]),
        (None, date(1914, 6, 1), []),  # earliest_birth: the first of the month, max_age_years ago
        (date(2023, 1, 1), date(2023, 1, 1) + (date(2023, 10, 28) - date(2023, 1, 1)), []),  # exactly PRENATAL_DAYS later
        (date(2023, 1, 1), date(2023, 10, 29), [AFTER_RECORD]),
        (date(2024, 6, 16), date(2024, 6, 17), [("report.datum", "datum ligt in de toekomst"), FUTURE_BIRTH]),
        (None, None, []),
    ],
)
def test_date_rules(datum, dob, expected):
    assert RULES.problems(datum, dob) == expected


def test_latest_birth_is_a_pregnancy_after_the_record():
    assert PRENATAL_DAYS == 300
    assert RULES.latest_birth(date(2023, 1, 1)) == date(2023, 10, 28)
    assert RULES.earliest_birth == date(1914, 6, 1)


A, B = object(), object()


@pytest.mark.parametrize(
    "address, rol, expected",
    [
        ([A, B], ["verdachte", "slachtoffer"], 1),  # the victim's address before the suspect's
        ([A, B], ["verdachte", "kind"], 1),
        ([A, None], ["verdachte", "slachtoffer"], 0),  # a victim without address: the first with one
        ([None, None], ["slachtoffer", "kind"], None),
        ([A, B, A], ["melder", "slachtoffer", "kind"], 1),
    ],
)
def test_report_address_row(address, rol, expected):
    assert report_address_row(address, rol, 0, len(address)) == expected


def test_report_address_row_looks_only_inside_its_record():
    address, rol = [A, B, A], ["slachtoffer", "verdachte", "verdachte"]
    assert report_address_row(address, rol, 1, 3) == 1
