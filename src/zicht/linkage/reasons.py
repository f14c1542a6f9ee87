"""Why a pair waits for the ketenregisseur (pure, no Django).

Why: a review pair is either a weak match (its weight lies below the link threshold) or a
link the cluster check did not follow. The ketenregisseur decides better knowing which: "two
persons at this address fit" asks another question than "the dates of birth differ". The
batch (``services._write_review_pairs``) and arrival (``services.link_person``) both call
``review_reason`` and store its code on the pair (``ReviewPair.reason``).
"""

from __future__ import annotations

from zicht.access.roles import N_

from . import hard_negatives

# code -> the Dutch text on the review pages (translated where shown)
REASONS = {
    "onzeker": N_("Matchgewicht onder de koppeldrempel"),
    "melding": N_("Twee partijen in één melding"),
    "generatie": N_("Jr. en sr.: vader en zoon met dezelfde naam"),
    "geboortedatum": N_("Geboortedata die geen tikfout verklaart"),
    "geslacht": N_("Verschillend geslacht"),
    "voornaam": N_("Voornamen die niet bij één persoon passen"),
    hard_negatives.HOUSEHOLD: N_("Naamgenoot? Ander adres met andere huisgenoten in dezelfde periode"),
    "tegengehouden": N_("Past bij meer dan één persoon (bijv. alleen initialen of geen geboortedatum)"),
}
CHOICES = [("", "")] + list(REASONS.items())


def review_reason(a: dict, b: dict, weight: float, link_threshold: float, rules=hard_negatives.RULES, household: bool = False) -> str:
    """The reason code of a review pair of records ``a`` and ``b`` (feature dicts).

    Below the link threshold: ``onzeker``. A link that was not followed: the hard-negative
    rule that holds for the pair (``hard_negatives.conflict``); else the household rule when
    ``household`` (the caller read the co-residents: ``hard_negatives.household_conflict``);
    else ``tegengehouden`` (the record fits two persons, or its cluster holds one it cannot be).
    """
    if weight < link_threshold:
        return "onzeker"
    rule = hard_negatives.conflict(a, b, rules)
    if rule is not None:
        return rule
    return hard_negatives.HOUSEHOLD if household else "tegengehouden"
