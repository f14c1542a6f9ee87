"""What is in the registry, per wijk and per source kind, as raw counts for disclosure control.

Counts only (never rows): the home page of every role shows these, controlled.
"""

from __future__ import annotations

from django.db.models import Count

from zicht.access.roles import N_
from zicht.geo.models import Wijk
from zicht.registry.models import Report

# (column key, Dutch label (a msgid, translated by the view), filter on Report)
SOURCE_COLUMNS = [
    ("incident", N_("Politie-incidenten"), {"soort": "incident"}),
    ("melding", N_("Meldingen Veilig Thuis"), {"soort": "melding"}),
    ("advies", N_("Adviezen Veilig Thuis"), {"soort": "advies"}),
    ("signaal", N_("Signalen wijkteam en partners"), {"soort": "signaal"}),
]
UNKNOWN_WIJK = "onbekend"


def registry_counts_by_wijk(gemeente_code: str) -> tuple[dict[tuple[str, str], int], list[tuple[str, str]]]:
    """Raw counts {(wijk code, kind): n} for one gemeente, and the wijken in order (code, name)."""
    wijken = list(Wijk.objects.filter(gemeente_id=gemeente_code).order_by("code").values_list("code", "naam"))
    counts: dict[tuple[str, str], int] = {}
    rows = Report.objects.filter(buurt__gemeente_id=gemeente_code).values("buurt__wijk_id", "soort").annotate(n=Count("id"))
    for row in rows:
        counts[(row["buurt__wijk_id"], row["soort"])] = row["n"]
    return counts, wijken


def unlocated_count() -> int:
    """Reports whose address could not be placed in a buurt, registry-wide: without a buurt a
    report cannot be placed in a gemeente either, so the home page shows them on a separate line."""
    return Report.objects.filter(buurt__isnull=True).count()
