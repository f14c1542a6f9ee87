"""Template tags for the safe UI: names are hidden on lists by default.

``{% load privacy %}{% masked person.achternaam %}`` renders the value blurred (class
``masked``) with a button that reveals it (``data-reveal``, handled by zicht.js). Without
JavaScript the value stays blurred on screen but is still reachable for screen readers and
copy-free; the reveal is per value, never for the whole list at once.

``{% masked value label="geboortedatum" %}`` names what is revealed for screen readers.
"""

from __future__ import annotations

import itertools

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()
_counter = itertools.count(1)


@register.simple_tag
def masked(value, label: str = "naam"):  # label: a word of the catalogue (naam, geboortedatum)
    if value in (None, ""):
        return ""
    ident = f"masked-{next(_counter)}"
    return format_html(
        '<span class="masked" id="{}">{}</span> '
        '<button type="button" class="button button--subtle button--small reveal" data-reveal="{}" aria-pressed="false" aria-controls="{}">'
        '{}<span class="visually-hidden"> {}</span></button>',
        ident,
        value,
        ident,
        ident,
        gettext("Toon"),
        gettext(label),
    )
