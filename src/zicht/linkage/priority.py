"""Order of the review queue (pure, no Django): what a ketenregisseur should decide first.

Why: a region's registry yields thousands of uncertain pairs; ordered by weight alone, the
first pages are whichever pairs happen to score highest. A decision matters most where it
changes who is seen at a dangerous address or who else is involved: a cluster with a report
at an address whose colour code is oranje or rood, or with an active verwijsindex signal.
Within a tier, pairs nearest the link threshold come first: there the model is least sure
and a person's judgement changes the outcome most. A link the cluster check did not follow
(a veto or an ambiguous registration) comes before the plain band below the threshold.
"""

from __future__ import annotations

from zicht.access.roles import N_

URGENT = 2  # a side's cluster has a report at an oranje/rood address or an active signal
CLUSTER_CHECK = 1  # the model linked the pair, the cluster check kept it apart
BAND = 0  # between the review and the link threshold

LABELS = {URGENT: N_("oranje/rood adres of signaal"), CLUSTER_CHECK: N_("koppeling tegengehouden"), BAND: N_("onzeker")}


def tier(weight: float, link_threshold: float, hot_a: bool, hot_b: bool) -> int:
    """The queue tier of one pair."""
    if hot_a or hot_b:
        return URGENT
    if weight >= link_threshold:
        return CLUSTER_CHECK
    return BAND


def boundary_distance(weight: float, link_threshold: float) -> float:
    """How far the pair's weight is from the link threshold (smaller: less certain, reviewed earlier)."""
    return round(abs(weight - link_threshold), 6)


def sort_key(tier_value: int, distance: float, pair_id: int = 0) -> tuple:
    """Queue order: higher tier first, then nearest the threshold, then oldest pair."""
    return (-tier_value, distance, pair_id)
