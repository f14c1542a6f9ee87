"""Every path through the afwegingskader (domain brief §1), as a table."""

from __future__ import annotations

import pytest

from zicht.casework.domain import meldcode

STEPS = ["gedaan", "gedaan", "gedaan"]

PATHS = [
    # (name, answers after steps 1–3, end state, outcomes in order, samen-met-VT per afweging answer)
    ("1 nee: afsluiten", ["nee"], meldcode.AFGESLOTEN, ["afsluiten"], [False]),
    ("2 ja, 3 nee: gemeld, samen met VT", ["ja", "ja", "nee"], meldcode.GEMELD, ["melden_vt"], [False, False, True]),
    ("2 ja, 3 ja, 4 nee", ["ja", "ja", "ja", "nee"], meldcode.GEMELD, ["melden_vt"], [False, False, True, True]),
    (
        "2 ja, 3 ja, 4 ja, 5 ja",
        ["ja", "ja", "ja", "ja", "ja"],
        meldcode.HULP_VOLGEN,
        ["melden_vt", "hulp_bieden"],
        [False, False, True, True, True],
    ),
    (
        "2 ja, ..., 5 nee: opnieuw melden",
        ["ja", "ja", "ja", "ja", "nee"],
        meldcode.GEMELD,
        ["melden_vt", "hulp_bieden", "opnieuw_melden"],
        [False, False, True, True, True],
    ),
    ("2 nee, 3 nee: melden", ["ja", "nee", "nee"], meldcode.GEMELD, ["melden_vt"], [False, False, False]),
    ("2 nee, 3 ja, 4 nee: melden", ["ja", "nee", "ja", "nee"], meldcode.GEMELD, ["melden_vt"], [False] * 4),
    ("2 nee, 3 ja, 4 ja: hulp, naar 5", ["ja", "nee", "ja", "ja"], meldcode.AFWEGING_5, ["hulp_bieden"], [False] * 4),
    ("2 nee, ..., 5 ja: hulp vervolgen", ["ja", "nee", "ja", "ja", "ja"], meldcode.HULP_VOLGEN, ["hulp_bieden"], [False] * 5),
    ("2 nee, ..., 5 nee: melden", ["ja", "nee", "ja", "ja", "nee"], meldcode.GEMELD, ["hulp_bieden", "melden_vt"], [False] * 5),
    ("5 ja, later 5 nee: melden", ["ja", "nee", "ja", "ja", "ja", "nee"], meldcode.GEMELD, ["hulp_bieden", "melden_vt"], [False] * 6),
    ("5 ja, later afronden", ["ja", "nee", "ja", "ja", "ja", "afronden"], meldcode.AFGEROND, ["hulp_bieden"], [False] * 6),
    ("5 ja twice, then afronden", ["ja", "nee", "ja", "ja", "ja", "ja", "afronden"], meldcode.AFGEROND, ["hulp_bieden"], [False] * 7),
]


@pytest.mark.parametrize("name,answers,end,outcomes,samen", PATHS, ids=[p[0] for p in PATHS])
def test_paths(name, answers, end, outcomes, samen):
    state, steps = meldcode.replay(STEPS + answers)
    assert state == end
    assert [s.outcome for s in steps if s.outcome] == outcomes
    assert [s.samen_met_vt for s in steps[3:]] == samen
    assert [s.question for s in steps[:4]] == [meldcode.STAP_1, meldcode.STAP_2, meldcode.STAP_3, meldcode.AFWEGING_1]


FOLLOWUP = [
    ("4 ja needs a vervolgdatum", meldcode.AFWEGING_4, "ja", True),
    ("5 ja needs a vervolgdatum", meldcode.AFWEGING_5, "ja", True),
    ("5 again in hulp_volgen", meldcode.HULP_VOLGEN, "ja", True),
    ("1 nee does not", meldcode.AFWEGING_1, "nee", False),
    ("step 1 does not", meldcode.STAP_1, "gedaan", False),
]


@pytest.mark.parametrize("name,state,answer,needs", FOLLOWUP, ids=[f[0] for f in FOLLOWUP])
def test_followup_required(name, state, answer, needs):
    assert meldcode.transition(state, answer).needs_followup is needs


INVALID = [
    (meldcode.STAP_1, "ja"),
    (meldcode.AFWEGING_1, "gedaan"),
    (meldcode.AFWEGING_3, "afronden"),
    (meldcode.GEMELD, "ja"),
    (meldcode.AFGESLOTEN, "gedaan"),
    (meldcode.AFGEROND, "nee"),
]


@pytest.mark.parametrize("state,answer", INVALID)
def test_invalid_answers_are_refused(state, answer):
    with pytest.raises(meldcode.InvalidTransition):
        meldcode.transition(state, answer)


def test_hulp_volgen_answers_afweging_5():
    assert meldcode.question_for(meldcode.HULP_VOLGEN) == meldcode.AFWEGING_5
    assert meldcode.transition(meldcode.HULP_VOLGEN, "nee", gemeld_before=True).outcome == "opnieuw_melden"
    assert set(meldcode.QUESTIONS) == {
        meldcode.STAP_1,
        meldcode.STAP_2,
        meldcode.STAP_3,
        meldcode.AFWEGING_1,
        meldcode.AFWEGING_2,
        meldcode.AFWEGING_3,
        meldcode.AFWEGING_4,
        meldcode.AFWEGING_5,
    }
    assert not meldcode.allowed_answers(meldcode.GEMELD)
