"""Worklist rules, table-driven: recidive, escalation, rising severity, new event on oranje/rood."""

from __future__ import annotations

import pytest

from zicht.casework.domain.colour import HelpFact
from zicht.casework.domain.worklists import work_items

from .facts import TODAY, ago, rep

CASES = [
    ("nothing recent", [rep(1, 200)], [], set()),
    ("single recent event", [rep(1, 10)], [], set()),
    ("recidive after closed help", [rep(1, 10)], [HelpFact(3, ago(300), ago(40))], {("recidive", 1)}),
    ("help still running", [rep(1, 10)], [HelpFact(3, ago(300), None)], set()),
    ("recidive outside worklist window", [rep(1, 120)], [HelpFact(3, ago(300), ago(200))], set()),
    (
        "third event in 12 months escalates",
        [rep(1, 300), rep(2, 200), rep(3, 10)],
        [],
        {("escalatie", 3), ("nieuw_op_kleur", 3)},
    ),
    (
        "rising severity",
        [rep(1, 150, vormen=("psychisch",)), rep(2, 20, vormen=("lichamelijk",))],
        [],
        {("stijgende_ernst", 2)},
    ),
    (
        "new event on an address that was rood",
        [rep(1, 100, wapen=True), rep(2, 5, vormen=("psychisch",))],
        [],
        {("nieuw_op_kleur", 2)},
    ),
    ("new event on an address that was geel", [rep(1, 300), rep(2, 5)], [], set()),
    # the window's edge (90 days): an event starting on its first day counts, one a day earlier does not
    ("third event on the window's first day", [rep(1, 300), rep(2, 200), rep(3, 90)], [], {("escalatie", 3), ("nieuw_op_kleur", 3)}),
    ("third event a day before the window", [rep(1, 300), rep(2, 200), rep(3, 91)], [], set()),
    ("recent report dated after today does not count", [rep(1, 300), rep(2, 200), rep(3, -1)], [], set()),
    (
        "both the second and third event inside the window",
        [rep(1, 300, wapen=True), rep(2, 60), rep(3, 10)],
        [],
        {("nieuw_op_kleur", 2), ("nieuw_op_kleur", 3), ("escalatie", 3)},
    ),
]


@pytest.mark.parametrize("name,reports,help_,expected", CASES, ids=[c[0] for c in CASES])
def test_work_items(ruleset, name, reports, help_, expected):
    items = work_items(reports, ruleset, TODAY, help_)
    assert {(i.kind, i.trigger_report_id) for i in items} == expected
    for item in items:
        assert item.text and item.evidence["reports"]


def test_escalation_evidence_lists_the_events(ruleset):
    items = work_items([rep(1, 300), rep(2, 200), rep(3, 10)], ruleset, TODAY)
    (esc,) = [i for i in items if i.kind == "escalatie"]
    assert esc.evidence["reports"] == [1, 2, 3]
    assert esc.evidence["dates"] == [ago(300).isoformat(), ago(200).isoformat(), ago(10).isoformat()]


def test_an_items_sentence_is_stored_in_dutch_and_shown_in_the_readers_language(ruleset):
    """The stored text is the Dutch sentence; the evidence keeps its numbers (``tekst``), from which
    a page says it in its own language. An item stored before the numbers were kept shows its text."""
    from zicht.casework.domain.worklists import TEXTS, shown_text

    items = [i for i in work_items([rep(1, 300), rep(2, 200), rep(3, 10)], ruleset, TODAY) if i.kind == "escalatie"]
    item = items[-1]
    assert item.text.startswith("3 gebeurtenissen binnen") and item.evidence["tekst"]["n"] == 3
    english = {TEXTS["escalatie"]: "%(n)s events within %(dagen)s days (threshold %(drempel)s)"}
    shown = shown_text(item.kind, item.text, item.evidence, lambda m: english.get(m, m))
    assert shown.startswith("3 events within") and "threshold" in shown
    assert shown_text(item.kind, "een oude zin", {"reports": [1]}, lambda m: "never") == "een oude zin"
