"""``zicht disclosure-audit`` on a fixture registry: passes on what Zicht publishes, fails on a leaky extra table."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.slow
@pytest.mark.django_db
def test_audit_command_passes_on_the_fixture_registry(tilburg_reports):
    """Tilburg geography, about 900 reports in two years: every suppressed cell keeps at least the base."""
    out = io.StringIO()
    call_command("disclosure-audit", "--gemeente", "GM0855", "--json", "--quiet", stdout=out)
    result = json.loads(out.getvalue())
    assert result["oordeel"] == "ok" and result["lekken"] == 0 and not result["fouten"], [
        c for c in result["cellen"] if not c["beschermd"]
    ][:5]
    assert result["onderdrukte_cellen"] > 1000 and result["gepubliceerde_aantallen"] > 5000
    assert all(c["breedte"] >= c["vereist"] for c in result["cellen"])


@pytest.mark.slow
@pytest.mark.django_db
def test_audit_command_fails_on_a_leaky_extra_table(tilburg_reports, monkeypatch):
    """A table controlled with a threshold of 1 (what ZICHT_DISCLOSURE_THRESHOLD=1 used to allow), published
    next to everything else: its rounded figure for the quiet wijk (3 reports) contradicts every '<10' and the
    audit fails. The LP differencing itself is shown in test_audit_pure's worked examples."""
    import importlib

    from zicht.areas import publication
    from zicht.areas.disclosure import OK, Cell
    from zicht.areas.tables import FigureRow, FigureTable, set_grid

    module = importlib.import_module("zicht.areas.management.commands.disclosure-audit")
    real_collect = publication.collect

    def leaky_collect(gemeente, policy, progress=None, extra=None):
        fig = FigureTable(
            "oud", "", "Wijk", ["Aantal"], [FigureRow("Moerenburg", [Cell(5, OK, "afgerond", "5")], code=tilburg_reports["quiet_wijk"])]
        )
        set_grid(fig, {"year": 2024}, [{"wijk": tilburg_reports["quiet_wijk"]}], [{}])
        return real_collect(gemeente, policy, progress, extra=[publication.Source("test: drempel 1", fig)])

    monkeypatch.setattr(module, "collect", leaky_collect)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Onthullingsaudit GM0855"):
        call_command("disclosure-audit", "--gemeente", "GM0855", "--json", "--quiet", stdout=out)
    result = json.loads(out.getvalue())
    assert result["oordeel"] == "lek" and any("Model klopt niet" in e and tilburg_reports["quiet_wijk"] in e for e in result["fouten"])
