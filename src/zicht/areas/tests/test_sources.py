"""The colour tables of the gebiedscan come from a registered source; without one they are left out."""

from __future__ import annotations

from zicht.areas import figures, sources
from zicht.areas.policy import default_policy


def test_site_registers_casework_colours():
    source = sources.colour_source()
    assert source is not None and source.colours == ("groen", "geel", "oranje", "rood")


def test_without_a_source_the_colour_tables_are_left_out(monkeypatch):
    monkeypatch.setattr(sources, "_colour_source", None)
    assert figures.colour_table("GM0855", ["WK085501"], {}, default_policy()) == (None, None)
    assert figures.buurt_colour_table("WK085501", ["BU08550101"], {}, object(), default_policy()) is None


def test_a_registered_source_is_controlled_like_every_figure(monkeypatch):
    counts = {"WK085501": {"groen": 40, "rood": 2}}
    source = sources.ColourSource(("groen", "rood"), {"groen": "Groen", "rood": "Rood"}, lambda level: counts, lambda: 1)
    monkeypatch.setattr(sources, "_colour_source", source)
    fig, table = figures.colour_table("GM0855", ["WK085501"], {"WK085501": "Wijk 1"}, default_policy())
    assert fig is not None and table is not None
    assert table.cell("WK085501", "rood") != 2  # a count below the threshold is never shown as is
