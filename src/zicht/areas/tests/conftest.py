"""Fixtures for the areas tests: Tilburg's real geography and synthetic reports."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.areas import data, similar
from zicht.geo.loaders import load_geo

from .helpers import make_reports

KORVEL = "WK085517"
MOERENBURG_BUURT = None  # resolved in the fixture: a buurt of WK085530 (55 inhabitants)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Ids repeat between rolled-back tests, so the per-process caches must not outlive a test."""
    from django.core.cache import cache

    for _ in range(2):
        data.clear_cache()
        similar._cache.clear()
        cache.clear()
        if _ == 0:
            yield


@pytest.fixture
def tilburg(db):
    load_geo(gemeente="GM0855")


@pytest.fixture
def tilburg_reports(tilburg):
    """About 900 reports in five wijken (most in Korvel) and exactly 3 in Moerenburg, all in 2023-2024."""
    from zicht.geo.models import Buurt

    busy = list(
        Buurt.objects.filter(wijk_id__in=[KORVEL, "WK085539", "WK085510", "WK085538", "WK085516"])
        .order_by("code")
        .values_list("code", flat=True)
    )
    make_reports(busy, 900, seed=3)
    quiet = Buurt.objects.filter(wijk_id="WK085530").order_by("code").values_list("code", flat=True).first()
    make_reports([quiet], 3, seed=9, start=date(2024, 2, 1), days=10, addresses_per_buurt=2)
    return {"quiet_buurt": quiet, "quiet_wijk": "WK085530"}
