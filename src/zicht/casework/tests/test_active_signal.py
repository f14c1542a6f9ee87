"""The one active-signal rule, three ways: ``domain.stacking.is_active`` (pure),
``Signal.objects.active(today)`` (ORM) and ``Signal.active_sql`` (the address page's SQL).
One table of cases; all three must agree on every row, the expiry day included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from zicht.casework.domain.stacking import SignalFact, StackingRules, is_active, status
from zicht.casework.models import Signal

from . import factories as fx

TODAY = date(2026, 6, 15)
D = timedelta(days=1)

# (case, datum, expires_on, withdrawn_on, active, status)
CASES = [
    ("registered today", TODAY, TODAY + 700 * D, None, True, "actief"),
    ("registered earlier", TODAY - 100 * D, TODAY + 100 * D, None, True, "actief"),
    ("last active day", TODAY - 730 * D, TODAY + D, None, True, "actief"),
    ("expiry day itself", TODAY - 730 * D, TODAY, None, False, "verlopen"),
    ("expired yesterday", TODAY - 731 * D, TODAY - D, None, False, "verlopen"),
    ("registered tomorrow", TODAY + D, TODAY + 730 * D, None, False, "verlopen"),
    ("withdrawn today", TODAY - 10 * D, TODAY + 700 * D, TODAY, False, "ingetrokken"),
    ("withdrawn yesterday", TODAY - 10 * D, TODAY + 700 * D, TODAY - D, False, "ingetrokken"),
    ("withdrawal dated tomorrow", TODAY - 10 * D, TODAY + 700 * D, TODAY + D, True, "ingetrokken"),
    ("withdrawn and expired", TODAY - 800 * D, TODAY - 70 * D, TODAY - 80 * D, False, "ingetrokken"),
]


@pytest.mark.parametrize("case, datum, expires_on, withdrawn_on, active, word", CASES, ids=[c[0] for c in CASES])
def test_the_domain_rule(case, datum, expires_on, withdrawn_on, active, word):
    fact = SignalFact(1, 1, datum, withdrawn_on=withdrawn_on, expires_on=expires_on)
    assert is_active(fact, TODAY, StackingRules()) is active
    assert status(fact, TODAY, StackingRules()) == word


@pytest.mark.django_db
def test_queryset_and_sql_agree_with_the_domain_rule():
    org = fx.organisation("wijkteam", "wijkteam")
    expected = {}
    for case, datum, expires_on, withdrawn_on, active, word in CASES:
        signal = Signal.objects.create(
            organisation=org,
            contact_naam="C",
            contact_telefoon="0",
            datum=datum,
            expires_on=expires_on,
            withdrawn_on=withdrawn_on,
            person=fx.person(org),
        )
        expected[signal.pk] = (case, active, word)
    by_domain = {pk for pk in expected if Signal.objects.get(pk=pk).is_active(TODAY, StackingRules())}
    by_queryset = set(Signal.objects.active(TODAY).values_list("pk", flat=True))
    where, params = Signal.active_sql("s", TODAY)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.id FROM {Signal._meta.db_table} s WHERE {where}", params)
        by_sql = {row[0] for row in cursor.fetchall()}
    wanted = {pk for pk, (_, active, _) in expected.items() if active}
    assert by_domain == wanted
    assert by_queryset == wanted, sorted(expected[pk][0] for pk in by_queryset ^ wanted)
    assert by_sql == wanted, sorted(expected[pk][0] for pk in by_sql ^ wanted)
    assert {pk: Signal.objects.get(pk=pk).status(TODAY, StackingRules()) for pk in expected} == {
        pk: w for pk, (_, _, w) in expected.items()
    }


@pytest.mark.django_db
def test_linkage_counts_a_signal_as_urgent_only_while_it_is_active(monkeypatch):
    """The linkage review queue's 'active signal' is the same rule: not on the expiry day."""
    from django.utils import timezone

    from zicht.linkage.models import LinkedPerson, PersonLink
    from zicht.linkage.services import _hot_linked_persons

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    org = fx.organisation("wijkteam", "wijkteam")
    person = fx.person(org)
    lp = LinkedPerson.objects.create()
    PersonLink.objects.create(person=person, linked_person=lp, method="single")
    signal = Signal.objects.create(
        organisation=org, contact_naam="C", contact_telefoon="0", datum=TODAY - 730 * D, expires_on=TODAY + D, person=person
    )
    assert lp.pk in _hot_linked_persons({lp.pk})
    Signal.objects.filter(pk=signal.pk).update(expires_on=TODAY)  # the expiry day itself
    assert lp.pk not in _hot_linked_persons({lp.pk})
