"""Table-driven tests of the pure parts: problem documents, invalid-params, the JSON face of a cell."""

from __future__ import annotations

import pytest

from zicht.api.cells import cell_json
from zicht.api.problems import NON_FIELD, TYPE_BASE, invalid_params, problem, rename
from zicht.areas.disclosure import Cell, Policy, control_series, missing_cell


class Coded(str):
    """Stands in for DRF's ErrorDetail: a string with a code."""

    def __new__(cls, text, code):
        obj = super().__new__(cls, text)
        obj.code = code
        return obj


@pytest.mark.parametrize(
    "errors,expected",
    [
        ({"bsn": ["Geen geldig BSN."]}, [{"name": "bsn", "code": "invalid", "reason": "Geen geldig BSN."}]),
        ({"bsn": [Coded("Geen geldig BSN.", "elfproef")]}, [{"name": "bsn", "code": "elfproef", "reason": "Geen geldig BSN."}]),
        ({"__all__": ["Postcode én huisnummer."]}, [{"name": NON_FIELD, "code": "invalid", "reason": "Postcode én huisnummer."}]),
        ({"non_field_errors": ["x"]}, [{"name": NON_FIELD, "code": "invalid", "reason": "x"}]),
        ({"contact": {"telefoon": ["Verplicht."]}}, [{"name": "contact.telefoon", "code": "invalid", "reason": "Verplicht."}]),
        ({"items": [{}, {"naam": ["Verplicht."]}]}, [{"name": "items[1].naam", "code": "invalid", "reason": "Verplicht."}]),
        (["Ongeldig."], [{"name": NON_FIELD, "code": "invalid", "reason": "Ongeldig."}]),
        ("Ongeldig.", [{"name": NON_FIELD, "code": "invalid", "reason": "Ongeldig."}]),
        ({}, []),
    ],
)
def test_invalid_params_flattens_errors(errors, expected):
    assert invalid_params(errors) == expected


@pytest.mark.parametrize(
    "status,slug,has_title",
    [
        (400, "ongeldige-invoer", True),
        (401, "niet-geauthenticeerd", True),
        (403, "geen-toegang", True),
        (404, "niet-gevonden", True),
        (409, "conflict", True),
        (500, "serverfout", True),
        (418, "fout", True),
    ],
)
def test_problem_has_type_title_status(status, slug, has_title):
    body = problem(status)
    assert body["type"] == TYPE_BASE + slug and body["status"] == status and bool(body["title"]) is has_title
    assert "detail" not in body and "invalid-params" not in body


def test_problem_optional_members():
    body = problem(400, "Controleer de velden.", instance="/api/v1/signalen", invalid_params=[{"name": "bsn"}])
    assert body["detail"] == "Controleer de velden." and body["instance"] == "/api/v1/signalen"
    assert body["invalid-params"] == [{"name": "bsn"}]


@pytest.mark.parametrize(
    "errors,names,expected",
    [
        ({"contact_naam": ["x"], "bsn": ["y"]}, {"contact_naam": "contactNaam"}, {"contactNaam": ["x"], "bsn": ["y"]}),
        ({"__all__": ["z"]}, {"contact_naam": "contactNaam"}, {"__all__": ["z"]}),
    ],
)
def test_rename_maps_form_fields_to_api_names(errors, names, expected):
    assert rename(errors, names) == expected


POLICY = Policy(threshold=10, rounding_base=5)
SERIES = control_series({"a": 23, "b": 4, "c": 40}, policy=POLICY)


@pytest.mark.parametrize(
    "cell,waarde,status,weergave,soort",
    [
        (SERIES.cell("c"), 40, "ok", "40", "aantal"),
        (SERIES.cell("a"), None, "secondary", "×", "aantal"),  # else 65 - 40 - a gives b back
        (SERIES.cell("b"), None, "primary", "<10", "aantal"),
        (SERIES.total, 65, "ok", "65", "aantal"),
        (missing_cell(), None, "missing", "–", "aantal"),
        (Cell(12.5, "ok", "Per 1.000 inwoners.", "12,5", "rate"), 12.5, "ok", "12,5", "per1000"),
        (Cell(40.0, "ok", "Berekend.", "40%", "percentage"), 40.0, "ok", "40%", "percentage"),
    ],
)
def test_cell_json(cell, waarde, status, weergave, soort):
    out = cell_json(cell)
    assert out == {"waarde": waarde, "status": status, "weergave": weergave, "reden": cell.reason, "soort": soort}


def test_absent_cell_is_null():
    assert cell_json(None) is None
