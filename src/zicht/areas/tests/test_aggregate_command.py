"""``zicht aggregate``: a controlled table with suppression marks, as JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.django_db
def test_aggregate_json(tilburg_reports):
    out = io.StringIO()
    call_command("aggregate", "--gemeente", "GM0855", "--level", "wijk", "--by", "aard", "--jaar", "2024", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["row_dimensions"] == ["wijk"] and "kindermishandeling" in result["columns"]
    cells = [c for row in result["rows"] for c in [*row["cells"].values(), row["total"]]]
    statuses = {c["status"] for c in cells}
    assert {"primary", "ok"} <= statuses
    for c in cells:
        if c["status"] == "ok":
            assert c["value"] % 5 == 0 and c["value"] >= 10 and c["display"] == f"{c['value']:,}".replace(",", ".")
        else:
            assert c["value"] is None and c["display"] in ("<10", "×") and c["reason"]
    quiet = [row for row in result["rows"] if row["key"]["wijk"] == tilburg_reports["quiet_wijk"]]
    assert quiet and all(row["total"]["value"] is None for row in quiet)


@pytest.mark.django_db
def test_aggregate_text_and_errors(tilburg_reports):
    out = io.StringIO()
    call_command("aggregate", "--gemeente", "GM0855", "--level", "buurt", "--by", "bron", "--jaar", "2024", stdout=out)
    assert "<10" in out.getvalue() and "afgerond op 5" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("aggregate", "--gemeente", "GM0855", "--by", "naam")
    with pytest.raises(CommandError):
        call_command("aggregate", "--gemeente", "GM9999")


@pytest.mark.django_db
def test_aggregate_serves_the_protected_cells_and_refuses_other_cuts(tilburg_reports):
    """The aggregate table is the gebiedscan's table (same cells), and cuts outside the protected set are refused."""
    from zicht.areas.figures import gemeente_figures
    from zicht.areas.policy import default_policy
    from zicht.geo.models import Gemeente

    out = io.StringIO()
    call_command("aggregate", "--gemeente", "GM0855", "--level", "wijk", "--by", "bron", "--jaar", "2024", "--json", stdout=out)
    result = json.loads(out.getvalue())
    page = gemeente_figures(Gemeente.objects.get(code="GM0855"), 2024, default_policy()).table("bron")
    shown = {row.code: [c.display for c in row.cells] + [row.total.display] for row in page.rows}
    for row in result["rows"]:
        wijk = row["key"]["wijk"]
        assert [c["display"] for c in row["cells"].values()] + [row["total"]["display"]] == shown[wijk]
    with pytest.raises(CommandError, match="beschermde publicatieset"):
        call_command("aggregate", "--gemeente", "GM0855", "--level", "wijk", "--by", "month,aard")
    with pytest.raises(CommandError, match="beschermde publicatieset"):
        call_command("aggregate", "--gemeente", "GM0855", "--level", "buurt", "--by", "aard")
