"""Counts of addresses per colour per area, for the areas app (which applies disclosure control).

Raw counts on purpose: this function is not a display. ``zicht.areas`` rounds and suppresses
them before any figure reaches a screen or an export.
"""

from __future__ import annotations

from django.db.models import Count

from .domain.colour import COLOURS
from .models import ColourResult

LEVEL_FIELDS = {"buurt": "buurt_id", "wijk": "wijk_id", "gemeente": "buurt__gemeente_id"}


def addresses_by_colour(area_level: str, area_code: str | None = None) -> dict[str, dict[str, int]]:
    """{area code: {groen, geel, oranje, rood: n}} over current address results (addresses without a buurt are left out)."""
    if area_level not in LEVEL_FIELDS:
        raise ValueError(f"area_level must be one of {sorted(LEVEL_FIELDS)}")
    field = LEVEL_FIELDS[area_level]
    qs = ColourResult.objects.filter(is_current=True, subject_type="address", buurt__isnull=False)
    if area_code:
        qs = qs.filter(**{field: area_code})
    out: dict[str, dict[str, int]] = {}
    for row in qs.values(field, "colour").annotate(n=Count("id")).order_by():
        out.setdefault(row[field], {c: 0 for c in COLOURS})[row["colour"]] = row["n"]
    return out
