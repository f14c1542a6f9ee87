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
    assert result["oordeel"] == "ok" and result["lekken"] == 0 and not result["fouten"], \
        [c for c in result["cellen"] if not c["beschermd"]][:5]
    assert result["onderdrukte_cellen"] > 1000 and result["gepubliceerde_aantallen"] > 5000
    assert all(c["breedte"] >= c["vereist"] for c in result["cellen"])


@pytest.mark.django_db
def test_audit_command_fails_on_a_leaky_extra_table(tilburg_reports, monkeypatch):
    """The old home page (all years, wijk × soort, controlled on its own) next to the per-year tables leaks."""
    from zicht.areas import publication
    from zicht.areas.disclosure import control_table
    from zicht.areas.policy import default_policy
    from zicht.areas.tables import from_controlled_table, set_grid
    from zicht.registry.models import Report

    policy = default_policy()
    real_collect = publication.collect

    def leaky_collect(gemeente, policy, progress=None, extra=None):
        # Only the year 2024 plus a wijk × soort table of the same year controlled on its own:
        # small enough to run fast, and the independent table must be caught.
        counts = {}
        for wijk, kind in Report.objects.filter(buurt__gemeente_id="GM0855", datum__year=2024).values_list(
                "buurt__wijk_id", "kind"):
            counts[(wijk, kind)] = counts.get((wijk, kind), 0) + 1
        wijken = sorted({w for w, _ in counts})
        t = control_table(counts, row_keys=wijken, policy=policy)
        fig = set_grid(from_controlled_table("oud", "", "", t, {}, {}), {"year": 2024}, [{"wijk": w} for w in wijken],
                       [{"kind": k} for k in t.col_keys])
        return real_collect(gemeente, policy, progress, extra=[publication.Source("test: eigen tabel", fig)])

    monkeypatch.setattr(publication, "collect", leaky_collect)
    import zicht.areas.management.commands as cmds  # noqa: F401
    import importlib
    module = importlib.import_module("zicht.areas.management.commands.disclosure-audit")
    monkeypatch.setattr(module, "collect", leaky_collect)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Onthullingsaudit GM0855"):
        call_command("disclosure-audit", "--gemeente", "GM0855", "--json", "--quiet", stdout=out)
    result = json.loads(out.getvalue())
    assert result["oordeel"] == "lek" and (result["lekken"] > 0 or result["fouten"])
