"""The toegang's Quickscan at intake: risk factors → a SUGGESTED Meldcode step with its reasons.

Never a decision: the professional confirms the suggestion or chooses another step with a reason
(``choice_errors``). Pure: no Django.

Classification (not ours): the categories are those of seed 003 (Tilburg handreiking, "Aanpassing
van de Quickscan": relatiedynamiek, veiligheid, stressfactoren waaronder armoede en
mantelzorgbelasting, LVB-/GGZ-/verslavingsproblematiek, andere risicofactoren). The safety items
are the domain brief's definitions for afweging 2 of the afwegingskader: *acute onveiligheid*
(direct fysiek gevaar, fysiek/seksueel geweld, ontbreken van basiszorg; disclosure counts as acute)
and *structurele onveiligheid* (herhaling of voortduren). The Kindcheck (Richtlijn
Kindermishandeling; domain brief catalogue row 19) adds a reason when there are minor children.

Rule, first that applies:
  acute or structurele onveiligheid  → melden bij Veilig Thuis (afweging 2 'ja')
  signalen in de relatiedynamiek      → stap 2: collegiale consultatie, zo nodig Veilig Thuis raadplegen
  alleen risicofactoren               → stap 1: signalen in kaart brengen
  niets aangevinkt                    → geen Meldcode-stap (vastleggen)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zicht.access.roles import N_, dutch

VEILIGHEID, RELATIEDYNAMIEK, STRESS, KWETSBAARHEID, ANDERE = "veiligheid", "relatiedynamiek", "stress", "kwetsbaarheid", "andere"
CATEGORIES = [
    (VEILIGHEID, N_("Veiligheid")),
    (RELATIEDYNAMIEK, N_("Relatiedynamiek")),
    (STRESS, N_("Stressfactoren")),
    (KWETSBAARHEID, N_("LVB, GGZ en verslaving")),
    (ANDERE, N_("Andere risicofactoren")),
]

# code: (category, label, kind) — kind 'acuut' / 'structureel' for the safety items of afweging 2.
FACTORS: dict[str, tuple[str, str, str]] = {
    "direct_gevaar": (VEILIGHEID, N_("Direct fysiek gevaar; de veiligheid is de komende dagen niet gegarandeerd"), "acuut"),
    "geweld": (VEILIGHEID, N_("Fysiek of seksueel geweld"), "acuut"),
    "basiszorg": (VEILIGHEID, N_("Basiszorg ontbreekt (voeding, onderdak, medische zorg, toezicht)"), "acuut"),
    "disclosure": (VEILIGHEID, N_("Een kind of afhankelijke volwassene vertelt over geweld of mishandeling"), "acuut"),
    "herhaling": (VEILIGHEID, N_("Onveiligheid of geweld herhaalt zich of houdt aan"), "structureel"),
    "relatie_spanning": (RELATIEDYNAMIEK, N_("Spanningen, ruzies of conflicten in de huiselijke kring"), ""),
    "relatie_angst": (RELATIEDYNAMIEK, N_("Angst voor, of controle door, een partner, ex-partner of gezinslid"), ""),
    "armoede": (STRESS, N_("Armoede of schulden"), ""),
    "mantelzorg": (STRESS, N_("Zware mantelzorgbelasting"), ""),
    "stress_overig": (STRESS, N_("Andere stress (werkloosheid, huisvesting, scheiding, ziekte)"), ""),
    "lvb": (KWETSBAARHEID, N_("Licht verstandelijke beperking (LVB)"), ""),
    "ggz": (KWETSBAARHEID, N_("Psychische problemen (GGZ)"), ""),
    "verslaving": (KWETSBAARHEID, N_("Verslaving"), ""),
    "andere": (ANDERE, N_("Een andere risicofactor"), ""),
}

MELDEN_VT, STAP_2, STAP_1, GEEN = "melden_vt", "stap_2", "stap_1", "geen"
STEPS = [
    (MELDEN_VT, N_("Melden bij Veilig Thuis (afweging 2: acute of structurele onveiligheid)")),
    (STAP_2, N_("Stap 2: collegiale consultatie en zo nodig Veilig Thuis raadplegen (ook anoniem)")),
    (STAP_1, N_("Stap 1: signalen in kaart brengen en vastleggen")),
    (GEEN, N_("Geen Meldcode-stap: vastleggen in het dossier")),
]
STEP_LABELS = dict(STEPS)
MIN_REASON = 10


@dataclass(frozen=True)
class Suggestion:
    step: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return STEP_LABELS[self.step]


def factors_in(selected, category: str) -> list[str]:
    return [code for code in FACTORS if code in selected and FACTORS[code][0] == category]


def suggest(selected, *, kinderen: bool = False, tr: Callable[[str], str] = dutch) -> Suggestion:
    """The suggested Meldcode step for the ticked risk factors, with one reason per ground.

    The reasons are Dutch (what is stored with the case); a page passes ``tr=gettext`` to show
    them in the user's language (the texts are marked for ``zicht makemessages`` as ``_``)."""
    _ = tr
    selected = set(selected)
    unknown = selected - FACTORS.keys()
    if unknown:
        raise ValueError(f"Unknown risk factors: {sorted(unknown)}")
    label = {code: tr(FACTORS[code][1]) for code in FACTORS}
    acute = [c for c in FACTORS if c in selected and FACTORS[c][2] == "acuut"]
    structural = [c for c in FACTORS if c in selected and FACTORS[c][2] == "structureel"]
    relation = factors_in(selected, RELATIEDYNAMIEK)
    risk_categories = [cat for cat in (STRESS, KWETSBAARHEID, ANDERE) if factors_in(selected, cat)]
    reasons: list[str] = []
    if acute or structural:
        step = MELDEN_VT
        reasons += [_("Acute onveiligheid: %(factor)s.") % {"factor": label[c].lower()} for c in acute]
        reasons += [_("Structurele onveiligheid: %(factor)s.") % {"factor": label[c].lower()} for c in structural]
        reasons.append(
            _(
                "Bij acute of structurele onveiligheid is melden bij Veilig Thuis de norm (afwegingskader, afweging 2); afweging 3 tot en met 5 doorloopt u samen met Veilig Thuis."
            )
        )
    elif relation:
        step = STAP_2
        reasons += [_("Relatiedynamiek: %(factor)s.") % {"factor": label[c].lower()} for c in relation]
        reasons.append(
            _(
                "Signalen in de relatiedynamiek kunnen op huiselijk geweld wijzen: bespreek ze met een collega of de aandachtsfunctionaris en raadpleeg zo nodig Veilig Thuis (dat kan anoniem)."
            )
        )
    elif risk_categories:
        step = STAP_1
        for cat in risk_categories:
            reasons.append(f"{tr(dict(CATEGORIES)[cat])}: " + ", ".join(label[c].lower() for c in factors_in(selected, cat)) + ".")
        reasons.append(_("Risicofactoren zonder signalen van geweld: breng de signalen in kaart en leg ze vast (stap 1)."))
    else:
        step = GEEN
        reasons.append(_("Geen risicofactoren aangevinkt: leg de quickscan vast in het dossier."))
    if len(risk_categories) >= 2 or (risk_categories and (relation or acute or structural)):
        reasons.append(_("Stapeling: risicofactoren uit meer dan één categorie vergroten het risico op huiselijk geweld."))
    if kinderen and step != GEEN:
        reasons.append(_("Kindcheck: er zijn minderjarige kinderen; ga na of zij veilig zijn."))
    return Suggestion(step, tuple(reasons))


CHOOSE_STEP = N_("Kies de stap die u zet.")


def choice_errors(suggested: str, chosen: str, reason: str, tr: Callable[[str], str] = dutch) -> list[str]:
    """The professional decides: the suggestion confirmed, or another step with a reason."""
    _ = tr
    if chosen not in STEP_LABELS:
        return [tr(CHOOSE_STEP)]
    if chosen != suggested and len((reason or "").strip()) < MIN_REASON:
        return [_("U kiest een andere stap dan de voorgestelde: geef de reden (ten minste %(n)d tekens).") % {"n": MIN_REASON}]
    return []
