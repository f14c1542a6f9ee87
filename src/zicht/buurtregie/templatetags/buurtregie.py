"""``{% buurtregie_reminders %}``: on the home page, a member's overdue buurtregie actions.

Usage: ``{% load buurtregie %}{% buurtregie_reminders %}``. Shows the number per buurtregie and a
link to its agenda (never an action's text); nothing for non-members and other roles.
"""

from __future__ import annotations

from collections import Counter

from django import template
from django.utils import timezone

from zicht.access.roles import PROFESSIONAL
from zicht.access.rules import user_role

from ..services import overdue_actions

register = template.Library()


@register.inclusion_tag("buurtregie/_reminders.html", takes_context=True)
def buurtregie_reminders(context):
    request = context.get("request")
    if request is None or user_role(request.user) != PROFESSIONAL:
        return {"rows": []}
    actions = overdue_actions(timezone.localdate(), user=request.user)
    counts = Counter((a.regie_id, a.regie.naam) for a in actions)
    return {"rows": [{"regie_id": pk, "naam": naam, "count": n} for (pk, naam), n in sorted(counts.items(), key=lambda kv: kv[0][1])]}
