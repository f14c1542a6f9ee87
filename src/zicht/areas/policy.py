"""The disclosure policy from settings (the pure module takes it as an argument)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .disclosure import Policy, policy_problems


def default_policy() -> Policy:
    """Threshold and rounding base as configured (ZICHT_DISCLOSURE_THRESHOLD / _ROUNDING)."""
    threshold = int(getattr(settings, "DISCLOSURE_THRESHOLD", 10))
    base = int(getattr(settings, "DISCLOSURE_ROUNDING_BASE", 5))
    problems = policy_problems(threshold, base)
    if problems:  # settings overridden after startup (tests, a shell): refuse here as well
        raise ImproperlyConfigured("Onthullingsbeveiliging geweigerd: " + "; ".join(problems) + ".")
    return Policy(threshold=threshold, rounding_base=base)
