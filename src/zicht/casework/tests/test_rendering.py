"""The HTML built in Python (colour list, address/household page) escapes every value, quotes included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from zicht.casework.colour import list_html, subject_html

EVIL = ["<script>alert(1)</script>", "\"&'"]


def assert_escaped(html: str, value: str):
    assert value not in html
    assert value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;") in html


@pytest.mark.parametrize("evil", EVIL)
def test_list_rows_escape_every_cell(evil):
    html = list_html.list_rows(
        [{"url": f"/casus/adres/1/{evil}", "label": evil, "buurt": evil, "colour": "rood", "reason": evil, "events": evil, "last": evil}]
    )
    assert_escaped(html, evil)
    assert "<script>" not in html and "\"&'" not in html


@pytest.mark.parametrize("evil", EVIL)
def test_filter_options_escape_value_and_text(evil):
    html = list_html.options([(evil, evil), ("b", "B")], evil)
    assert_escaped(html, evil)
    assert " selected>" in html


@pytest.mark.parametrize("evil", EVIL)
def test_timeline_rows_escape(evil):
    row = {
        "id": 7,
        "datum": evil,
        "soort": evil,
        "source": evil,
        "aard": evil,
        "features": evil,
        "roles": evil,
        "evidence": True,
        "address": evil,
        "address_url": f"/casus/adres/{evil}/",
    }
    html = subject_html.timeline_rows([row], with_address=True)
    assert_escaped(html, evil)
    assert "<script>" not in html


@pytest.mark.parametrize("evil", EVIL)
def test_evidence_links_escape(evil):
    html = subject_html.evidence_links([{"id": evil, "text": evil}])
    assert_escaped(html, evil)


@pytest.mark.parametrize("evil", EVIL)
def test_history_rows_escape(evil):
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    html = subject_html.history_rows(
        [{"evaluated_at": when, "superseded_at": None, "colour": evil, "ruleset_version": evil, "rule_ids": evil}]
    )
    assert_escaped(html, evil)
    assert "huidig" in html


@pytest.mark.parametrize("evil", EVIL)
def test_people_rows_escape_the_name_and_every_cell(evil):
    html = subject_html.people_rows([{"id": 3, "name": evil, "age": 6, "roles": evil, "sources": evil, "linked": 9}])
    assert_escaped(html, evil)
    assert 'class="masked"' in html and "#9" in html


def test_people_rows_without_persons():
    assert "Geen betrokkenen" in subject_html.people_rows([])


@pytest.mark.django_db
@pytest.mark.parametrize("evil", EVIL)
def test_help_rows_escape(evil):
    html = subject_html.help_rows(
        [{"id": 4, "soort": evil, "organisation": evil, "start": date(2026, 1, 1), "einde": None, "uitkomst": evil}]
    )
    assert_escaped(html, evil)
    assert "/casus/hulp/4/" in html and "loopt" in html
