"""Table tests of the Quickscan rule (casework.domain.quickscan)."""

from __future__ import annotations

import pytest

from zicht.casework.domain import quickscan as q


@pytest.mark.parametrize(
    "factors,kinderen,step,must_contain",
    [
        (set(), False, q.GEEN, ["Geen risicofactoren"]),
        (set(), True, q.GEEN, []),  # no Kindcheck reason without any factor
        ({"geweld"}, False, q.MELDEN_VT, ["Acute onveiligheid: fysiek of seksueel geweld", "afweging 2"]),
        ({"disclosure"}, False, q.MELDEN_VT, ["Acute onveiligheid"]),
        ({"basiszorg"}, False, q.MELDEN_VT, ["Acute onveiligheid"]),
        ({"direct_gevaar"}, False, q.MELDEN_VT, ["Acute onveiligheid"]),
        ({"herhaling"}, False, q.MELDEN_VT, ["Structurele onveiligheid"]),
        ({"herhaling", "relatie_angst"}, False, q.MELDEN_VT, ["Structurele onveiligheid"]),  # safety wins
        ({"relatie_spanning"}, False, q.STAP_2, ["Relatiedynamiek", "anoniem"]),
        ({"relatie_angst", "armoede"}, False, q.STAP_2, ["Relatiedynamiek", "Stapeling"]),
        ({"armoede"}, False, q.STAP_1, ["Stressfactoren: armoede of schulden", "stap 1"]),
        ({"mantelzorg"}, False, q.STAP_1, ["mantelzorgbelasting"]),
        ({"ggz", "verslaving"}, True, q.STAP_1, ["LVB, GGZ en verslaving", "Kindcheck"]),
        ({"lvb", "armoede"}, False, q.STAP_1, ["Stapeling"]),
        ({"andere"}, False, q.STAP_1, ["Andere risicofactoren"]),
        ({"geweld", "verslaving"}, True, q.MELDEN_VT, ["Stapeling", "Kindcheck"]),
    ],
)
def test_suggested_step_and_reasons(factors, kinderen, step, must_contain):
    suggestion = q.suggest(factors, kinderen=kinderen)
    assert suggestion.step == step
    text = " ".join(suggestion.reasons)
    for part in must_contain:
        assert part in text, part
    assert suggestion.reasons  # a suggestion always says why


def test_one_category_gives_no_stacking_reason_and_unknown_factors_are_refused():
    assert not any("Stapeling" in r for r in q.suggest({"armoede", "mantelzorg"}).reasons)
    with pytest.raises(ValueError):
        q.suggest({"zelfverzonnen"})


def test_every_factor_belongs_to_a_known_category():
    assert {cat for cat, _label, _kind in q.FACTORS.values()} == {code for code, _ in q.CATEGORIES}


@pytest.mark.parametrize(
    "suggested,chosen,reason,ok",
    [
        (q.STAP_1, q.STAP_1, "", True),  # confirming needs no reason
        (q.STAP_1, q.STAP_2, "", False),  # another step: a reason is required
        (q.STAP_1, q.STAP_2, "kort", False),
        (q.STAP_1, q.STAP_2, "Collega heeft al eerder zorgen gemeld", True),
        (q.MELDEN_VT, q.STAP_2, "Veilig Thuis is al betrokken bij dit gezin", True),
        (q.STAP_1, "onbekend", "Een reden van voldoende lengte", False),
    ],
)
def test_the_professional_confirms_or_chooses_with_a_reason(suggested, chosen, reason, ok):
    assert (q.choice_errors(suggested, chosen, reason) == []) is ok
