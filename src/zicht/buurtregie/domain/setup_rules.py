"""Who sets up a buurtregie (issue 18), and what a valid set-up is. Pure: no Django.

- The functioneel beheerder creates a buurtregie for a wijk and edits every buurtregie of the
  gemeenten whose reference data they keep (``zicht.access.scoping.editable_gemeente_codes``): its
  schedule, place and members (they manage the accounts and the organisations too).
- The chair (a member with functie ``voorzitter``, for the organisation they work for now) edits
  the schedule and members of their own buurtregie, but does not create new ones.
- Nobody else: another member, a professional who is not a member, beleid, ketenregisseur,
  privacy officer.
- A member is a professional with an organisation; the membership is for that organisation.
  One person is a member once per buurtregie. The last chair cannot be removed while other
  members remain (someone must keep the list up to date, besides the beheerder).
"""

from __future__ import annotations

from zicht.access.roles import FUNCTIONEEL_BEHEERDER, N_, PROFESSIONAL  # pure data, no Django

VOORZITTER = "voorzitter"
MIN_INTERVAL, MAX_INTERVAL = 1, 12


def may_create(role: str | None) -> bool:
    return role == FUNCTIONEEL_BEHEERDER


def may_manage(role: str | None, own_functie: str | None, in_beheer_scope: bool) -> bool:
    """``own_functie``: the user's functie in this buurtregie (None when not a member);
    ``in_beheer_scope``: the buurtregie's wijk lies in a gemeente the user keeps reference data of."""
    return (role == FUNCTIONEEL_BEHEERDER and in_beheer_scope) or (role == PROFESSIONAL and own_functie == VOORZITTER)


def member_errors(role: str | None, has_organisation: bool, already_member: bool) -> list[str]:
    errors = []
    if role != PROFESSIONAL:
        errors.append(N_("Alleen professionals kunnen lid zijn van een buurtregie."))
    elif not has_organisation:
        errors.append(N_("Deze professional heeft geen organisatie; de functioneel beheerder legt die eerst vast."))
    if already_member:
        errors.append(N_("Deze persoon is al lid van deze buurtregie."))
    return errors


def removal_errors(functie: str, chairs: int, members: int) -> list[str]:
    """Removing one member with ``functie`` from a buurtregie with ``chairs`` chairs and ``members`` members."""
    if functie == VOORZITTER and chairs == 1 and members > 1:
        return [N_("Dit is de enige voorzitter: wijs eerst een andere voorzitter aan of verwijder de andere leden.")]
    return []


def schedule_errors(interval_weken: int) -> list[str]:
    if not MIN_INTERVAL <= interval_weken <= MAX_INTERVAL:
        return [f"Kies een interval van {MIN_INTERVAL} tot {MAX_INTERVAL} weken."]
    return []
