"""Colour in bulk (issue 13 item 6): the set-based path stores exactly what the rule gives on the
facts the ORM readers give, for addresses and households, worklists included; only changes are
written.

The reference is per subject: ``services.address_facts``/``household_facts`` (the ORM readers,
one subject at a time) fed to ``evaluate`` and ``work_items``. The fast path is ``recolour`` over
all subjects at once (``colour.bulk``). A fixed-seed registry of 600 synthetic persons with
varied reports (kinds, aard, forms, flags, two sources, children, withdrawn records) and closed
help trajectories, linked and householded by the batch run, on a ``today`` close to its dates so
the worklists fill.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from zicht.casework.colour import bulk, services
from zicht.casework.colour.models import ColourResult, Hulptraject, WorklistItem
from zicht.casework.domain.colour import RANK, evaluate
from zicht.casework.domain.worklists import work_items
from zicht.casework.rulesets import current_ruleset
from zicht.core.testing import make_organisation
from zicht.linkage import services as linkage
from zicht.linkage.models import Household, HouseholdMember, PersonLink
from zicht.linkage.tests.test_incremental import _batch, load_persons
from zicht.registry.models import Address, Person, Report, ReportParty
from zicht.synth.people import person_records

from .factories import geography

pytestmark = pytest.mark.django_db

SOORTEN = ("incident", "melding", "advies", "signaal")
AARDEN = ("kindermishandeling", "ex_partnergeweld", "ouderenmishandeling", "hg_overig", "geen_hg_km", "onbekend")
VORMEN = ("lichamelijk", "psychisch", "seksueel", "verwaarlozing", "getuige")
ROLLEN = ("slachtoffer", "pleger", "kind", "betrokkene")
TODAY = date(2026, 11, 2)  # under the rule set of 2026; every date of the world is before it


@pytest.fixture
def world():
    """The registry described above; returns the ``today`` to colour on."""
    rng = random.Random(13)
    _, _, buurt = geography()
    politie = make_organisation("politie-bulk", type="politie")
    vt = make_organisation("vt-bulk", type="veilig_thuis")
    frame = person_records(600, seed=13)
    load_persons(frame, vt, _batch(vt, "bulk"))
    addresses = list(Address.objects.order_by("pk"))
    for a in addresses[::3]:
        a.buurt = buurt
    Address.objects.bulk_update(addresses[::3], ["buurt"])
    persons = list(Person.objects.order_by("pk").values_list("pk", "address_id"))
    today = TODAY
    reports = list(Report.objects.order_by("pk"))
    for r in reports:  # the loaded mentions made varied
        r.soort = rng.choice(SOORTEN)
        r.aard = rng.choice(AARDEN)
        r.vormen = rng.sample(VORMEN, rng.randint(0, 2))
        r.kinderen_aanwezig, r.letsel, r.wapen, r.huisverbod = (rng.choice((None, False, True, False)) for _ in range(4))
        r.datum = today - timedelta(days=rng.randint(0, 800))
    Report.objects.bulk_update(reports, ["soort", "aard", "vormen", "kinderen_aanwezig", "letsel", "wapen", "huisverbod", "datum"])
    spread = Address.objects.bulk_create(  # addresses of the police's reports only, one in three in a buurt
        Address(
            key=f"9999ZZ|{n}|", postcode="9999ZZ", huisnummer=n, toevoeging="", woonplaats="Tilburg", buurt=buurt if n % 3 == 0 else None
        )
        for n in range(1, 301)
    )
    extra, parties = [], []
    for i, (pk, address_id) in enumerate(persons[: len(persons) // 2]):  # the police's reports about the same people
        for j in range(rng.randint(1, 3)):
            extra.append(
                Report(
                    source=politie,
                    source_record_id=f"P{i}-{j}",
                    soort="incident",
                    datum=today - timedelta(days=rng.choice((rng.randint(0, 60), rng.randint(0, 700)))),
                    aard=rng.choice(AARDEN),
                    vormen=rng.sample(VORMEN, rng.randint(0, 3)),
                    letsel=rng.random() < 0.1,
                    wapen=rng.random() < 0.05,
                    address_id=address_id if rng.random() < 0.5 else rng.choice(spread).pk,
                )
            )
            parties.append((len(extra) - 1, pk, rng.choice(ROLLEN)))
    extra = Report.objects.bulk_create(extra)
    ReportParty.objects.bulk_create([ReportParty(report=extra[i], person_id=p, rol=rol) for i, p, rol in parties])
    withdrawn = rng.sample(extra, len(extra) // 20)
    Report.all_objects.filter(pk__in=[r.pk for r in withdrawn]).update(withdrawn_at=timezone.now())
    linkage.run_batch()
    households = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    help_rows = []
    for a in rng.sample(addresses, len(addresses) // 10):
        start = today - timedelta(days=rng.randint(100, 700))
        help_rows.append(
            Hulptraject(address=a, organisation=vt, soort="wijkteam", start=start, einde=start + timedelta(days=rng.randint(10, 90)))
        )
    for hh in rng.sample(households, len(households) // 8):
        start = today - timedelta(days=rng.randint(100, 700))
        einde = None if rng.random() < 0.3 else start + timedelta(days=rng.randint(10, 90))
        help_rows.append(Hulptraject(household_id=hh, organisation=vt, soort="jeugdhulp", start=start, einde=einde))
    Hulptraject.objects.bulk_create(help_rows)
    return today


def _canonical(evidence) -> str:
    """A work item's evidence comparable across databases (PostgreSQL's jsonb orders keys its own way)."""
    return json.dumps(evidence, sort_keys=True)


def _subjects():
    addresses = sorted(set(Report.objects.filter(address__isnull=False).values_list("address_id", flat=True)))
    return {"address": addresses, "household": sorted(Household.objects.values_list("pk", flat=True))}


def _reference(subject_type: str, ids, today):
    """Per subject, one at a time through the ORM readers: the stored content and the work items."""
    ruleset = current_ruleset(today)
    loader = services.address_facts if subject_type == "address" else services.household_facts
    results, items = {}, set()
    for pk in ids:
        facts, help_by_key = loader([pk])
        subject_facts = facts.get(pk, [])
        key = f"{subject_type}:{pk}"
        help_ = help_by_key.get(key, [])
        result = evaluate(subject_facts, ruleset, today, help_)
        area = services._areas(subject_type, [pk]).get(pk, (None, None, None))
        results[pk] = (
            result.colour,
            RANK[result.colour],
            ruleset.version,
            [r.as_dict() for r in result.reasons],
            ",".join(r.rule_id for r in result.reasons),
            result.events,
            result.reports,
            result.last_date,
            services._aarden(subject_facts, ruleset),
            *area,
        )
        if subject_facts:
            for item in work_items(subject_facts, ruleset, today, help_):
                items.add(
                    (item.kind, key, item.trigger_report_id, item.trigger_date, item.text, _canonical(item.evidence), area[1], area[2])
                )
    return results, items


def _stored(subject_type: str):
    field = f"{subject_type}_id"
    rows = ColourResult.objects.filter(subject_type=subject_type, is_current=True).values_list(
        field,
        "colour",
        "colour_rank",
        "ruleset_version",
        "reasons",
        "rule_ids",
        "events",
        "reports",
        "last_report_date",
        "aarden",
        "buurt_id",
        "wijk_id",
        "gemeente_id",
    )
    items = {
        (kind, key, trigger, datum, text, _canonical(evidence), wijk, gemeente)
        for kind, key, trigger, datum, text, evidence, wijk, gemeente in WorklistItem.objects.filter(subject_type=subject_type).values_list(
            "kind", "subject_key", "trigger_report_id", "trigger_date", "text", "evidence", "wijk_id", "gemeente_id"
        )
    }
    return {row[0]: tuple(row[1:]) for row in rows}, items


def _assert_as_reference(today, known=None):
    """Stored results as the reference; work items too, except that an item found earlier
    (``known``) keeps what it said when found (items are never rewritten)."""
    for subject_type, ids in _subjects().items():
        expected, expected_items = _reference(subject_type, ids, today)
        stored, items = _stored(subject_type)
        assert stored == expected, subject_type
        if known is None:
            assert items == expected_items, subject_type
        else:
            keys = {item[:3] for item in known[subject_type]}
            assert {i for i in items if i[:3] not in keys} == {i for i in expected_items if i[:3] not in keys}, subject_type
            assert {i[:3] for i in items} == keys | {i[:3] for i in expected_items}, subject_type


def test_bulk_facts_and_households_are_the_orm_readers(world):
    subjects = _subjects()
    addresses = subjects["address"]
    reference, help_ref = services.address_facts(addresses)
    with transaction.atomic():
        bulk.load_subjects(addresses)
        fast = bulk.address_facts()
        help_fast = bulk.help_facts("address")
    assert {k: sorted(v, key=lambda f: f.id) for k, v in fast.items()} == {k: sorted(v, key=lambda f: f.id) for k, v in reference.items()}
    assert {f"address:{k}": v for k, v in help_fast.items()} == {k: v for k, v in help_ref.items() if k.startswith("address:")}
    assert sum(len(v) for v in fast.values()) > 1000 and any(f.kinderen for v in fast.values() for f in v)
    households = subjects["household"]
    reference, help_ref = services.household_facts(households)
    with transaction.atomic():
        bulk.load_subjects(households)
        fast = services._facts("household", households)
        help_fast = bulk.help_facts("household")
    assert {k: sorted(v, key=lambda f: f.id) for k, v in fast.items()} == {k: sorted(v, key=lambda f: f.id) for k, v in reference.items()}
    assert {f"household:{k}": v for k, v in help_fast.items()} == {k: v for k, v in help_ref.items() if k.startswith("household:")}


def test_recolour_stores_what_the_rule_gives_per_subject_and_only_changes(world, monkeypatch):
    today = world
    first = services.recolour_all(today=today)
    assert first["address"]["changed"] == first["address"]["evaluated"] > 250
    assert first["household"]["changed"] == first["household"]["evaluated"] > 40
    assert first["address"]["work_items"] > 50 and first["household"]["work_items"] > 50
    colours = set(ColourResult.objects.values_list("colour", flat=True))
    assert colours == {"groen", "geel", "oranje", "rood"}
    _assert_as_reference(today)
    monkeypatch.setattr(services, "ADDRESS_CHUNK", 97)  # many chunks: the same outcome
    monkeypatch.setattr(services, "CHUNK", 31)
    history = ColourResult.objects.count()
    again = services.recolour_all(today=today)
    assert again["address"]["unchanged"] == again["address"]["evaluated"] and again["household"]["corrected"] == 0
    assert again["address"]["work_items"] == again["household"]["work_items"] == 0
    assert ColourResult.objects.count() == history
    # A delivery: a new report at green and red addresses, one report withdrawn; recoloured in bulk.
    stored, _ = _stored("address")
    green = [pk for pk, row in stored.items() if row[0] == "groen"][:5]
    red = [pk for pk, row in stored.items() if row[0] == "rood"][:5]
    source = Report.objects.filter(address_id=red[0]).first().source
    # green and one red address get a recent report (green's colour changes: G1-recent; a new event
    # on a red address is a work item), the other red ones one older than every window (colour and
    # rules stay, the count of reports changes: corrected in place)
    for i, pk in enumerate(green + red):
        datum = today - timedelta(days=2 if pk in green or pk == red[0] else 2000)
        Report.objects.create(source=source, source_record_id=f"N{i}", soort="melding", datum=datum, aard="hg_overig", address_id=pk)
    gone = Report.objects.filter(address_id=red[1]).order_by("pk").first()
    Report.all_objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
    known = {subject_type: _stored(subject_type)[1] for subject_type in ("address", "household")}
    out = services.recolour("address", green + red, today=today)
    assert out["evaluated"] == 10 and out["corrected"] >= 3 and out["changed"] >= 5 and out["work_items"] >= 1
    households = services.recolour("household", _subjects()["household"], today=today)  # the withdrawn report's too
    _assert_as_reference(today, known)
    # history: a new row only where colour or rules changed; a corrected row stays the one current row
    changed = out["changed"] + households["changed"]
    assert ColourResult.objects.count() == history + changed
    assert ColourResult.objects.filter(is_current=False).count() == changed
    for pk in red:
        assert ColourResult.objects.filter(subject_key=f"address:{pk}", is_current=True).count() == 1


def test_later_today_and_a_new_rule_set_version_supersede(world):
    today = world
    services.recolour_all(today=today)
    later = today + timedelta(days=400)  # every window passed: colours fall back
    out = services.recolour("address", _subjects()["address"], today=later, worklists=False)
    assert out["changed"] > 50
    superseded = ColourResult.objects.filter(is_current=False)
    assert superseded.count() == out["changed"] and not superseded.filter(superseded_at__isnull=True).exists()
    for subject_type in ("address",):
        expected, _ = _reference(subject_type, _subjects()[subject_type], later)
        stored, _ = _stored(subject_type)
        assert stored == expected
    # the households recolour_batch takes: those of the persons and of everyone reported at the addresses
    addresses = _subjects()["address"][:40]
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:25])
    expected_persons = set(persons) | set(ReportParty.objects.filter(report__address_id__in=addresses).values_list("person_id", flat=True))
    lps = set(PersonLink.objects.filter(person_id__in=expected_persons).values_list("linked_person_id", flat=True))
    expected = sorted(set(HouseholdMember.objects.filter(linked_person_id__in=lps).values_list("household_id", flat=True)))
    assert expected and bulk.batch_households(persons, addresses) == expected
