"""Closed help trajectories (casework) for the recidive figures of the areas app (see site/apps.py)."""

from __future__ import annotations

from django.db.models import Q

from zicht.areas.sources import TrajectoryEnd
from zicht.casework.colour.models import Hulptraject


def trajectory_ends(gemeente_code: str) -> list[TrajectoryEnd]:
    """Closed trajectories of an address in the gemeente or of a household (filtered by the caller)."""
    qs = (
        Hulptraject.objects.filter(einde__isnull=False)
        .filter(Q(address__buurt__gemeente_id=gemeente_code) | Q(household__isnull=False))
        .values_list("address_id", "household_id", "einde")
    )
    return [TrajectoryEnd(a, h, e) for a, h, e in qs]
