"""Stored colour results: recolour keeps history, explain prints the reasons, stats count per area."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zicht.access.models import AccessLogEntry
from zicht.casework.colour.services import current_result, recolour
from zicht.casework.management.commands.explain import parse_address
from zicht.casework.models import ColourResult, Hulptraject, WorklistItem
from zicht.casework.rulesets import PACKAGE_RULES
from zicht.casework.stats import addresses_by_colour

from . import factories as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_address():
    politie = fx.organisation("politie", "politie")
    addr = fx.address()
    today = timezone.localdate()
    victim = fx.person(politie, address_=addr)
    fx.report(politie, addr, today - timedelta(days=20), parties=[(victim, "slachtoffer")], vormen=["lichamelijk"])
    return addr


def test_recolour_and_explain(red_address):
    out = StringIO()
    call_command("recolour", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["address"]["evaluated"] == 1 and stats["address"]["changed"] == 1
    out = StringIO()
    call_command("explain", "5021 AB 12", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["colour"] == "rood"
    assert data["reasons"][0]["rule"] == "R1-zwaar-geweld"
    assert data["reasons"][0]["dates"] == [(timezone.localdate() - timedelta(days=20)).isoformat()]
    assert AccessLogEntry.objects.filter(record_type="address", record_id=str(red_address.pk), reason__contains="explain").exists()
    text = StringIO()
    call_command("explain", "5021ab12", stdout=text)
    assert "ROOD" in text.getvalue() and "Jansen" not in text.getvalue()


def test_explain_unknown_address():
    with pytest.raises(CommandError):
        call_command("explain", "9999 ZZ 1")
    with pytest.raises(CommandError):
        call_command("explain", "Heuvelstraat")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5021 AB 12", ("5021AB", 12, "")),
        ("5021ab 12-a", ("5021AB", 12, "A")),
        ("5021AB, 12", ("5021AB", 12, "")),
        ("5021 AB 12 bis", ("5021AB", 12, "BIS")),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


def test_unchanged_result_is_not_duplicated_and_new_version_keeps_history(red_address, tmp_path, monkeypatch):
    recolour("address", [red_address.pk])
    recolour("address", [red_address.pk])
    assert ColourResult.objects.filter(address=red_address).count() == 1
    # a new rule-set version in a configured directory: everything recolours, the old result stays
    for path in PACKAGE_RULES.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (PACKAGE_RULES / "kleurcode-2026.1.toml").read_text(encoding="utf-8")
    text = text.replace('version = "2026.1"', 'version = "2026.2"').replace("valid_from = 2026-01-01", "valid_from = 2026-02-01")
    (tmp_path / "kleurcode-2026.2.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ZICHT_CASEWORK_RULES_DIR", str(tmp_path))
    call_command("recolour", stdout=StringIO())
    rows = list(ColourResult.objects.filter(address=red_address).order_by("evaluated_at", "id"))
    assert [(r.ruleset_version, r.is_current) for r in rows] == [("2026.1", False), ("2026.2", True)]
    assert rows[0].superseded_at is not None


def test_help_trajectory_turns_a_new_report_into_recidive():
    vt = fx.organisation("vt", "veilig_thuis")
    addr = fx.address(huisnummer=14)
    today = timezone.localdate()
    rep = fx.report(vt, addr, today - timedelta(days=10), soort="melding", vormen=["psychisch"])
    Hulptraject.objects.create(
        address=addr,
        organisation=vt,
        soort="wijkteam",
        start=today - timedelta(days=300),
        einde=today - timedelta(days=40),
        uitkomst="doelen_bereikt",
    )
    result = current_result("address", addr.pk)
    assert result.colour == "oranje"
    assert "O2-recidive-na-hulp" in result.rule_ids
    item = WorklistItem.objects.get(kind="recidive", address=addr)
    assert item.trigger_report_id == rep.pk and item.evidence["hulptraject"]


def test_current_result_refreshes_after_a_new_report(red_address):
    first = current_result("address", red_address.pk)
    politie = fx.organisation("politie", "politie")
    today = timezone.localdate()
    for days in (100, 50):
        fx.report(politie, red_address, today - timedelta(days=days))
    second = current_result("address", red_address.pk)
    assert second.pk != first.pk and "R2-escalatie" in second.rule_ids


def test_addresses_by_colour(red_address):
    vt = fx.organisation("vt", "veilig_thuis")
    other = fx.address(huisnummer=30)
    fx.report(vt, other, timezone.localdate() - timedelta(days=900), soort="melding")
    recolour("address", [red_address.pk, other.pk])
    assert addresses_by_colour("wijk") == {"WK085501": {"groen": 1, "geel": 0, "oranje": 0, "rood": 1}}
    assert addresses_by_colour("buurt", "BU08550101")["BU08550101"]["rood"] == 1
    assert addresses_by_colour("gemeente")["GM0855"]["groen"] == 1
    with pytest.raises(ValueError):
        addresses_by_colour("provincie")
