"""The colour code, table-driven: each row is a situation a ketenregisseur recognises."""

from __future__ import annotations

import pytest

from zicht.casework.domain.colour import HelpFact, RuleSetError, evaluate, group_events, parse_ruleset

from .facts import TODAY, ago, rep

CASES = [
    # (name, reports, help, colour, rule ids that must fire)
    ("geen registraties", [], [], "groen", {"geen-registraties"}),
    ("één melding lang geleden", [rep(1, 800)], [], "groen", {"standaard"}),
    ("één psychisch incident recent", [rep(1, 30, vormen=("psychisch",))], [], "geel", {"G1-recent"}),
    ("precies 365 dagen geleden telt nog", [rep(1, 365)], [], "geel", {"G1-recent"}),
    ("366 dagen geleden telt niet meer", [rep(1, 366)], [], "groen", {"standaard"}),
    ("lichamelijk geweld recent", [rep(1, 10, vormen=("lichamelijk",))], [], "rood", {"R1-zwaar-geweld"}),
    ("seksueel geweld recent", [rep(1, 10, vormen=("seksueel",))], [], "rood", {"R1-zwaar-geweld"}),
    ("wapen", [rep(1, 100, wapen=True)], [], "rood", {"R1-zwaar-geweld"}),
    ("huisverbod", [rep(1, 100, huisverbod=True)], [], "rood", {"R1-zwaar-geweld"}),
    ("letsel", [rep(1, 100, letsel=True)], [], "rood", {"R1-zwaar-geweld"}),
    ("lichamelijk geweld lang geleden", [rep(1, 500, vormen=("lichamelijk",))], [], "groen", {"standaard"}),
    ("twee keer in 12 maanden", [rep(1, 200), rep(2, 20)], [], "oranje", {"O1-herhaling", "G1-recent"}),
    ("drie keer in 12 maanden", [rep(1, 300), rep(2, 150), rep(3, 5)], [], "rood", {"R2-escalatie", "O1-herhaling"}),
    ("drie keer maar één buiten venster", [rep(1, 400), rep(2, 150), rep(3, 5)], [], "oranje", {"O1-herhaling", "G2-herhaling-eerder"}),
    ("kinderen één keer", [rep(1, 40, kinderen=True)], [], "oranje", {"O3-kinderen"}),
    ("kinderen herhaald", [rep(1, 200, kinderen=True), rep(2, 40, kinderen=True)], [], "rood", {"R3-kinderen-herhaald"}),
    ("herhaling eerder in 3 jaar", [rep(1, 900), rep(2, 600)], [], "geel", {"G2-herhaling-eerder"}),
    ("recidive na afgesloten hulp", [rep(1, 30)], [HelpFact(1, ago(400), ago(60))], "oranje", {"O2-recidive-na-hulp"}),
    ("lopende hulp is geen recidive", [rep(1, 30)], [HelpFact(1, ago(400), None)], "geel", {"G1-recent"}),
    ("melding vóór einde hulp is geen recidive", [rep(1, 90)], [HelpFact(1, ago(400), ago(60))], "geel", {"G1-recent"}),
    (
        "stijgende ernst",
        [rep(1, 200, vormen=("psychisch",)), rep(2, 20, vormen=("verwaarlozing",))],
        [],
        "oranje",
        {"O4-stijgende-ernst", "O1-herhaling"},
    ),
    ("signaal telt niet", [rep(1, 10, soort="signaal", vormen=("lichamelijk",))], [], "groen", {"geen-registraties"}),
    ("VT-conclusie geen HG telt niet", [rep(1, 10, aard="geen_hg_km", vormen=("lichamelijk",))], [], "groen", {"geen-registraties"}),
    ("toekomstige datum telt niet", [rep(1, -5, vormen=("lichamelijk",))], [], "groen", {"geen-registraties"}),
    (
        "politie-incident en VT-melding binnen 3 dagen zijn één gebeurtenis",
        [rep(1, 100), rep(2, 98, source="vt"), rep(3, 10)],
        [],
        "oranje",
        {"O1-herhaling"},
    ),
    (
        "zelfde bron twee keer binnen 3 dagen zijn twee gebeurtenissen",
        [rep(1, 100), rep(2, 98), rep(3, 10)],
        [],
        "rood",
        {"R2-escalatie"},
    ),
]


@pytest.mark.parametrize("name,reports,help_,colour,rules", CASES, ids=[c[0] for c in CASES])
def test_colour(ruleset, name, reports, help_, colour, rules):
    result = evaluate(reports, ruleset, TODAY, help_)
    fired = {r.rule_id for r in result.reasons}
    assert result.colour == colour, (name, [r.text for r in result.reasons])
    assert rules <= fired, fired
    assert result.reasons[0].colour == colour  # the deciding reason comes first
    assert result.ruleset_version == ruleset.version


def test_reasons_name_the_evidence(ruleset):
    result = evaluate([rep(7, 300), rep(8, 150), rep(9, 5, wapen=True)], ruleset, TODAY)
    by_rule = {r.rule_id: r for r in result.reasons}
    assert by_rule["R2-escalatie"].report_ids == (7, 8, 9)
    assert by_rule["R2-escalatie"].dates == (ago(300), ago(150), ago(5))
    assert by_rule["R1-zwaar-geweld"].report_ids == (9,)
    assert "3 gebeurtenissen" in by_rule["R2-escalatie"].text
    assert by_rule["R1-zwaar-geweld"].as_dict()["dates"] == [ago(5).isoformat()]


def test_group_events_joins_only_different_sources():
    reports = [rep(1, 10, "politie"), rep(2, 9, "vt"), rep(3, 8, "vt"), rep(4, 1, "politie")]
    assert [e.report_ids for e in group_events(reports, 3)] == [(1, 2), (3,), (4,)]
    assert [e.report_ids for e in group_events(reports, 0)] == [(1,), (2,), (3,), (4,)]


BROKEN = [
    ("no version", "[ruleset]\nvalid_from = 2026-01-01\n"),
    ("bad colour", '[ruleset]\nversion="x"\nvalid_from=2026-01-01\n[[rules]]\nid="a"\ncolour="paars"\ncondition="aantal"\ntext="t"\n'),
    ("bad condition", '[ruleset]\nversion="x"\nvalid_from=2026-01-01\n[[rules]]\nid="a"\ncolour="rood"\ncondition="gevoel"\ntext="t"\n'),
    (
        "duplicate id",
        '[ruleset]\nversion="x"\nvalid_from=2026-01-01\n' + '[[rules]]\nid="a"\ncolour="rood"\ncondition="aantal"\ntext="t"\n' * 2,
    ),
    (
        "unknown feature",
        '[ruleset]\nversion="x"\nvalid_from=2026-01-01\n[[rules]]\nid="a"\ncolour="rood"\ncondition="kenmerk"\nfeatures=["boos"]\ntext="t"\n',
    ),
    ("not toml", "[ruleset\n"),
]


@pytest.mark.parametrize("name,text", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_rulesets_are_refused(name, text):
    with pytest.raises(RuleSetError):
        parse_ruleset(text)


def test_a_threshold_is_configuration():
    text = (
        '[ruleset]\nversion="test-6m"\nvalid_from=2026-01-01\n'
        '[[rules]]\nid="esc"\ncolour="rood"\ncondition="aantal"\nwindow_days=183\nmin_events=3\ntext="{n} in 6 maanden"\n'
    )
    six_months = parse_ruleset(text)
    reports = [rep(1, 300), rep(2, 150), rep(3, 5)]
    assert evaluate(reports, six_months, TODAY).colour == "groen"
    assert evaluate(reports[1:] + [rep(4, 100)], six_months, TODAY).colour == "rood"
