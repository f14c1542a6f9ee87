"""The disclosure policy from settings (the pure module takes it as an argument)."""

from __future__ import annotations

from django.conf import settings

from .disclosure import Policy


def default_policy() -> Policy:
    """Threshold and rounding base as configured (ZICHT_DISCLOSURE_THRESHOLD / _ROUNDING)."""
    return Policy(
        threshold=int(getattr(settings, "DISCLOSURE_THRESHOLD", 10)),
        rounding_base=int(getattr(settings, "DISCLOSURE_ROUNDING_BASE", 5)),
    )
