"""Which linked persons' review decisions come first: casework's answer to ``linkage.hooks``.

Why here: the rule names casework's own models (colour code, signals); linkage sits below casework
and only asks, through the hook that ``CaseworkConfig.ready()`` registers.
"""

from __future__ import annotations

from django.utils import timezone

from zicht.linkage.models import HouseholdMember, PersonLink

from .models import ColourResult, Signal


def urgent_linked_persons(among: set[int] | None = None) -> set[int]:
    """Linked persons (of ``among``, or all) reported at an address whose current colour code is
    oranje or rood, members of a household coloured so, or the subject of an active signal."""
    current = ColourResult.objects.filter(is_current=True, colour_rank__gte=2)
    active = Signal.objects.active(timezone.localdate())
    links = PersonLink.objects.all() if among is None else PersonLink.objects.filter(linked_person_id__in=among)
    members = HouseholdMember.objects.all() if among is None else HouseholdMember.objects.filter(linked_person_id__in=among)
    hot = set(
        links.filter(person__address_id__in=current.filter(address__isnull=False).values("address_id")).values_list(
            "linked_person_id", flat=True
        )
    )
    hot |= set(
        members.filter(household_id__in=current.filter(household__isnull=False).values("household_id")).values_list(
            "linked_person_id", flat=True
        )
    )
    hot |= set(links.filter(person_id__in=active.values("person_id")).values_list("linked_person_id", flat=True))
    return hot
