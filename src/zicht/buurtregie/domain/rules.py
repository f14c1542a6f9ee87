"""Buurtregie rules (seed 003: "een plek waar signalen samenkomen en gewogen kunnen worden").

Pure: no Django. Each rule has a table test in ``tests/test_rules.py``.

- Which matches enter a buurtregie's agenda: an active verwijsindex match whose signals concern
  someone in the buurtregie's wijk, and in which at least one member organisation is involved
  (a buurtregie only weighs what its own members have signalled).
- An item leaves the agenda once weighed (no action, Meldcode, case conference), stays while it is
  watched, and comes back when the set of involved organisations has changed since the weighing.
- Each weighing has a reason; a Meldcode or case-conference outcome needs an agreed action
  (who does what, by when).
- Minutes: a note belongs to its writer's organisation and is read by that organisation only;
  the weighings and actions are the shared decisions every member reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zicht.access.roles import N_

GEEN_ACTIE, VOLGEN, MELDCODE, CASUSOVERLEG = "geen_actie", "volgen", "meldcode", "casusoverleg"
OUTCOMES = [
    (GEEN_ACTIE, N_("Geen actie")),
    (VOLGEN, N_("Volgen (blijft op de agenda)")),
    (MELDCODE, N_("Meldcode: een betrokken professional zet de stappen van de Meldcode")),
    (CASUSOVERLEG, N_("Casusoverleg organiseren")),
]
OUTCOME_LABELS = dict(OUTCOMES)
# Outcomes that only mean something with an agreed action: who starts the Meldcode, who convenes.
NEEDS_ACTION = frozenset({MELDCODE, CASUSOVERLEG})
MIN_REASON = 10

FUNCTIONS = [
    ("wijkagent", N_("Wijkagent")),
    ("wijkcoach", N_("Wijkcoach / sociaal werker")),
    ("school", N_("School (intern begeleider, zorgcoördinator)")),
    ("huismeester", N_("Huismeester / woningcorporatie")),
    ("ggd", N_("GGD / jeugdgezondheidszorg")),
    ("voorzitter", N_("Voorzitter")),
]


@dataclass(frozen=True)
class MatchFact:
    """A verwijsindex match as the agenda rule sees it: no names, no content."""

    match_id: int
    active: bool
    organisation_ids: frozenset[int]  # organisations with an active signal in the match
    wijk_ids: frozenset[int]  # wijken of the addresses of the signals' persons


def enters_agenda(match: MatchFact, wijk_id: int, member_organisation_ids) -> bool:
    """An active match about someone in this wijk, with at least one member organisation involved."""
    return (
        match.active
        and len(match.organisation_ids) >= 2
        and wijk_id in match.wijk_ids
        and bool(match.organisation_ids & frozenset(member_organisation_ids))
    )


def stays_on_agenda(last_outcome: str | None, organisations_at_weighing, organisations_now) -> bool:
    """Not yet weighed, or watched: on the agenda. Otherwise only when another organisation joined
    or left since the weighing (the situation changed, so the meeting weighs it again)."""
    if last_outcome is None or last_outcome == VOLGEN:
        return True
    return frozenset(organisations_at_weighing) != frozenset(organisations_now)


def weighing_errors(outcome: str, reason: str, has_action: bool) -> list[str]:
    """What is missing for a weighing to be recorded (empty list: it may be recorded)."""
    errors = []
    if outcome not in OUTCOME_LABELS:
        errors.append(N_("Kies een uitkomst van de weging."))
    if len((reason or "").strip()) < MIN_REASON:
        errors.append(N_("Geef de reden van de weging (ten minste %(n)s tekens)."))  # n: MIN_REASON, filled in where shown
    if outcome in NEEDS_ACTION and not has_action:
        errors.append(N_("Spreek bij deze uitkomst een actie af: wie doet wat, en wanneer."))
    return errors


def may_read_note(note_organisation_id: int | None, reader_organisation_id: int | None) -> bool:
    """A note is read only by the organisation that wrote it (minutes hold no other organisation's content)."""
    return note_organisation_id is not None and note_organisation_id == reader_organisation_id


def is_overdue(due_on: date, done_on: date | None, today: date) -> bool:
    """An agreed action not done by its due date (the due date itself still counts as in time)."""
    return done_on is None and due_on < today


def next_meeting(first: date, interval_weeks: int, today: date) -> date:
    """The first meeting on or after ``today`` in the series first, first + interval, ..."""
    if interval_weeks < 1:
        raise ValueError("interval_weeks must be at least 1")
    if today <= first:
        return first
    step = 7 * interval_weeks
    periods = -(-(today - first).days // step)  # ceiling division
    return first + timedelta(days=periods * step)


def upcoming_meetings(first: date, interval_weeks: int, today: date, count: int = 4) -> list[date]:
    start = next_meeting(first, interval_weeks, today)
    return [start + timedelta(weeks=interval_weeks * i) for i in range(count)]
