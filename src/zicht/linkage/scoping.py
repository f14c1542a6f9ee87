"""Scoping of the linkage models: the queries behind ``zicht.access.scoping``'s helpers.

Registered in LinkageConfig.ready(); views keep using ``zicht.access.scoping``.
"""

from __future__ import annotations

from zicht.access.scoping import visible_persons

from .models import Household, LinkedPerson


def visible_linked_persons(user, qs=None):
    qs = LinkedPerson.objects.all() if qs is None else qs
    persons = visible_persons(user).values("pk")
    return qs.filter(links__person__in=persons).distinct()


def visible_households(user, qs=None):
    qs = Household.objects.all() if qs is None else qs
    members = visible_linked_persons(user).values("pk")
    return qs.filter(members__linked_person__in=members).distinct()


VISIBILITY = {
    "linkage.linkedperson": visible_linked_persons,
    "linkage.household": visible_households,
}
