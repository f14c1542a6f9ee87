"""``{% load disclosure %}``: render a controlled cell with its reason (hover and screen reader).

``{{ cell|dc }}`` renders a ``Cell`` from ``zicht.areas.disclosure``; anything else is
refused (rendered as a visible error mark) so that a raw number cannot slip onto a page
through this filter. Every rendered figure carries ``data-dc="<status>"``, which the
"walk every figure page" test checks.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from zicht.areas.disclosure import Cell, words

register = template.Library()


@register.filter(name="dc")
def dc(cell) -> str:
    if not isinstance(cell, Cell):
        return mark_safe('<span class="dc-error" data-dc="error">?</span>')
    reason = words(cell.reason, gettext)
    if cell.suppressed or cell.status == "missing":
        return format_html(
            '<span class="suppressed" data-dc="{}" data-kind="{}" title="{}">{}<span class="visually-hidden"> ({})</span></span>',
            cell.status,
            cell.kind,
            reason,
            cell.display,
            reason,
        )
    return format_html('<span class="dc" data-dc="{}" data-kind="{}" title="{}">{}</span>', cell.status, cell.kind, reason, cell.display)


@register.filter(name="dc_value")
def dc_value(cell):
    """The published value (or None) for charts; never a raw count."""
    return cell.value if isinstance(cell, Cell) else None


@register.simple_tag
def dc_note(policy=None) -> str:
    """The standard explanation under every table of figures."""
    threshold = getattr(policy, "threshold", 10)
    base = getattr(policy, "rounding_base", 5)
    return format_html(
        '<p class="note dc-note">Aantallen zijn afgerond op een veelvoud van {}; aantallen onder de {} '
        "worden getoond als &lt;{}, en × betekent dat een cel is weggelaten zodat een onderdrukt getal niet "
        "via een totaal terug te rekenen is. Totalen zijn afgerond uit het echte totaal en kunnen afwijken "
        "van de som van de afgeronde cellen. Beweeg over een cel voor de reden.</p>",
        base,
        threshold,
        threshold,
    )
