"""Setting up a buurtregie (issue 18): create one for a wijk, edit its schedule, add and remove
members; and the demo's buurtregie in Korvel. The rules are in ``domain.setup_rules``; every
change is logged by the views (``log_access``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from zicht.access.rules import user_organisation, user_role
from zicht.access.scoping import editable_gemeente_codes
from zicht.geo.models import Wijk
from zicht.registry.models import Organisation

from .domain import setup_rules
from .models import Buurtregie, Member

DEMO_WIJK = "WK085517"  # Korvel, Tilburg


def own_functie(user, regie: Buurtregie) -> str | None:
    """The user's functie in ``regie`` for the organisation they work for now (None: not a member)."""
    org = user_organisation(user)
    if org is None:
        return None
    return Member.objects.filter(regie=regie, user=user, organisation=org).values_list("functie", flat=True).first()


def may_manage(user, regie: Buurtregie) -> bool:
    role = user_role(user)
    functie = own_functie(user, regie) if role == setup_rules.PROFESSIONAL else None
    in_scope = role == setup_rules.FUNCTIONEEL_BEHEERDER and regie.wijk.gemeente_id in editable_gemeente_codes(user)
    return setup_rules.may_manage(role, functie, in_scope)


def manageable(user):
    """The buurtregies this user may set up: all for the beheerder, the chaired ones for a chair."""
    role = user_role(user)
    qs = Buurtregie.objects.select_related("wijk", "organisation")
    if role == setup_rules.FUNCTIONEEL_BEHEERDER:
        return qs.filter(wijk__gemeente_id__in=editable_gemeente_codes(user))
    org = user_organisation(user)
    if role != setup_rules.PROFESSIONAL or org is None:
        return qs.none()
    return qs.filter(members__user=user, members__organisation=org, members__functie=setup_rules.VOORZITTER).distinct()


def add_member(regie: Buurtregie, user, functie: str) -> Member:
    org = user_organisation(user)
    errors = setup_rules.member_errors(user_role(user), org is not None, Member.objects.filter(regie=regie, user=user).exists())
    if errors:
        raise ValidationError([gettext(e) for e in errors])
    return Member.objects.create(regie=regie, user=user, organisation=org, functie=functie)


@transaction.atomic
def remove_member(member: Member) -> None:
    regie = Buurtregie.objects.select_for_update().get(pk=member.regie_id)
    chairs = regie.members.filter(functie=setup_rules.VOORZITTER).count()
    errors = setup_rules.removal_errors(member.functie, chairs, regie.members.count())
    if errors:
        raise ValidationError([gettext(e) for e in errors])
    if member.actions.exists():
        raise ValidationError([gettext("Dit lid is eigenaar van afgesproken acties; draag die eerst over of rond ze af.")])
    member.delete()


def demo_buurtregie(today: date | None = None) -> Buurtregie | None:
    """The demo's buurtregie in Korvel (Tilburg) with the demo school and wijkteam as members; the
    beheerder keeps its list of members. Idempotent; None when the demo's wijk or accounts are missing."""
    wijk = Wijk.objects.filter(code=DEMO_WIJK).first()
    wijkteam = Organisation.objects.filter(code="wijkteam").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["school", "wijkteam"])}
    if wijk is None or wijkteam is None or len(users) < 2:
        return None
    today = today or date.today()
    regie, _ = Buurtregie.objects.get_or_create(
        naam="Buurtregie Korvel",
        wijk=wijk,
        defaults={
            "organisation": wijkteam,
            "eerste_bijeenkomst": today - timedelta(days=today.weekday()) + timedelta(days=1),  # Tuesdays
            "interval_weken": 2,
            "locatie": "Wijkcentrum Korvel (demo)",
        },
    )
    for username, functie in (("wijkteam", "wijkcoach"), ("school", "school")):
        if not regie.members.filter(user=users[username]).exists():
            add_member(regie, users[username], functie)
    return regie
