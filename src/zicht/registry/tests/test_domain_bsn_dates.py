"""BSN 11-proef and date parsing (pure, table-driven)."""

from datetime import date, datetime

import pytest

from zicht.registry.domain.bsn import BSNError, is_valid_bsn, normalise_bsn, passes_11_proef
from zicht.registry.domain.dates import DateError, make_parser, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("944117715", "944117715"),
        ("9441.17.715", "944117715"),
        (" 944 117 715 ", "944117715"),
        ("11222335", "011222335"),  # 8 digits: the leading zero is restored
    ],
)
def test_valid_bsn_is_normalised(text, expected):
    assert passes_11_proef(expected)
    assert normalise_bsn(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("944117716", "11-proef"),  # last digit changed
        ("494117715", "11-proef"),  # two digits swapped
        ("000000000", "11-proef"),
        ("12345", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("94411771A", "cijfers"),
        ("", "9 cijfers"),
        ("٩٤٤١١٧٧١٥", "cijfers"),  # Arabic-Indic digits are not accepted
    ],
)
def test_invalid_bsn_is_refused_without_quoting_it(text, reason):
    with pytest.raises(BSNError) as exc:
        normalise_bsn(text)
    assert reason in str(exc.value)
    assert not text or text not in str(exc.value)
    assert not is_valid_bsn(text)


@pytest.mark.parametrize(
    "value, formats, expected",
    [
        ("03-12-2024", ["nl"], date(2024, 12, 3)),
        ("3-2-2024", ["nl"], date(2024, 2, 3)),
        ("03/12/2024", ["nl"], date(2024, 12, 3)),
        ("03.12.2024", ["nl"], date(2024, 12, 3)),
        ("3 maart 2024", ["nl"], date(2024, 3, 3)),
        ("3 mrt. 2024", ["nl"], date(2024, 3, 3)),
        ("2024-12-03", ["iso"], date(2024, 12, 3)),
        ("2024-12-03T10:15:00", ["iso"], date(2024, 12, 3)),
        ("2024-12-03 10:15", ["iso"], date(2024, 12, 3)),
        ("45292", ["excel"], date(2024, 1, 1)),
        (45292, ["excel"], date(2024, 1, 1)),
        (45292.75, ["excel"], date(2024, 1, 1)),
        (1, ["excel"], date(1900, 1, 1)),
        (61, ["excel"], date(1900, 3, 1)),
        (datetime(2024, 5, 6, 7, 8), ["nl"], date(2024, 5, 6)),  # XLSX cell
        (date(2024, 5, 6), ["iso"], date(2024, 5, 6)),
        ("20241203", ["%Y%m%d"], date(2024, 12, 3)),
        ("2024-12-03", ["nl", "iso"], date(2024, 12, 3)),  # formats tried in order
    ],
)
def test_dates_parse(value, formats, expected):
    assert parse_date(value, formats) == expected


@pytest.mark.parametrize(
    "value, formats, expected_hint",
    [
        ("31-02-2024", ["nl"], "dd-mm-jjjj"),  # no 31 February
        ("03-12-24", ["nl"], "dd-mm-jjjj"),  # two-digit year refused
        ("2024-12-03", ["nl"], "dd-mm-jjjj"),
        ("03-12-2024", ["iso"], "jjjj-mm-dd"),
        ("gisteren", ["nl", "iso"], "dd-mm-jjjj of jjjj-mm-dd"),
        ("3 smarch 2024", ["nl"], "dd-mm-jjjj"),
        (60, ["excel"], "Excel"),  # Excel's phantom 29-02-1900
        (45292, ["nl"], "dd-mm-jjjj"),  # a number is only a date when 'excel' is allowed
        (-5, ["excel"], "Excel"),
        (float("nan"), ["excel"], "Excel"),
    ],
)
def test_bad_dates_say_which_formats_were_expected(value, formats, expected_hint):
    with pytest.raises(DateError) as exc:
        parse_date(value, formats)
    assert expected_hint in str(exc.value)
    assert str(value) not in str(exc.value)


def test_unknown_format_name_is_a_configuration_error():
    with pytest.raises(ValueError):
        make_parser(["dutch"])
