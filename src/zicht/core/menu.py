"""The main menu, filtered by role: a role never sees a link it cannot open."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from zicht.access import roles as r

# (url name, label, roles)
MENU = [
    ("home", "Overzicht", r.ALL_ROLES),
    ("casework:colour_list", "Adressen", {r.KETENREGISSEUR}),
    ("casework:worklists", "Werklijsten", {r.KETENREGISSEUR}),
    ("linkage:review_queue", "Koppelingen", {r.KETENREGISSEUR}),
    ("casework:signal_list", "Signalen", {r.PROFESSIONAL, r.KETENREGISSEUR}),
    ("casework:meldcode_list", "Meldcode", {r.PROFESSIONAL}),
    ("areas:gemeente", "Gebiedscan", {r.BELEIDSMEDEWERKER, r.KETENREGISSEUR}),
    ("prevention:index", "Preventie", {r.BELEIDSMEDEWERKER, r.KETENREGISSEUR, r.FUNCTIONEEL_BEHEERDER}),
    ("registry:imports", "Imports", {r.KETENREGISSEUR, r.FUNCTIONEEL_BEHEERDER}),
    ("access:accesslog", "Toegangslog", {r.PRIVACY_OFFICER}),
    ("knowledge:index", "Kennis", r.ALL_ROLES),
]


def menu_for(role: str | None, current_path: str) -> list[dict]:
    items = []
    for name, label, allowed in MENU:
        if role not in allowed:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # capability not installed in this build
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items
