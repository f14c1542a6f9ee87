"""The main menu, filtered by role: a role never sees a link it cannot open.

A registry, so the foundation does not know the capabilities above it: each app registers its own
entries in its ``AppConfig.ready()`` (``register("casework:colour_list", "Adressen", {...}, order=10)``);
an app that is not installed has no entries. Roles are plain strings here (``zicht.access.roles``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    roles: frozenset[str]
    order: int


_ENTRIES: dict[str, MenuEntry] = {}


def register(url_name: str, label: str, roles, order: int) -> None:
    """Add (or replace: ``ready()`` may run twice in tests) the entry for ``url_name``."""
    _ENTRIES[url_name] = MenuEntry(url_name, label, frozenset(roles), order)


def entries() -> list[MenuEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))


def menu_for(role: str | None, current_path: str) -> list[dict]:
    items = []
    for entry in entries():
        if role not in entry.roles:
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": gettext(entry.label), "active": active})
    return items
