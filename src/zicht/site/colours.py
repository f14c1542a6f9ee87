"""What the gebiedscan needs from casework's colour codes beyond ``casework.stats`` (see site/apps.py)."""

from __future__ import annotations

from django.db.models import Max

from zicht.casework.models import ColourResult


def colour_version():
    """The newest colour result id: changes whenever colour codes are re-evaluated."""
    return ColourResult.objects.aggregate(m=Max("id"))["m"]
