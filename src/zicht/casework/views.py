"""The one casework page that belongs to no single part: the rule sets in force (colour code and
signal stacking). The pages themselves are in ``colour/``, ``verwijsindex/`` and ``meldcode/``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render

from zicht.access.roles import FUNCTIONEEL_BEHEERDER, KETENREGISSEUR, PRIVACY_OFFICER
from zicht.access.rules import requires
from zicht.core.i18n import translated

from .domain.colour import COLOUR_LABELS
from .models import ColourResult
from .rulesets import all_rulesets, current_ruleset, stacking_rules


@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER, PRIVACY_OFFICER)
def rules(request):
    current = current_ruleset()
    versions = (
        ColourResult.objects.values("ruleset_version")
        .annotate(total=Count("id"), current=Count("id", filter=Q(is_current=True)))
        .order_by("ruleset_version")
    )
    return render(
        request,
        "casework/rules.html",
        {
            "current": current,
            "rulesets": all_rulesets(),
            "versions": versions,
            "stacking": stacking_rules(),
            "colour_labels": translated(COLOUR_LABELS),
        },
    )
