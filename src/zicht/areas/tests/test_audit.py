"""The differencing attacker (``zicht disclosure-audit``): worked examples, the command, a property test."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.django_db
def test_audit_command_passes_on_the_fixture_registry(tilburg_reports):
    from zicht.areas.publication import collect
    from zicht.areas.policy import default_policy
    from zicht.geo.models import Gemeente
    t = time.monotonic()
    collect(Gemeente.objects.get(code="GM0855"), default_policy())
    print("collect", time.monotonic() - t, flush=True)
    out = io.StringIO()
    try:
        call_command("disclosure-audit", "--gemeente", "GM0855", "--json", stdout=out)
    except CommandError:
        pass
    result = json.loads(out.getvalue())
    print([c for c in result["cellen"] if not c["beschermd"]], flush=True)
    print({k: v for k, v in result.items() if k != "cellen"})
    print(sorted(result["cellen"], key=lambda c: c["breedte"] - c["vereist"])[:5])
    assert result["oordeel"] == "ok" and result["lekken"] == 0 and not result["fouten"]
    assert result["onderdrukte_cellen"] > 20
