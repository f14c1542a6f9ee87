"""Table tests of the pure correction rules (registry.domain.corrections)."""

from __future__ import annotations

import pytest

from zicht.registry.domain.corrections import changed_fields, is_withdrawn_status, match_parties, summary_fields


def p(name: str, rol: str = "slachtoffer", **extra) -> dict:
    return {"rol": rol, "achternaam": name, **extra}


@pytest.mark.parametrize(
    "stored, delivered, expected",
    [
        # same content, same order: each keeps its number
        ([(1, p("A")), (2, p("B"))], [p("A"), p("B")], ([(1, 0), (2, 1)], [], [])),
        # same content, another order: still no change of who is who
        ([(1, p("A")), (2, p("B"))], [p("B"), p("A")], ([(1, 1), (2, 0)], [], [])),
        # one corrected: the unmatched ones pair by number
        ([(1, p("A")), (2, p("B"))], [p("B"), p("A2")], ([(1, 1), (2, 0)], [], [])),
        # a party added
        ([(1, p("A"))], [p("A"), p("C")], ([(1, 0)], [1], [])),
        # a party removed
        ([(1, p("A")), (2, p("B"))], [p("B")], ([(2, 0)], [], [1])),
        # corrected and one gone: the lowest free number is the corrected one
        ([(1, p("A")), (2, p("B")), (3, p("C"))], [p("C"), p("A2")], ([(1, 1), (3, 0)], [], [2])),
        # identical parties twice (twins without names): matched one to one
        ([(1, p("")), (2, p(""))], [p(""), p("")], ([(1, 0), (2, 1)], [], [])),
        # a role corrected is a change of the same party
        ([(1, p("A", rol="pleger"))], [p("A", rol="slachtoffer")], ([(1, 0)], [], [])),
    ],
)
def test_match_parties(stored, delivered, expected):
    assert match_parties(stored, delivered) == expected


@pytest.mark.parametrize(
    "old, new, fields, expected",
    [
        ({"aard": "a", "datum": "2024-01-01"}, {"aard": "a", "datum": "2024-01-01"}, ("aard", "datum"), []),
        ({"aard": "a", "datum": "2024-01-01"}, {"aard": "b", "datum": "2024-01-02"}, ("datum", "aard"), ["datum", "aard"]),
        ({"vormen": ["x", "y"]}, {"vormen": ["x"]}, ("vormen",), ["vormen"]),
        ({"letsel": None}, {"letsel": False}, ("letsel",), ["letsel"]),
    ],
)
def test_changed_fields(old, new, fields, expected):
    assert changed_fields(old, new, fields) == expected


@pytest.mark.parametrize(
    "lists, expected",
    [
        ([["aard"], ["aard", "persoon.geboortedatum"]], "aard, geboortedatum"),
        ([["persoon.bsn"], ["betrokkene"]], "BSN, betrokkene toegevoegd of vervallen"),
        ([["a", "b", "c"]], "a, b, c"),
    ],
)
def test_summary_fields(lists, expected):
    assert summary_fields(lists) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("vervallen", True), (" Ingetrokken ", True), ("actief", False), ("", False), (None, False)],
)
def test_is_withdrawn_status(value, expected):
    assert is_withdrawn_status(value, ["vervallen", "ingetrokken"]) is expected


def test_every_stored_record_and_person_field_is_compared_for_corrections():
    """The fields a correction compares are the fields the importer stores, minus bookkeeping: a
    new column in the record builder that is not compared would be silently dropped on re-delivery."""
    from zicht.registry import records
    from zicht.registry.domain import corrections

    bookkeeping = {"id", "source", "source_record_id", "buurt", "import_batch", "source_rows", "created_at"}
    assert set(corrections.RECORD_FIELDS) == set(records.REPORT_FIELDS) - bookkeeping
    person_bookkeeping = {"id", "source", "source_key", "import_batch", "created_at", "source_row"}
    stored = {"bsn" if f == "bsn_hash" else f for f in records.PERSON_FIELDS} - person_bookkeeping
    assert set(corrections.PERSON_FIELDS) - {"rol"} == stored
