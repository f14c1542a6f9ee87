"""``{% knowledge_for_role %}``: the signed-in role's knowledge cards, for the home page.

Usage in any template: ``{% load knowledge %}{% knowledge_for_role %}``. The functioneel beheerder
also sees which pages are past their review date.
"""

from __future__ import annotations

import datetime as dt

from django import template

from zicht.access import roles
from zicht.access.rules import user_role

register = template.Library()


@register.inclusion_tag("knowledge/_cards.html", takes_context=True)
def knowledge_for_role(context, heading_level: int = 2):
    from ..models import KnowledgePage

    request = context.get("request")
    role = user_role(request.user) if request is not None else None
    pages = list(KnowledgePage.objects.all()) if role else []
    today = dt.date.today()
    return {
        "pages": [p for p in pages if p.is_for_role(role)],
        "overdue": [p for p in pages if p.is_overdue(today)] if role == roles.FUNCTIONEEL_BEHEERDER else [],
        "role": role,
        "h": max(2, min(5, int(heading_level))),
    }
