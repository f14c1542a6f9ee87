"""Every path through the afwegingskader (domain brief §1), as a table."""

from __future__ import annotations

import pytest

from zicht.casework.domain import meldcode as m

STEPS = ["gedaan", "gedaan", "gedaan"]

PATHS = [
    # (name, answers after steps 1–3, end state, outcomes in order, samen-met-VT per afweging answer)
    ("1 nee: afsluiten", ["nee"], m.AFGESLOTEN, ["afsluiten"], [False]),
    ("2 ja, 3 nee: gemeld, samen met VT", ["ja", "ja", "nee"], m.GEMELD, ["melden_vt"], [False, False, True]),
    ("2 ja, 3 ja, 4 nee", ["ja", "ja", "ja", "nee"], m.GEMELD, ["melden_vt"], [False, False, True, True]),
    ("2 ja, 3 ja, 4 ja, 5 ja", ["ja", "ja", "ja", "ja", "ja"], m.HULP_VOLGEN, ["melden_vt", "hulp_bieden"], [False, False, True, True, True]),
    ("2 ja, ..., 5 nee: opnieuw melden", ["ja", "ja", "ja", "ja", "nee"], m.GEMELD, ["melden_vt", "hulp_bieden", "opnieuw_melden"], [False, False, True, True, True]),
    ("2 nee, 3 nee: melden", ["ja", "nee", "nee"], m.GEMELD, ["melden_vt"], [False, False, False]),
    ("2 nee, 3 ja, 4 nee: melden", ["ja", "nee", "ja", "nee"], m.GEMELD, ["melden_vt"], [False] * 4),
    ("2 nee, 3 ja, 4 ja: hulp, naar 5", ["ja", "nee", "ja", "ja"], m.AFWEGING_5, ["hulp_bieden"], [False] * 4),
    ("2 nee, ..., 5 ja: hulp vervolgen", ["ja", "nee", "ja", "ja", "ja"], m.HULP_VOLGEN, ["hulp_bieden"], [False] * 5),
    ("2 nee, ..., 5 nee: melden", ["ja", "nee", "ja", "ja", "nee"], m.GEMELD, ["hulp_bieden", "melden_vt"], [False] * 5),
    ("5 ja, later 5 nee: melden", ["ja", "nee", "ja", "ja", "ja", "nee"], m.GEMELD, ["hulp_bieden", "melden_vt"], [False] * 6),
    ("5 ja, later afronden", ["ja", "nee", "ja", "ja", "ja", "afronden"], m.AFGEROND, ["hulp_bieden"], [False] * 6),
    ("5 ja twice, then afronden", ["ja", "nee", "ja", "ja", "ja", "ja", "afronden"], m.AFGEROND, ["hulp_bieden"], [False] * 7),
]


@pytest.mark.parametrize("name,answers,end,outcomes,samen", PATHS, ids=[p[0] for p in PATHS])
def test_paths(name, answers, end, outcomes, samen):
    state, steps = m.replay(STEPS + answers)
    assert state == end
    assert [s.outcome for s in steps if s.outcome] == outcomes
    assert [s.samen_met_vt for s in steps[3:]] == samen
    assert [s.question for s in steps[:4]] == [m.STAP_1, m.STAP_2, m.STAP_3, m.AFWEGING_1]


FOLLOWUP = [
    ("4 ja needs a vervolgdatum", m.AFWEGING_4, "ja", True),
    ("5 ja needs a vervolgdatum", m.AFWEGING_5, "ja", True),
    ("5 again in hulp_volgen", m.HULP_VOLGEN, "ja", True),
    ("1 nee does not", m.AFWEGING_1, "nee", False),
    ("step 1 does not", m.STAP_1, "gedaan", False),
]


@pytest.mark.parametrize("name,state,answer,needs", FOLLOWUP, ids=[f[0] for f in FOLLOWUP])
def test_followup_required(name, state, answer, needs):
    assert m.transition(state, answer).needs_followup is needs


INVALID = [
    (m.STAP_1, "ja"),
    (m.AFWEGING_1, "gedaan"),
    (m.AFWEGING_3, "afronden"),
    (m.GEMELD, "ja"),
    (m.AFGESLOTEN, "gedaan"),
    (m.AFGEROND, "nee"),
]


@pytest.mark.parametrize("state,answer", INVALID)
def test_invalid_answers_are_refused(state, answer):
    with pytest.raises(m.InvalidTransition):
        m.transition(state, answer)


def test_hulp_volgen_answers_afweging_5():
    assert m.question_for(m.HULP_VOLGEN) == m.AFWEGING_5
    assert m.transition(m.HULP_VOLGEN, "nee", gemeld_before=True).outcome == "opnieuw_melden"
    assert set(m.QUESTIONS) == {m.STAP_1, m.STAP_2, m.STAP_3, m.AFWEGING_1, m.AFWEGING_2, m.AFWEGING_3, m.AFWEGING_4, m.AFWEGING_5}
    assert not m.allowed_answers(m.GEMELD)
