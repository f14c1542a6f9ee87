"""Settings that make rounding or suppression meaningless are refused (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from zicht.areas.disclosure import MIN_ROUNDING_BASE, MIN_THRESHOLD, Policy, policy_problems
from zicht.areas.policy import default_policy


@pytest.mark.parametrize(
    "threshold, base, refused",
    [
        (10, 5, False),
        (5, 3, False),
        (15, 10, False),
        (10, 1, True),
        (10, 2, True),
        (3, 5, True),
        (4, 3, True),
        (3, 1, True),
        (1, 1, True),
    ],
)
def test_policy_minimums(threshold, base, refused):
    assert bool(policy_problems(threshold, base)) is refused
    if refused:
        with pytest.raises(ValueError):
            Policy(threshold=threshold, rounding_base=base)
    else:
        assert Policy(threshold=threshold, rounding_base=base).rounding_base == base
    assert (MIN_THRESHOLD, MIN_ROUNDING_BASE) == (5, 3)


def test_default_policy_refuses_overridden_settings(settings):
    settings.DISCLOSURE_ROUNDING_BASE = 1
    settings.DISCLOSURE_THRESHOLD = 3
    with pytest.raises(ImproperlyConfigured, match="ZICHT_DISCLOSURE_ROUNDING=1"):
        default_policy()


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ZICHT_DISCLOSURE_ROUNDING": "1"}, "ZICHT_DISCLOSURE_ROUNDING=1"),
        ({"ZICHT_DISCLOSURE_THRESHOLD": "3"}, "ZICHT_DISCLOSURE_THRESHOLD=3"),
    ],
)
def test_startup_refuses_rounding_base_1_and_threshold_3(env, message):
    """Loading the settings (what every ``zicht`` command and the web server do first) fails with a clear message."""
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "PYTHONPATH": src,  # demo mode: SQLite
            "DJANGO_SETTINGS_MODULE": "zicht.settings",
            "ZICHT_DEMO": "1",
            "ZICHT_DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
