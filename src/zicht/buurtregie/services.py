"""Building a buurtregie's agenda from the verwijsindex, and recording weighings, actions and notes.

The agenda is match-only: for each item the organisations involved and whom to call there
(``casework.verwijsindex.registration.contact_of``, the same contacts the verwijsindex shows to
matched professionals), never a name, category or other content of a signal. A member whose own
organisation has a signal in the match gets a link to that signal, which the verwijsindex's own
page (own organisation only) shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext

from zicht.access.rules import user_organisation
from zicht.casework.verwijsindex.models import Signal, SignalMatch
from zicht.casework.verwijsindex.registration import contact_of

from .domain import rules
from .models import Action, Buurtregie, Member, Note, Weighing


def membership(user, regie_id: int) -> Member | None:
    """The user's membership of this buurtregie, for the organisation the user works for now."""
    org = user_organisation(user)
    if org is None:
        return None
    return Member.objects.select_related("regie__wijk", "organisation").filter(regie_id=regie_id, user=user, organisation=org).first()


def memberships(user):
    org = user_organisation(user)
    if org is None:
        return Member.objects.none()
    return Member.objects.filter(user=user, organisation=org).select_related("regie__wijk")


@dataclass
class AgendaItem:
    match: SignalMatch
    number: int
    organisation_ids: frozenset[int]
    contacts: list[dict]
    own_signal_ids: list[int]
    last: Weighing | None = None
    history: list[Weighing] = field(default_factory=list)


def _facts(regie: Buurtregie, today: date):
    """(fact, match, active signals) for every active match with a signal about someone in the wijk."""
    active = Signal.objects.active(today).select_related("organisation", "person__address__buurt")
    matches = (
        SignalMatch.objects.filter(ended_at__isnull=True, signals__person__address__buurt__wijk_id=regie.wijk_id)
        .distinct()
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("signals", queryset=active, to_attr="active_signals"))
    )
    for match in matches:
        signals = match.active_signals
        wijken = frozenset(s.person.address.buurt.wijk_id for s in signals if s.person.address_id and s.person.address.buurt_id)
        fact = rules.MatchFact(match.pk, match.ended_at is None, frozenset(s.organisation_id for s in signals), wijken)
        yield fact, match, signals


def agenda(regie: Buurtregie, viewer_organisation_id: int, today: date, *, include_weighed: bool = False) -> list[AgendaItem]:
    """The items of this buurtregie's agenda (``rules.enters_agenda`` and ``rules.stays_on_agenda``)."""
    member_orgs = set(regie.members.values_list("organisation_id", flat=True))
    weighings: dict[int, list[Weighing]] = {}
    for w in Weighing.objects.filter(regie=regie).select_related("weighed_by").prefetch_related("actions__owner__organisation"):
        weighings.setdefault(w.match_id, []).append(w)
    items = []
    for fact, match, signals in _facts(regie, today):
        if not rules.enters_agenda(fact, regie.wijk_id, member_orgs):
            continue
        history = weighings.get(match.pk, [])
        last = history[0] if history else None
        on = rules.stays_on_agenda(last.uitkomst if last else None, last.organisations if last else (), fact.organisation_ids)
        if not on and not include_weighed:
            continue
        contacts, seen = [], set()
        for s in signals:
            key = (s.organisation_id, s.contact_naam, s.contact_telefoon)
            if key not in seen:
                seen.add(key)
                contacts.append(contact_of(s, match))
        items.append(
            AgendaItem(
                match=match,
                number=match.pk,
                organisation_ids=fact.organisation_ids,
                contacts=sorted(contacts, key=lambda c: c["organisatie"]),
                own_signal_ids=[s.pk for s in signals if s.organisation_id == viewer_organisation_id],
                last=last,
                history=history,
            )
        )
    return items


def agenda_item(regie: Buurtregie, match_id: int, viewer_organisation_id: int, today: date) -> AgendaItem | None:
    """One item of the agenda (weighed ones included), or None when the match is not this buurtregie's."""
    for item in agenda(regie, viewer_organisation_id, today, include_weighed=True):
        if item.match.pk == match_id:
            return item
    return None


@transaction.atomic
def weigh(regie: Buurtregie, item: AgendaItem, *, user, meeting: date, outcome: str, reason: str, action: dict | None) -> Weighing:
    """Record the meeting's weighing and (optionally) the action agreed with it."""
    errors = rules.weighing_errors(outcome, reason, bool(action))
    if errors:
        raise ValidationError([gettext(e) % {"n": rules.MIN_REASON} for e in errors])
    weighing = Weighing.objects.create(
        regie=regie,
        match=item.match,
        bijeenkomst=meeting,
        uitkomst=outcome,
        reden=reason.strip(),
        organisations=sorted(item.organisation_ids),
        weighed_by=user,
    )
    if action:
        add_action(regie, weighing=weighing, user=user, **action)
    return weighing


def add_action(regie: Buurtregie, *, weighing: Weighing | None, user, omschrijving: str, owner: Member, due_on: date) -> Action:
    if owner.regie_id != regie.pk:
        raise ValidationError(gettext("De eigenaar van een actie is lid van deze buurtregie."))
    return Action.objects.create(
        regie=regie, weighing=weighing, omschrijving=omschrijving.strip(), owner=owner, due_on=due_on, created_by=user
    )


def readable_notes(regie: Buurtregie, reader_organisation_id: int):
    """The notes ``rules.may_read_note`` lets this organisation read (filtered in SQL, checked per row)."""
    notes = Note.objects.filter(regie=regie, organisation_id=reader_organisation_id).select_related("author")
    return [n for n in notes if rules.may_read_note(n.organisation_id, reader_organisation_id)]


def overdue_actions(today: date, *, user=None, regie: Buurtregie | None = None):
    """Open actions past their due date (``rules.is_overdue``), of one owner or one buurtregie."""
    qs = Action.objects.filter(done_on__isnull=True, due_on__lt=today).select_related("owner__user", "owner__organisation", "regie")
    if user is not None:
        qs = qs.filter(owner__user=user)
    if regie is not None:
        qs = qs.filter(regie=regie)
    return [a for a in qs if rules.is_overdue(a.due_on, a.done_on, today)]
