"""``colour/queries.py`` (the address page's hand-written SQL) returns what the ORM returns.

On one fixed data set — addresses in and out of the ketenregisseur's region, reports with and
without parties, linked and unlinked persons, colour history, work items, help, households and
signals of every state — each SQL read is compared with an ORM reference written here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zicht.access import roles
from zicht.access.scoping import address_scope_sql, scope_for, visible_addresses
from zicht.casework.colour import queries
from zicht.casework.colour.services import recolour
from zicht.casework.colour.subject import PARTY_COLUMNS, report_rows
from zicht.casework.models import ColourResult, Hulptraject, Signal, WorklistItem, subject_key
from zicht.core.testing import make_user
from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink
from zicht.registry.models import Report

from . import factories as fx

pytestmark = pytest.mark.django_db

REPORT_KEYS = (
    "id",
    "datum",
    "soort",
    "aard",
    "vormen",
    "letsel",
    "wapen",
    "huisverbod",
    "kinderen_aanwezig",
    "created_at",
    "source__naam",
    "address_id",
)


@pytest.fixture
def world():
    gm, wk, bu = fx.geography()  # Tilburg: the ketenregisseur's region
    breda = Gemeente.objects.create(code="GM0758", naam="Breda", indeling_jaar=2024)
    bwk = Wijk.objects.create(code="WK075801", naam="Breda Centrum", gemeente=breda, indeling_jaar=2024)
    bbu = Buurt.objects.create(code="BU07580101", naam="Breda Binnenstad", wijk=bwk, gemeente=breda, indeling_jaar=2024)
    politie = fx.organisation("politie", "politie", naam="Politie", gemeente=gm)
    wijkteam = fx.organisation("wijkteam", "wijkteam", naam='Wijkteam <Noord> & "Zuid"', gemeente=gm)
    school = fx.organisation("school", "onderwijs", naam="School", gemeente=gm)
    politie_breda = fx.organisation("politie-breda", "politie", naam="Politie Breda", gemeente=breda)
    today = timezone.localdate()

    red = fx.address("5021AB", 12, "A")
    quiet = fx.address("5021AB", 14)  # in the region, no reports
    elsewhere = fx.address("4811AA", 3, buurt=bbu)  # out of scope

    mother = fx.person(politie, voornamen="Sanne", achternaam="de Vries", address_=red)
    child = fx.person(politie, voornamen="Tim", achternaam="de Vries", geboortedatum=f"{today.year - 6}-02-02", address_=red)
    father = fx.person(wijkteam, voornamen="Erik", achternaam="de Vries", geboortedatum="", address_=red)
    lp_mother, lp_child = LinkedPerson.objects.create(), LinkedPerson.objects.create()
    PersonLink.objects.create(person=mother, linked_person=lp_mother, method="bsn")
    PersonLink.objects.create(person=child, linked_person=lp_child, method="single")
    fx.report(
        politie,
        red,
        today - timedelta(days=20),
        parties=[(mother, "slachtoffer"), (child, "kind"), (father, "pleger")],
        vormen=["lichamelijk"],
        wapen=True,
    )
    fx.report(wijkteam, red, today - timedelta(days=20), parties=[(father, "pleger")], kinderen_aanwezig=True)
    fx.report(politie, red, today - timedelta(days=400))  # no parties
    other = fx.person(politie_breda, voornamen="Piet", address_=elsewhere)
    fx.report(politie_breda, elsewhere, today - timedelta(days=5), parties=[(other, "slachtoffer")])

    household = Household.objects.create()
    HouseholdMember.objects.create(household=household, linked_person=lp_mother, address=red, since=today - timedelta(days=300))
    HouseholdMember.objects.create(household=household, linked_person=lp_child, address=red, since=today - timedelta(days=300))
    empty_household = Household.objects.create()
    HouseholdMember.objects.create(household=empty_household, linked_person=lp_child, address=red, since=today - timedelta(days=30))

    Hulptraject.objects.create(address=red, organisation=wijkteam, soort="wijkteam", start=today - timedelta(days=100))
    Hulptraject.objects.create(
        address=red,
        organisation=politie,
        soort="overig",
        start=today - timedelta(days=50),
        einde=today - timedelta(days=10),
        uitkomst="doelen_bereikt",
    )

    recolour("address", [red.pk, quiet.pk, elsewhere.pk])
    recolour("household", [household.pk])
    earlier = ColourResult.objects.get(subject_key=subject_key("address", red.pk), is_current=True)
    earlier.pk, earlier.is_current, earlier.colour, earlier.colour_rank = None, False, "geel", 1
    earlier.evaluated_at, earlier.superseded_at = timezone.now() - timedelta(days=30), timezone.now() - timedelta(days=2)
    earlier.save()  # a superseded result: a history of two, one current

    def signal(org, lp, datum, expires_on, withdrawn_on=None):
        return Signal.objects.create(
            organisation=org,
            contact_naam="C",
            contact_telefoon="0",
            datum=datum,
            expires_on=expires_on,
            withdrawn_on=withdrawn_on,
            person=mother,
            linked_person=lp,
        )

    signal(school, lp_mother, today - timedelta(days=5), today + timedelta(days=700))  # active
    signal(wijkteam, lp_child, today - timedelta(days=730), today)  # expires today: not active
    signal(politie, lp_child, today - timedelta(days=5), today + timedelta(days=700), today)  # withdrawn today
    signal(politie_breda, lp_child, today + timedelta(days=1), today + timedelta(days=700))  # registered tomorrow
    signal(wijkteam, lp_child, today - timedelta(days=3), today + timedelta(days=1))  # last active day
    user = make_user(roles.KETENREGISSEUR, gemeente=gm)
    return {
        "user": user,
        "addresses": [red, quiet, elsewhere],
        "household": household,
        "empty": empty_household,
        "linked": [lp_mother.pk, lp_child.pk],
        "today": today,
    }


# --- ORM references -----------------------------------------------------------------------------


def orm_address_in_scope(user, pk):
    a = visible_addresses(user).filter(pk=pk).select_related("buurt__wijk").first()
    if a is None:
        return None
    return {
        "id": a.pk,
        "postcode": a.postcode,
        "huisnummer": a.huisnummer,
        "toevoeging": a.toevoeging,
        "straat": a.straat,
        "woonplaats": a.woonplaats,
        "buurt": a.buurt.naam if a.buurt else None,
        "wijk": a.buurt.wijk.naam if a.buurt else None,
    }


def orm_address_reports(pk):
    return [
        {**{k: rep[k] for k in REPORT_KEYS}, "parties": [{k: p[k] for k in PARTY_COLUMNS} for p in rep["parties"]]}
        for rep in report_rows(Report.objects.filter(address_id=pk))
    ]


def orm_colour_history(key):
    rows = list(ColourResult.objects.filter(subject_key=key).order_by("-evaluated_at", "-id")[: queries.HISTORY_LIMIT])
    history = [
        {
            "id": c.pk,
            "colour": c.colour,
            "ruleset_version": c.ruleset_version,
            "rule_ids": c.rule_ids,
            "evaluated_at": c.evaluated_at,
            "superseded_at": c.superseded_at,
            "is_current": c.is_current,
        }
        for c in rows
    ]
    cur = next((c for c in rows if c.is_current), None)
    current = None
    if cur is not None:
        current = {**next(h for h in history if h["id"] == cur.pk), "events": cur.events, "reports": cur.reports, "reasons": cur.reasons}
    return current, history


def orm_open_work_items(key):
    return [
        tuple(x)
        for x in WorklistItem.objects.filter(subject_key=key, status="open").order_by("-trigger_date", "-id").values_list("kind", "text")
    ]


def orm_address_help(pk):
    return [
        {
            "id": h["id"],
            "soort": h["soort"],
            "organisation": h["organisation__naam"],
            "start": h["start"],
            "einde": h["einde"],
            "uitkomst": h["uitkomst"],
        }
        for h in Hulptraject.objects.filter(address_id=pk)
        .order_by("-start", "id")
        .values("id", "soort", "organisation__naam", "start", "einde", "uitkomst")
    ]


def orm_address_households(pk):
    ids = sorted(set(HouseholdMember.objects.filter(address_id=pk).values_list("household_id", flat=True)))
    colours = dict(ColourResult.objects.filter(household_id__in=ids, is_current=True).values_list("household_id", "colour"))
    return [(h, colours.get(h)) for h in ids]


def orm_signal_organisations(linked_ids, today):
    return sorted(
        set(
            Signal.objects.active(today)
            .filter(linked_person_id__in=[i for i in linked_ids if i])
            .values_list("organisation__naam", flat=True)
        )
    )


# --- the comparisons ------------------------------------------------------------------------------


def test_scope_and_address_row(world):
    user = world["user"]
    scope = address_scope_sql(scope_for(user), "a")
    seen = {}
    for a in world["addresses"]:
        seen[a.pk] = queries.address_in_scope(a.pk, *scope)
        assert seen[a.pk] == orm_address_in_scope(user, a.pk)
        if seen[a.pk]:
            assert queries.address_label(seen[a.pk]) == str(a)
    red, quiet, elsewhere = world["addresses"]
    assert seen[red.pk] and seen[quiet.pk] and seen[elsewhere.pk] is None  # the data set has a scoped-out address


def test_reports_with_parties(world):
    for a in world["addresses"]:
        assert queries.address_reports(a.pk) == orm_address_reports(a.pk), a.pk
    assert sum(len(rep["parties"]) for rep in queries.address_reports(world["addresses"][0].pk)) == 4


def test_colour_history_work_items_and_help(world):
    for a in world["addresses"]:
        key = subject_key("address", a.pk)
        assert queries.colour_history(key) == orm_colour_history(key)
        assert queries.open_work_items(key) == orm_open_work_items(key)
        assert queries.address_help(a.pk) == orm_address_help(a.pk)
    current, history = queries.colour_history(subject_key("address", world["addresses"][0].pk))
    assert current is not None and len(history) == 2
    assert queries.colour_history(subject_key("address", world["addresses"][0].pk), limit=1) == (current, history[:1])


def test_households(world):
    for a in world["addresses"]:
        assert queries.address_households(a.pk) == orm_address_households(a.pk)
    assert [c is None for _, c in queries.address_households(world["addresses"][0].pk)] == [False, True]


@pytest.mark.parametrize("shift", [-1, 0, 1])
def test_signal_organisations(world, shift):
    today = world["today"] + timedelta(days=shift)
    for ids in (world["linked"], world["linked"][:1], world["linked"][1:], [], [None, 99999]):
        assert queries.signal_organisations(ids, today) == orm_signal_organisations(ids, today), (shift, ids)
    assert queries.signal_organisations(world["linked"], world["today"]) == sorted(["School", 'Wijkteam <Noord> & "Zuid"'])


def test_a_name_moved_to_another_persons_row_is_refused():
    """The raw SQL checks a ciphertext's column and row binding, as the ORM field does (issue 12 item 6)."""
    from django.db import connection

    from zicht.core.crypto import DecryptionError
    from zicht.registry.models import Person

    politie = fx.organisation("politie", "politie")
    addr = fx.address()
    a = fx.person(politie, voornamen="Sanne", address_=addr)
    b = fx.person(politie, voornamen="Tim", address_=addr)
    fx.report(politie, addr, timezone.localdate(), parties=[(b, "slachtoffer")])
    assert queries.address_reports(addr.pk)[0]["parties"][0]["parties__person__voornamen"] == "Tim"
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT voornamen FROM {table} WHERE id = %s", [a.pk])
        token = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {table} SET voornamen = %s WHERE id = %s", [token, b.pk])
    with pytest.raises(DecryptionError):
        queries.address_reports(addr.pk)
