"""``zicht load-geo`` on the real offline files for one gemeente: names, boundaries, missing values."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zicht.geo.models import Buurt, Gemeente, Kerncijfer, Wijk


@pytest.fixture
def tilburg(db):
    call_command("load-geo", "--gemeente", "GM0855", stdout=io.StringIO())


def test_tilburg_geography(tilburg):
    gm = Gemeente.objects.get(code="GM0855")
    assert gm.naam == "Tilburg" and gm.indeling_jaar == 2024 and gm.geometry["type"] in ("Polygon", "MultiPolygon")
    assert gm.ggd_regio == "GGD Hart voor Brabant"
    korvel = Wijk.objects.get(code="WK085517")
    assert korvel.naam == "Korvel" and korvel.geometry is not None
    assert Buurt.objects.get(code="BU08551703").naam == "Korvel, buurt 3"
    assert Buurt.objects.filter(wijk=korvel).count() == 7
    assert not Gemeente.objects.exclude(code="GM0855").exists()


def test_key_figures_and_missing_values(tilburg):
    def value(code, year, key):
        return Kerncijfer.objects.get(area_code=code, jaar=year, indicator=key).value

    assert value("NL00", 2017, "inwoners") == 17081507
    assert value("GM0855", 2024, "inwoners") == 229836
    assert value("WK085517", 2017, "pct_rond_sociaal_min") == 12.0
    assert value("WK085517", 2024, "inwoners") == 5810
    # BU08551707 has '.' for income in KWB 2017: stored as NULL, never 0.
    assert value("BU08551707", 2017, "pct_rond_sociaal_min") is None
    assert value("BU08551707", 2017, "inwoners") == 310
    assert value("GM0855", 2022, "pct_hh_laagste40") == 48  # PDOK 'pct_hh_laag_inkomen' is the 40% measure
    assert value("GM0855", 2024, "cr_mishandeling") == 740
    assert Kerncijfer.objects.filter(area_code="NL00", jaar=2024, indicator="pct_65plus").exists()


def test_idempotent(tilburg):
    counts = (Gemeente.objects.count(), Wijk.objects.count(), Buurt.objects.count(), Kerncijfer.objects.count())
    call_command("load-geo", "--gemeente", "GM0855", stdout=io.StringIO())
    assert counts == (Gemeente.objects.count(), Wijk.objects.count(), Buurt.objects.count(), Kerncijfer.objects.count())
