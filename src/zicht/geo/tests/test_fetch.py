"""``zicht fetch-cbs`` against recorded cbsodata fixtures; the network is never touched."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from zicht.geo import fetch as fetch_module
from zicht.geo.models import Buurt, Gemeente, Kerncijfer, Wijk

FIXTURES = Path(__file__).parent / "fixtures"


class RecordedCbs:
    """Stands in for the cbsodata module with a recorded table."""

    def __init__(self, name):
        self.data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        self.filters = []

    def get_meta(self, table, name):
        assert table == self.data["table"]
        return self.data[name]

    def get_data(self, table, filters=None, **kwargs):
        self.filters.append(filters)
        return self.data["rows"]


@pytest.mark.parametrize(
    "name, keys",
    [
        (
            "cbs_85984NED.json",
            {
                "inwoners": "AantalInwoners_5",
                "bijstand_per_1000": "PersonenPerSoortUitkeringBijstand_87",
                "pct_rond_sociaal_min": "HuishOnderOfRondSociaalMinimum_84",
                "ww_per_1000": "PersonenPerSoortUitkeringWW_89",
            },
        ),
        (
            "cbs_85618NED.json",
            {
                "bijstand_per_1000": "PersonenPerSoortUitkeringBijstand_92",
                "pct_rond_sociaal_min": "HuishOnderOfRondSociaalMinimum_88",
                "wmo_per_1000": "WmoClientenRelatief_101",
            },
        ),
    ],
)
def test_columns_resolved_by_title_whatever_the_suffix(name, keys):
    props = RecordedCbs(name).data["DataProperties"]
    special, columns, missing = fetch_module.resolve_columns(props)
    assert special["code"] == "Codering_3"
    found = {c.indicator: c.key for c in columns}
    for indicator, key in keys.items():
        assert found[indicator] == key
    assert "pct_jeugdzorg" in missing  # not in these tables: reported, not guessed


def test_counts_become_rates_and_missing_stays_missing():
    client = RecordedCbs("cbs_85984NED.json")
    result = fetch_module.fetch("85984NED", "GM0855", client=client)
    figures = {(c, k): v for c, k, v in result["figures"]}
    assert client.filters == ["substringof('0855',Codering_3)"]
    assert figures[("WK085517", "bijstand_per_1000")] == round(330 / 5810 * 1000, 1)
    assert figures[("WK085517", "pct_eenpersoonshhd")] == round(1790 / 3225 * 100, 1)
    assert figures[("WK085517", "pct_rond_sociaal_min")] is None  # '' is missing
    assert figures[("GM0855", "pct_hh_laag_inkomen")] is None  # '.' is missing
    assert figures[("BU08551701", "gem_woz_waarde")] is None  # sentinel -99997
    assert figures[("BU08551701", "bijstand_per_1000")] is None  # '.' count -> no rate
    assert figures[("BU08551701", "pct_gescheiden")] is None  # null count -> no share
    assert ("GM0785", "inwoners") not in figures  # other gemeente filtered out
    assert figures[("NL00", "inwoners")] == 17942942


def test_units_in_percent_are_not_divided_again():
    result = fetch_module.fetch("85618NED", client=RecordedCbs("cbs_85618NED.json"))
    figures = {(c, k): v for c, k, v in result["figures"]}
    assert figures[("WK085517", "pct_eenpersoonshhd")] == 55
    assert figures[("GM0855", "pct_rond_sociaal_min")] == 7.4  # Dutch decimal comma
    assert figures[("GM0855", "wmo_per_1000")] == 83
    assert figures[("WK085517", "bijstand_per_1000")] is None  # 'x' = geheim


@pytest.mark.parametrize(
    "infos, override, expected",
    [
        ([{"Period": "2024"}], None, 2024),
        ([{"Title": "Kerncijfers wijken en buurten 2023"}], None, 2023),
        (None, None, 2024),
        ([{"Period": "2024"}], 2025, 2025),
    ],
)
def test_table_year(infos, override, expected):
    assert fetch_module.table_year("85984NED", infos, override) == expected


def test_unknown_year_is_an_error():
    with pytest.raises(ValueError):
        fetch_module.table_year("99999NED", None)


@pytest.mark.django_db
def test_command_loads_figures_and_real_names(monkeypatch):
    gm = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    wk = Wijk.objects.create(code="WK085517", naam="Korvel", gemeente=gm, indeling_jaar=2024)
    Buurt.objects.create(code="BU08551701", naam="Korvel, buurt 1", wijk=wk, gemeente=gm, indeling_jaar=2017)
    import cbsodata

    client = RecordedCbs("cbs_85984NED.json")
    monkeypatch.setattr(cbsodata, "get_meta", client.get_meta)
    monkeypatch.setattr(cbsodata, "get_data", client.get_data)
    call_command("fetch-cbs", "--table", "85984NED", "--gemeente", "GM0855", stdout=io.StringIO())
    call_command("fetch-cbs", "--table", "85984NED", "--gemeente", "GM0855", stdout=io.StringIO())  # idempotent
    row = Kerncijfer.objects.get(area_code="WK085517", jaar=2024, indicator="bijstand_per_1000")
    assert row.value == pytest.approx(56.8) and row.bron == "CBS 85984NED (cbsodata)"
    assert Kerncijfer.objects.get(area_code="GM0855", jaar=2024, indicator="pct_hh_laag_inkomen").value is None
    assert Kerncijfer.objects.filter(area_code="WK085517", jaar=2024, indicator="inwoners").count() == 1
    assert Buurt.objects.get(code="BU08551701").naam == "Korvel-Oost"
