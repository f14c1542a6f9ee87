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
    call_command("aggregate", "--gemeente", "GM0855", "--level", "wijk", "--by", "month,aard", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["row_dimensions"] == ["wijk", "month"] and "kindermishandeling" in result["columns"]
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
