"""The menu registry: each app registers its own entries; a role sees only its own, in order."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core import menu


def test_every_installed_app_registered_its_entries_in_order():
    names = [entry.url_name for entry in menu.entries()]
    assert names == [
        "home",
        "casework:colour_list",
        "casework:worklists",
        "linkage:review_queue",
        "casework:signal_list",
        "casework:meldcode_list",
        "buurtregie:index",
        "areas:gemeente",
        "areas:own_region",
        "prevention:index",
        "registry:imports",
        "areas:regions_manage",
        "buurtregie:setup",
        "knowledge:index",
        "access:accesslog",
    ]


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        (roles.PROFESSIONAL, ["Overzicht", "Signalen", "Meldcode", "Buurtregie", "Kennis"]),
        (roles.BELEIDSMEDEWERKER, ["Overzicht", "Gebiedscan", "Regio", "Preventie", "Kennis"]),
        (roles.PRIVACY_OFFICER, ["Overzicht", "Kennis", "Toegangslog"]),
        (roles.FUNCTIONEEL_BEHEERDER, ["Overzicht", "Preventie", "Imports", "Regio-indeling", "Buurtregies instellen", "Kennis"]),
        (None, []),
    ],
)
def test_a_role_sees_only_its_entries(role, labels):
    assert [item["label"] for item in menu.menu_for(role, "/")] == labels


def test_the_current_page_marks_its_entry_active():
    items = {item["label"]: item["active"] for item in menu.menu_for(roles.BELEIDSMEDEWERKER, "/gebied/GM0855/")}
    assert items == {"Overzicht": False, "Gebiedscan": True, "Regio": False, "Preventie": False, "Kennis": False}


def test_registering_again_replaces_the_entry(monkeypatch):
    monkeypatch.setattr(menu, "_ENTRIES", {})
    menu.register("home", "Start", {roles.PROFESSIONAL}, order=0)
    menu.register("home", "Overzicht", {roles.PROFESSIONAL}, order=0)
    assert [item["label"] for item in menu.menu_for(roles.PROFESSIONAL, "/")] == ["Overzicht"]
