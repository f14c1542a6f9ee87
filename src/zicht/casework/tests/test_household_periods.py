"""A household's reports are its members' reports within their membership of it (issue 13): a
person is in several households over time, and each report counts for the household of its date."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.casework.colour.services import household_report_ids
from zicht.linkage.models import HouseholdMember, LinkedPerson, PersonLink
from zicht.linkage.services import rebuild_households

from . import factories as fx

pytestmark = pytest.mark.django_db


def test_a_movers_reports_count_for_the_household_of_their_date():
    """W lives with X at 10 (2021), leaves for her mother M at 20 (2022), lives with Y at 30 (2024);
    she is reported once more from the street (no household role at a household address) in 2024."""
    politie = fx.organisation("politie", "politie")
    a10, a20, a30 = fx.address("5021AB", 10), fx.address("5021AB", 20), fx.address("5021AB", 30)
    w, x, m, y = (fx.person(politie, voornamen=n) for n in ("Wilma", "Xander", "Maria", "Yusuf"))
    for p in (w, x, m, y):
        PersonLink.objects.create(person=p, linked_person=LinkedPerson.objects.create(), method="single")
    r1 = fx.report(politie, a10, date(2021, 3, 1), parties=[(w, "slachtoffer"), (x, "pleger")])
    r2 = fx.report(politie, a20, date(2022, 6, 1), parties=[(w, "slachtoffer"), (m, "pleger")])
    r3 = fx.report(politie, a30, date(2024, 2, 1), parties=[(w, "slachtoffer"), (y, "pleger")])
    r4 = fx.report(politie, None, date(2024, 5, 1), parties=[(w, "betrokkene")])
    x_later = fx.report(politie, a10, date(2024, 8, 1), parties=[(x, "pleger")])  # X, still at 10
    rebuild_households()
    lp = {p.pk: p.link.linked_person_id for p in (w, x, m, y)}
    hh_of = {}
    for member in HouseholdMember.objects.all():
        hh_of.setdefault(member.linked_person_id, set()).add(member.household_id)
    assert len(hh_of[lp[w.pk]]) == 3
    (with_x,) = hh_of[lp[x.pk]]
    (with_m,) = hh_of[lp[m.pk]]
    (with_y,) = hh_of[lp[y.pk]]
    reports = household_report_ids([with_x, with_m, with_y])
    # each household: its own reports; the day W moves, the report showing it counts for both ends
    assert HouseholdMember.objects.get(linked_person_id=lp[w.pk], household_id=with_x).until == r2.datum
    assert reports[with_x] == {r1.pk, r2.pk, x_later.pk}  # not W's later reports with M or Y
    assert reports[with_m] == {r2.pk, r3.pk}
    assert reports[with_y] == {r3.pk, r4.pk}
