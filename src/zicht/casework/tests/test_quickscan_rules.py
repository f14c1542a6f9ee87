"""Table tests of the Quickscan rule (casework.domain.quickscan)."""

from __future__ import annotations

import pytest

from zicht.casework.domain import quickscan


@pytest.mark.parametrize(
    "factors,kinderen,step,must_contain",
    [
        (set(), False, quickscan.GEEN, ["Geen risicofactoren"]),
        (set(), True, quickscan.GEEN, []),  # no Kindcheck reason without any factor
        ({"geweld"}, False, quickscan.MELDEN_VT, ["Acute onveiligheid: fysiek of seksueel geweld", "afweging 2"]),
        ({"disclosure"}, False, quickscan.MELDEN_VT, ["Acute onveiligheid"]),
        ({"basiszorg"}, False, quickscan.MELDEN_VT, ["Acute onveiligheid"]),
        ({"direct_gevaar"}, False, quickscan.MELDEN_VT, ["Acute onveiligheid"]),
        ({"herhaling"}, False, quickscan.MELDEN_VT, ["Structurele onveiligheid"]),
        ({"herhaling", "relatie_angst"}, False, quickscan.MELDEN_VT, ["Structurele onveiligheid"]),  # safety wins
        ({"relatie_spanning"}, False, quickscan.STAP_2, ["Relatiedynamiek", "anoniem"]),
        ({"relatie_angst", "armoede"}, False, quickscan.STAP_2, ["Relatiedynamiek", "Stapeling"]),
        ({"armoede"}, False, quickscan.STAP_1, ["Stressfactoren: armoede of schulden", "stap 1"]),
        ({"mantelzorg"}, False, quickscan.STAP_1, ["mantelzorgbelasting"]),
        ({"ggz", "verslaving"}, True, quickscan.STAP_1, ["LVB, GGZ en verslaving", "Kindcheck"]),
        ({"lvb", "armoede"}, False, quickscan.STAP_1, ["Stapeling"]),
        ({"andere"}, False, quickscan.STAP_1, ["Andere risicofactoren"]),
        ({"geweld", "verslaving"}, True, quickscan.MELDEN_VT, ["Stapeling", "Kindcheck"]),
    ],
)
def test_suggested_step_and_reasons(factors, kinderen, step, must_contain):
    suggestion = quickscan.suggest(factors, kinderen=kinderen)
    assert suggestion.step == step
    text = " ".join(suggestion.reasons)
    for part in must_contain:
        assert part in text, part
    assert suggestion.reasons  # a suggestion always says why


def test_one_category_gives_no_stacking_reason_and_unknown_factors_are_refused():
    assert not any("Stapeling" in r for r in quickscan.suggest({"armoede", "mantelzorg"}).reasons)
    with pytest.raises(ValueError):
        quickscan.suggest({"zelfverzonnen"})


def test_every_factor_belongs_to_a_known_category():
    assert {cat for cat, _label, _kind in quickscan.FACTORS.values()} == {code for code, _ in quickscan.CATEGORIES}


@pytest.mark.parametrize(
    "suggested,chosen,reason,ok",
    [
        (quickscan.STAP_1, quickscan.STAP_1, "", True),  # confirming needs no reason
        (quickscan.STAP_1, quickscan.STAP_2, "", False),  # another step: a reason is required
        (quickscan.STAP_1, quickscan.STAP_2, "kort", False),
        (quickscan.STAP_1, quickscan.STAP_2, "Collega heeft al eerder zorgen gemeld", True),
        (quickscan.MELDEN_VT, quickscan.STAP_2, "Veilig Thuis is al betrokken bij dit gezin", True),
        (quickscan.STAP_1, "onbekend", "Een reden van voldoende lengte", False),
    ],
)
def test_the_professional_confirms_or_chooses_with_a_reason(suggested, chosen, reason, ok):
    assert (quickscan.choice_errors(suggested, chosen, reason) == []) is ok
