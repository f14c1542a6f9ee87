"""The Meldcode as an explicit state machine: five steps, the five afwegingen, their outcomes.

Why a table and not if-statements in a view: the afwegingskader has been mandatory since
1 January 2019 and its decision table (domain brief §1) must be followed exactly; a table is
what a reviewer compares with the source, and every path is tested. Pure: no Django.

Flow: stap 1 → 2 → 3 (recorded as done), then afweging 1..5:
  1 nee → afsluiten (vastleggen in dossier)            1 ja → 2
  2 nee → 3                                           2 ja → melden bij VT; 3–5 samen met VT
  3 nee → melden                                      3 ja → 4
  4 nee → melden                                      4 ja → hulp bieden, naar 5 (vervolgdatum)
  5 nee → (opnieuw) melden                            5 ja → hulp vervolgen en veiligheid volgen
After 5 ja the professional answers afweging 5 again at each vervolgdatum, or rounds the case off
when the help has ended with lasting safety (``afronden``; the case stays in the dossier).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zicht.access.roles import N_

STAP_1, STAP_2, STAP_3 = "stap_1", "stap_2", "stap_3"
AFWEGING_1, AFWEGING_2, AFWEGING_3, AFWEGING_4, AFWEGING_5 = (f"afweging_{i}" for i in range(1, 6))
HULP_VOLGEN = "hulp_volgen"
AFGESLOTEN, GEMELD, AFGEROND = "afgesloten", "gemeld", "afgerond"
TERMINAL = frozenset({AFGESLOTEN, GEMELD, AFGEROND})

STATES = [
    (STAP_1, N_("Stap 1: signalen in kaart brengen")),
    (STAP_2, N_("Stap 2: collegiale consultatie (en zo nodig Veilig Thuis raadplegen)")),
    (STAP_3, N_("Stap 3: gesprek met de betrokkene(n)")),
    (AFWEGING_1, N_("Stap 4: afweging 1")),
    (AFWEGING_2, N_("Stap 4: afweging 2")),
    (AFWEGING_3, N_("Stap 5: afweging 3")),
    (AFWEGING_4, N_("Stap 5: afweging 4")),
    (AFWEGING_5, N_("Stap 5: afweging 5")),
    (HULP_VOLGEN, N_("Hulp vervolgen, veiligheid volgen (afweging 5 opnieuw op de vervolgdatum)")),
    (AFGESLOTEN, N_("Afgesloten: geen vermoeden, vastgelegd in dossier")),
    (GEMELD, N_("Gemeld bij Veilig Thuis")),
    (AFGEROND, N_("Afgerond: hulp beëindigd met duurzame veiligheid")),
]

QUESTIONS = {
    STAP_1: N_("Zijn de signalen in kaart gebracht en vastgelegd?"),
    STAP_2: N_("Is collegiale consultatie gedaan (en zo nodig Veilig Thuis of een deskundige geraadpleegd, eventueel anoniem)?"),
    STAP_3: N_("Is het gesprek met de betrokkene(n) gevoerd?"),
    AFWEGING_1: N_("Is er (op basis van stap 1–3) een vermoeden van (dreiging van) huiselijk geweld of kindermishandeling?"),
    AFWEGING_2: N_("Is er acute en/of structurele onveiligheid?"),
    AFWEGING_3: N_("Ben ik in staat effectieve (passende) hulp te bieden of te organiseren?"),
    AFWEGING_4: N_("Aanvaarden/werken betrokkenen mee aan de hulp?"),
    AFWEGING_5: N_("Leidt de hulp tot duurzame veiligheid (binnen de gewenste termijn)?"),
}

OUTCOMES = [
    ("afsluiten", N_("Afsluiten, vastleggen in dossier")),
    ("melden_vt", N_("Melden bij Veilig Thuis")),
    ("hulp_bieden", N_("Hulp bieden")),
    ("opnieuw_melden", N_("Opnieuw melden bij Veilig Thuis")),
]

ANSWERS = {"gedaan": N_("Gedaan"), "ja": N_("Ja"), "nee": N_("Nee"), "afronden": N_("Afronden")}


class InvalidTransition(ValueError):
    """An answer that the table does not allow in this state."""


@dataclass(frozen=True)
class Transition:
    question: str  # the question this answer belongs to (hulp_volgen answers afweging 5)
    answer: str
    next_state: str
    outcome: str | None = None
    samen_met_vt: bool = False  # this answer is given together with Veilig Thuis
    gemeld: bool = False  # after this answer Veilig Thuis has been informed
    needs_followup: bool = False  # a vervolgdatum is required


def allowed_answers(state: str) -> tuple[str, ...]:
    if state in (STAP_1, STAP_2, STAP_3):
        return ("gedaan",)
    if state in (AFWEGING_1, AFWEGING_2, AFWEGING_3, AFWEGING_4, AFWEGING_5):
        return ("ja", "nee")
    if state == HULP_VOLGEN:
        return ("ja", "nee", "afronden")
    return ()


def question_for(state: str) -> str | None:
    return AFWEGING_5 if state == HULP_VOLGEN else (state if state in QUESTIONS else None)


def _melden(question: str, answer: str, gemeld_before: bool, samen: bool, repeat: bool = False) -> Transition:
    outcome = "opnieuw_melden" if (repeat and gemeld_before) else (None if gemeld_before else "melden_vt")
    return Transition(question, answer, GEMELD, outcome, samen_met_vt=samen, gemeld=True)


def transition(state: str, answer: str, gemeld_before: bool = False) -> Transition:
    """The next state and outcome for ``answer`` in ``state``; ``gemeld_before`` = VT already informed."""
    if answer not in allowed_answers(state):
        raise InvalidTransition(f"Antwoord {answer!r} is niet mogelijk in {state!r}")
    samen = gemeld_before  # after ja at afweging 2, afwegingen 3–5 are walked together with VT
    if state == STAP_1:
        return Transition(STAP_1, answer, STAP_2)
    if state == STAP_2:
        return Transition(STAP_2, answer, STAP_3)
    if state == STAP_3:
        return Transition(STAP_3, answer, AFWEGING_1)
    if state == AFWEGING_1:
        if answer == "nee":
            return Transition(AFWEGING_1, answer, AFGESLOTEN, "afsluiten")
        return Transition(AFWEGING_1, answer, AFWEGING_2)
    if state == AFWEGING_2:
        if answer == "ja":
            return Transition(AFWEGING_2, answer, AFWEGING_3, "melden_vt", gemeld=True)
        return Transition(AFWEGING_2, answer, AFWEGING_3)
    if state == AFWEGING_3:
        if answer == "nee":
            return _melden(AFWEGING_3, answer, gemeld_before, samen)
        return Transition(AFWEGING_3, answer, AFWEGING_4, samen_met_vt=samen, gemeld=gemeld_before)
    if state == AFWEGING_4:
        if answer == "nee":
            return _melden(AFWEGING_4, answer, gemeld_before, samen)
        return Transition(AFWEGING_4, answer, AFWEGING_5, "hulp_bieden", samen_met_vt=samen, gemeld=gemeld_before, needs_followup=True)
    # afweging 5, first time or again while following safety
    if answer == "afronden":
        return Transition(AFWEGING_5, answer, AFGEROND, samen_met_vt=samen, gemeld=gemeld_before)
    if answer == "nee":
        return _melden(AFWEGING_5, answer, gemeld_before, samen, repeat=True)
    return Transition(AFWEGING_5, answer, HULP_VOLGEN, samen_met_vt=samen, gemeld=gemeld_before, needs_followup=True)


def replay(answers: list[str]) -> tuple[str, list[Transition]]:
    """Run a sequence of answers from the start; the model uses it to check stored histories."""
    state, gemeld, done = STAP_1, False, []
    for answer in answers:
        step = transition(state, answer, gemeld)
        done.append(step)
        state, gemeld = step.next_state, step.gemeld or gemeld
    return state, done


def is_overdue(vervolgdatum: date | None, today: date) -> bool:
    """A follow-up date before today that has not been acted on (an open case) is overdue."""
    return vervolgdatum is not None and vervolgdatum < today
