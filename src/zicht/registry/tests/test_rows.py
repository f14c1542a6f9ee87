"""Row-level validation rules, table-driven, on the politie and Veilig Thuis profiles (no database)."""

import dataclasses
from datetime import date

import pytest

from zicht.registry.domain.profile import find_profile
from zicht.registry.domain.rows import HeaderError, RowChecker, compress_rows, defuse
from zicht.registry.domain.setaside import SetAside
from zicht.synth import writers

TODAY = date(2025, 1, 15)
BUURTEN = {"BU08551700", "BU08550110"}
POLITIE_HEADER = writers.POLITIE_HEADER  # the politie export's columns, as the synthetic exports write them
GOOD = {
    "Registratienummer": "PL2000-2024000101",
    "Pleegdatum": "14-03-2024",
    "Incidentsoort": "Partnergeweld",
    "Relatie": "partner",
    "Geweldsvormen": "lichamelijk|psychisch",
    "Letsel": "J",
    "Wapen": "N",
    "Huisverbod": "",
    "Kinderen aanwezig": "J",
    "Rol": "Verdachte",
    "BSN": "944117715",
    "Voornamen": "Mark",
    "Tussenvoegsel": "",
    "Achternaam": "Jansen",
    "Geslacht": "M",
    "Geboortedatum": "17-11-1987",
    "Straat": "Korvelseweg",
    "Huisnummer": "12",
    "Toevoeging": "a",
    "Postcode": "5025 ab",
    "Woonplaats": "Tilburg",
    "Buurtcode": "BU08551700",
    "Mutatietekst": "Ruzie; buren belden",
}
# Values that are personal data and must never appear in a reject.
PERSONAL = {"BSN", "Voornamen", "Achternaam", "Geboortedatum", "Straat", "Huisnummer", "Postcode", "Mutatietekst"}


@pytest.fixture(scope="module")
def checker():
    return RowChecker(find_profile("politie-bvh"), POLITIE_HEADER, file_name="politie.csv", today=TODAY, known_buurten=BUURTEN)


@pytest.fixture(scope="module")
def strict():
    """Every field essential (a profile may declare so): each rule's reject, as before set-aside values."""
    profile = dataclasses.replace(find_profile("politie-bvh"), auxiliary=frozenset())
    return RowChecker(profile, POLITIE_HEADER, file_name="politie.csv", today=TODAY, known_buurten=BUURTEN)


def _row(**changes):
    values = dict(GOOD, **changes)
    return [values[h] for h in POLITIE_HEADER]


def test_good_row_is_normalised(checker):
    row, rejects = checker.check(_row(), 2)
    assert rejects == []
    assert row.record_id == "PL2000-2024000101"
    assert row.rol == "pleger"
    assert row.record.kind == "incident"
    assert row.record.aard == "ex_partnergeweld"
    assert row.record.vormen == ("lichamelijk", "psychisch")
    assert (row.record.letsel, row.record.wapen, row.record.huisverbod) == (True, False, None)
    assert row.record.datum == date(2024, 3, 14)
    assert row.record.relatie == "partner"
    assert row.person.bsn == "944117715"
    assert row.person.voorletters == "M."
    assert row.person.geboortedatum == date(1987, 11, 17)
    assert row.person.geslacht == "m"
    assert row.address.key == "5025AB|12|A"
    assert row.address.buurtcode == "BU08551700"


@pytest.mark.parametrize(
    "changes, field, reason",
    [
        ({"Pleegdatum": ""}, "report.datum", "verplicht veld is leeg"),
        ({"Rol": ""}, "party.rol", "verplicht veld is leeg"),
        ({"Incidentsoort": ""}, "report.aard", "verplicht veld is leeg"),
        ({"Pleegdatum": "2024-03-14"}, "report.datum", "geen geldige datum (verwacht dd-mm-jjjj)"),
        ({"Pleegdatum": "31-04-2024"}, "report.datum", "geen geldige datum"),
        ({"Pleegdatum": "16-01-2025"}, "report.datum", "datum ligt in de toekomst"),
        ({"Geboortedatum": "01-02-2026"}, "person.geboortedatum", "geboortedatum ligt in de toekomst"),
        ({"Geboortedatum": "01-02-1880"}, "person.geboortedatum", "ouder dan 120 jaar"),
        ({"Pleegdatum": "14-03-2023", "Geboortedatum": "01-12-2024"}, "person.geboortedatum", "ruim na de datum van het record"),
        ({"Geboortedatum": "17/11/87"}, "person.geboortedatum", "geen geldige datum"),
        ({"Postcode": "502 AB"}, "address.postcode", "ongeldige postcode"),
        ({"BSN": "944117716"}, "person.bsn", "11-proef"),
        ({"BSN": "12345"}, "person.bsn", "9 cijfers"),
        ({"Rol": "Dader"}, "party.rol", "onbekende waarde 'Dader' voor party.rol"),
        ({"Incidentsoort": "Burenruzie"}, "report.aard", "onbekende waarde 'Burenruzie'"),
        ({"Geweldsvormen": "lichamelijk|stalking"}, "report.vormen", "onbekende waarde 'stalking'"),
        ({"Letsel": "misschien"}, "report.letsel", "verwacht ja/nee"),
        ({"Geslacht": "Q"}, "person.geslacht", "onbekende waarde"),
        ({"Buurtcode": "BU99999999"}, "address.buurtcode", "onbekende buurtcode"),
        ({"Buurtcode": "Korvel"}, "address.buurtcode", "ongeldige buurtcode"),
        ({"Huisnummer": "twaalf"}, "address.huisnummer", "ongeldig huisnummer"),
        ({"Achternaam": "=cmd|' /C calc'!A0"}, "person.achternaam", "formuleteken"),
        ({"Voornamen": "@SUM(A1:A9)"}, "person.voornamen", "formuleteken"),
        ({"Achternaam": "Jan\x00sen"}, "person.achternaam", "stuurtekens"),
        ({"Achternaam": "J" * 500}, "person.achternaam", "te lang"),
        ({"Mutatietekst": "x" * 10001}, "report.toelichting", "te lang"),
        ({"Registratienummer": ""}, "Registratienummer", "registratienummer ontbreekt"),
    ],
)
def test_rule_rejects_with_field_and_reason_but_never_the_personal_value(strict, changes, field, reason):
    row, rejects = strict.check(_row(**changes), 7)
    assert row is None
    assert any(r.field == field and reason in r.reason for r in rejects), rejects
    assert all(r.row == 7 and r.file == "politie.csv" for r in rejects)
    for column, value in changes.items():
        if column in PERSONAL and value:
            assert all(value not in r.reason for r in rejects)


@pytest.mark.parametrize(
    "changes, check",
    [
        ({"BSN": ""}, lambda r: r.person.bsn == ""),
        ({"Buurtcode": ""}, lambda r: r.address.buurtcode == ""),
        (
            {"Straat": "", "Huisnummer": "", "Toevoeging": "", "Postcode": "", "Woonplaats": "", "Buurtcode": ""},
            lambda r: r.address is None,
        ),
        ({"Huisnummer": "12-a", "Toevoeging": ""}, lambda r: r.address.key == "5025AB|12|A"),
        ({"Huisnummer": "", "Toevoeging": ""}, lambda r: r.address is None and r.incomplete_address),
        ({"Postcode": ""}, lambda r: r.address is None and r.incomplete_address),
        ({"Relatie": ""}, lambda r: r.record.relatie == "onbekend"),  # [defaults]
        ({"Rol": "SLACHTOFFER"}, lambda r: r.rol == "slachtoffer"),  # case-insensitive
        ({"Rol": "kind"}, lambda r: r.rol == "kind"),
        ({"Geweldsvormen": "psychisch|psychisch"}, lambda r: r.record.vormen == ("psychisch",)),
        ({"Geboortedatum": "01-06-2024"}, lambda r: r.person.geboortedatum == date(2024, 6, 1)),  # prenatal melding
        ({"Tussenvoegsel": "Van Der"}, lambda r: r.person.tussenvoegsel == "van der"),
        ({"Mutatietekst": "- slachtoffer zegt: =niet doen"}, lambda r: r.record.toelichting.startswith("- ")),
    ],
)
def test_accepted_variants(checker, changes, check):
    row, rejects = checker.check(_row(**changes), 2)
    assert rejects == []
    assert check(row)


def test_short_row_reads_missing_cells_as_empty(checker):
    row, rejects = checker.check(_row()[:10], 2)
    assert row is not None and rejects == []
    assert row.address is None and row.person.achternaam == ""


def test_header_with_wrong_delimiter_says_so():
    header = [";".join(POLITIE_HEADER)[:200].replace(";", ",")]
    with pytest.raises(HeaderError) as exc:
        RowChecker(find_profile("politie-bvh"), header, file_name="x.csv", today=TODAY)
    assert "scheidingsteken (';')" in str(exc.value)
    assert "Pleegdatum" in str(exc.value)


def test_header_matches_case_insensitively_and_ignores_bom():
    header = ["\ufeffregistratienummer"] + [h.upper() for h in POLITIE_HEADER[1:]]
    checker = RowChecker(find_profile("politie-bvh"), header, file_name="x.csv", today=TODAY, known_buurten=BUURTEN)
    row, rejects = checker.check(_row(), 2)
    assert rejects == [] and row.record_id == "PL2000-2024000101"


VT_HEADER = [
    "vt_registratie_id",
    "soort",
    "datum_ontvangst",
    "aard_geweld",
    "vormen",
    "relatie_pleger_slachtoffer",
    "kinderen_betrokken",
    "hoedanigheid_melder",
    "rol",
    "bsn",
    "naam",
    "geboortedatum",
    "geslacht",
    "adres",
    "postcode",
    "woonplaats",
    "toelichting",
]


@pytest.mark.parametrize(
    "naam, adres, expected",
    [
        ("Vries, P. de", "Korvelseweg 12 a", ("", "P.", "de", "Vries", "5025AB|12|A")),
        ("Pieter van der Berg", "korvelse weg 12-A", ("Pieter", "P.", "van der", "Berg", "5025AB|12|A")),
        ("Mohamed el Amrani", "Korvelseweg 12A bis", ("Mohamed", "M.", "el", "Amrani", "5025AB|12|ABIS")),
    ],
)
def test_veilig_thuis_free_name_and_address(naam, adres, expected):
    checker = RowChecker(find_profile("veilig-thuis"), VT_HEADER, file_name="vt.csv", today=TODAY)
    cells = [
        "VT-1",
        "advies",
        "2024-05-02",
        "(Ex-)Partnergeweld",
        "lichamelijk;psychisch",
        "partner",
        "ja",
        "Onderwijs",
        "slachtoffer",
        "",
        naam,
        "1990-01-01",
        "V",
        adres,
        "5025 AB",
        "Tilburg",
        "",
    ]
    row, rejects = checker.check(cells, 2)
    assert rejects == []
    p = row.person
    assert (p.voornamen, p.voorletters, p.tussenvoegsel, p.achternaam, row.address.key) == expected
    assert row.record.kind == "advies" and row.record.hoedanigheid_melder == "onderwijs"
    assert row.record.kinderen_aanwezig is True and row.record.vormen == ("lichamelijk", "psychisch")


def test_veilig_thuis_unparseable_address_is_set_aside_and_never_an_address():
    checker = RowChecker(find_profile("veilig-thuis"), VT_HEADER, file_name="vt.csv", today=TODAY)
    cells = [
        "VT-1",
        "melding",
        "2024-05-02",
        "Onbekend",
        "",
        "",
        "",
        "",
        "slachtoffer",
        "",
        "A. Bakker",
        "",
        "",
        "Geheime Straatnaam 12 #&",
        "5025 AB",
        "",
        "",
    ]
    row, rejects = checker.check(cells, 3)
    assert rejects == [] and row.address is None and not row.incomplete_address
    assert row.set_aside == (SetAside("address.adres", "adres_ongeldig", "Geheime Straatnaam 12 #&"),)


def test_veilig_thuis_unparseable_address_is_rejected_where_the_profile_makes_it_essential():
    profile = dataclasses.replace(find_profile("veilig-thuis"), auxiliary=frozenset({"person.bsn"}))
    checker = RowChecker(profile, VT_HEADER, file_name="vt.csv", today=TODAY)
    cells = [
        "VT-1",
        "melding",
        "2024-05-02",
        "Onbekend",
        "",
        "",
        "",
        "",
        "slachtoffer",
        "",
        "A. Bakker",
        "",
        "",
        "Geheime Straatnaam 12 #&",
        "5025 AB",
        "",
        "",
    ]
    row, rejects = checker.check(cells, 3)
    assert row is None
    assert [(r.row, r.field) for r in rejects] == [(3, "address.adres")]
    assert "Geheime" not in rejects[0].reason


# Per field class: an invalid auxiliary value is set aside (the row loads without it); an invalid
# essential value still costs the row.
@pytest.mark.parametrize(
    "changes, field, reason, unused",
    [
        ({"BSN": "944117716"}, "person.bsn", "bsn_11proef", lambda r: r.person.bsn == ""),
        ({"BSN": "12345"}, "person.bsn", "bsn_vorm", lambda r: r.person.bsn == ""),
        ({"BSN": "94411771x"}, "person.bsn", "bsn_vorm", lambda r: r.person.bsn == ""),
        ({"Geboortedatum": "17/11/87"}, "person.geboortedatum", "geboortedatum_onleesbaar", lambda r: r.person.geboortedatum is None),
        ({"Geboortedatum": "31-02-1987"}, "person.geboortedatum", "geboortedatum_onleesbaar", lambda r: r.person.geboortedatum is None),
        (
            {"Geboortedatum": "01-02-2026"},
            "person.geboortedatum",
            "geboortedatum_onwaarschijnlijk",
            lambda r: r.person.geboortedatum is None,
        ),
        (
            {"Geboortedatum": "01-02-1880"},
            "person.geboortedatum",
            "geboortedatum_onwaarschijnlijk",
            lambda r: r.person.geboortedatum is None,
        ),
        (
            {"Pleegdatum": "14-03-2023", "Geboortedatum": "01-12-2024"},
            "person.geboortedatum",
            "geboortedatum_onwaarschijnlijk",
            lambda r: r.person.geboortedatum is None,
        ),
        ({"Geslacht": "Q"}, "person.geslacht", "geslacht_onbekend", lambda r: r.person.geslacht == ""),
        ({"Postcode": "502 AB"}, "address.postcode", "postcode_ongeldig", lambda r: r.address is None),
        ({"Postcode": "0123 AB"}, "address.postcode", "postcode_ongeldig", lambda r: r.address is None),
        ({"Huisnummer": "twaalf"}, "address.huisnummer", "huisnummer_ongeldig", lambda r: r.address is None),
        ({"Toevoeging": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, "address.toevoeging", "te_lang", lambda r: r.address is None),
    ],
)
def test_invalid_auxiliary_value_is_set_aside(checker, changes, field, reason, unused):
    row, rejects = checker.check(_row(**changes), 7)
    assert rejects == []
    assert [(s.field, s.reason) for s in row.set_aside] == [(field, reason)]
    column = next(c for c in changes if c != "Pleegdatum")
    assert row.set_aside[0].raw == changes[column].strip()
    assert unused(row)
    assert not row.incomplete_address  # set aside is not 'incomplete': the address was given, but wrong
    assert row.record.kind == "incident" and row.rol == "pleger" and row.person.achternaam == "Jansen"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"Pleegdatum": "31-04-2024"}, "report.datum"),  # essential: the record's date
        ({"Incidentsoort": "Burenruzie"}, "report.aard"),  # essential where required
        ({"Rol": "Dader"}, "party.rol"),  # essential: the role
        ({"Registratienummer": ""}, "Registratienummer"),  # essential: the record number
        ({"Achternaam": "=cmd|' /C calc'!A0"}, "person.achternaam"),  # names are not set aside: never a formula
        ({"Buurtcode": "BU99999999"}, "address.buurtcode"),
        ({"BSN": "944117716", "Rol": "Dader"}, "party.rol"),  # a set-aside value does not save an essential error
    ],
)
def test_invalid_essential_value_still_rejects_the_row(checker, changes, field):
    row, rejects = checker.check(_row(**changes), 7)
    assert row is None and any(r.field == field for r in rejects)
    assert all(r.field != "person.bsn" for r in rejects)


def test_two_values_set_aside_on_one_row_and_no_profile_default_used(checker):
    row, rejects = checker.check(_row(BSN="944117716", Geslacht="Q", Postcode="99 ZZ"), 4)
    assert rejects == []
    assert sorted(s.field for s in row.set_aside) == ["address.postcode", "person.bsn", "person.geslacht"]
    assert row.person.geslacht == "" and row.address is None and row.person.bsn == ""


def test_veilig_thuis_street_without_number_is_loaded_without_address():
    checker = RowChecker(find_profile("veilig-thuis"), VT_HEADER, file_name="vt.csv", today=TODAY)
    cells = [
        "VT-1",
        "melding",
        "2024-05-02",
        "Onbekend",
        "",
        "",
        "",
        "",
        "slachtoffer",
        "",
        "A. Bakker",
        "",
        "",
        "Korvelseweg",
        "5025 AB",
        "",
        "",
    ]
    row, rejects = checker.check(cells, 3)
    assert rejects == [] and row.address is None and row.incomplete_address


@pytest.mark.parametrize(
    "rows, expected",
    [([2, 3, 4], "2-4"), ([2], "2"), ([9, 2, 3], "2-3,9"), ([], ""), (list(range(2, 400, 2)), None)],
)
def test_compress_rows(rows, expected):
    text = compress_rows(rows)
    if expected is None:
        assert len(text) <= 120 and text.endswith(",…")
    else:
        assert text == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+31", "'+31"),
        ("@x", "'@x"),
        ("-1", "'-1"),
        ("gewoon", "gewoon"),
        ("a\nb", "a b"),
        ("x" * 50, "x" * 39 + "…"),
    ],
)
def test_defuse_neutralises_spreadsheet_formulas(value, expected):
    assert defuse(value) == expected


@pytest.mark.parametrize("rows", [[], [2], [2, 3, 4, 9], [5, 7, 8, 9, 12], list(range(2, 400, 2))])
def test_expand_rows_inverts_compress_rows(rows):
    from zicht.registry.domain.rows import compress_rows, expand_rows

    text = compress_rows(rows)
    if "…" in text:
        assert expand_rows(text) == rows[: len(expand_rows(text))]
    else:
        assert expand_rows(text) == rows
