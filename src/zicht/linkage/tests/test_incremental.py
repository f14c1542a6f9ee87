"""Issue 13 item 6: a delivery is linked in bulk against the persisted index, with the batch's clustering.

The equivalence test: the same persons linked as an initial load followed by a delivery
(``incremental.link_delivery``) end in the same clusters as one batch run over all of them.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zicht.core.crypto import bsn_hash
from zicht.core.testing import make_organisation
from zicht.linkage import incremental, services
from zicht.linkage.models import BlockingKey, Household, HouseholdMember, LinkageRun, LinkedPerson, PersonLink, ReviewPair
from zicht.registry.models import Address, ImportBatch, Person, Report, ReportParty
from zicht.synth.people import person_records

pytestmark = pytest.mark.django_db


def _batch(org, name):
    return ImportBatch.objects.create(
        file_name=name, file_sha256=name.ljust(64, "0")[:64], profile="test", profile_sha256="0", source=org, status="loaded"
    )


def load_persons(frame, org, batch, prefix: str = "") -> list[int]:
    """One report per synthetic mention, at its address, the person as victim (or child)."""
    ids = []
    for row in frame.to_dict("records"):
        pc = str(row["postcode"]).replace(" ", "").upper()
        nr = int(row["huisnummer"])
        address, _ = Address.objects.get_or_create(
            key=f"{pc}|{nr}|", defaults={"postcode": pc, "huisnummer": nr, "toevoeging": "", "woonplaats": row["woonplaats"]}
        )
        person = Person.objects.create(
            source=org,
            source_key=f"{prefix}m{row['record_id']}",
            voornamen=row["voornamen"] or "",
            tussenvoegsel=row["tussenvoegsel"] or "",
            achternaam=row["achternaam"] or "",
            geboortedatum=row["geboortedatum"] or "",
            geslacht=row["geslacht"] or "",
            address=address,
            bsn_hash=bsn_hash(row["bsn"]) if row["bsn"] else "",
            import_batch=batch,
        )
        report = Report.objects.create(
            source=org,
            source_record_id=f"{prefix}R{row['record_id']}",
            soort="melding",
            datum=date.fromisoformat(row["datum"]),
            address=address,
            import_batch=batch,
        )
        ReportParty.objects.create(report=report, person=person, rol="kind" if row["kind_op"] else "slachtoffer")
        ids.append(person.pk)
    return ids


def partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for person, lp in PersonLink.objects.values_list("person_id", "linked_person_id"):
        groups.setdefault(lp, set()).add(person)
    return {frozenset(g) for g in groups.values()}


def reset_linkage():
    for model in (HouseholdMember, Household, ReviewPair, PersonLink, LinkedPerson, BlockingKey, LinkageRun):
        model.objects.all().delete()


@pytest.fixture
def synthetic():
    frame = person_records(700, seed=7)
    return frame.iloc[:500], frame.iloc[500:]


@pytest.mark.parametrize("engine_from", [10_000, 0], ids=["matcher", "engine"])
def test_delivery_links_to_the_same_clusters_as_a_batch_run(synthetic, settings, engine_from):
    """Both scorers of a delivery (the matcher's Python twins for a small subproblem, the engine for a
    large one) end in the batch's clusters."""
    settings.ZICHT_LINKAGE = {"delivery_engine_persons": engine_from}
    first, delivery = synthetic
    org = make_organisation("vt-inc", type="veilig_thuis")
    load_persons(first, org, _batch(org, "a"))
    services.run_batch()  # the initial load (the shipped model: too few persons to train)
    new = load_persons(delivery, org, _batch(org, "b"))
    run = incremental.link_delivery(new)
    assert run.kind == "incremental" and run.persons == len(new)
    assert incremental.last_run["subproblem_persons"] < 700  # the delivery and its neighbourhood, not the registry
    assert PersonLink.objects.count() == 700
    assert BlockingKey.objects.filter(person_id__in=new).exists()
    delivered = partition()
    households_delivered = HouseholdMember.objects.values("household").distinct().count()

    reset_linkage()
    services.run_batch()  # the same 700 persons in one batch run
    batch = partition()
    assert delivered == batch
    # households follow the clusters: the same number of households either way
    assert households_delivered == HouseholdMember.objects.values("household").distinct().count()
    assert len([g for g in batch if len(g) > 1]) > 50  # the data links: the comparison means something


def test_candidates_are_found_by_set_based_sql_not_per_person(synthetic):
    first, delivery = synthetic
    org = make_organisation("vt-inc", type="veilig_thuis")
    load_persons(first, org, _batch(org, "a"))
    services.run_batch()
    new = load_persons(delivery.iloc[:50], org, _batch(org, "b"))
    with CaptureQueriesContext(connection) as small:
        incremental.link_delivery(new[:10])
    reset_linkage()
    services.run_batch()
    with CaptureQueriesContext(connection) as large:
        incremental.link_delivery(new)
    # five times the persons, about the same statements: nothing runs once per person
    assert len(large.captured_queries) <= len(small.captured_queries) + 15


def test_an_initial_load_takes_the_batch_run(synthetic, capsys):
    first, _ = synthetic
    org = make_organisation("vt-inc", type="veilig_thuis")
    batch = _batch(org, "a")
    load_persons(first, org, batch)
    assert incremental.is_initial_load(len(first))
    services.link_batch_persons(batch)
    assert LinkageRun.objects.get().kind == "batch"
    assert PersonLink.objects.count() == len(first)
    later = _batch(org, "b")
    load_persons(person_records(40, seed=11), org, later, prefix="x")
    assert not incremental.is_initial_load(40)
    services.link_batch_persons(later, progress=True)
    assert LinkageRun.objects.order_by("pk").last().kind == "incremental"
    assert "koppelen 40 personen" in capsys.readouterr().err  # progress on stderr, as the import shows it
    assert PersonLink.objects.count() == len(first) + 40


def test_candidates_come_from_stored_features_and_a_registry_without_them_is_backfilled(synthetic, monkeypatch):
    """The candidate step decrypts no candidate that cannot reach the review threshold; a registry linked
    before features were persisted gets them on its first delivery; long id lists go through a
    temporary table (``SCOPE_CHUNK`` made small) and changed links through one UPDATE … FROM; the
    clusters are still those of one batch run."""
    from zicht.linkage.models import PersonFeatures

    first, delivery = synthetic
    org = make_organisation("vt-inc", type="veilig_thuis")
    load_persons(first, org, _batch(org, "a"))
    services.run_batch()
    assert PersonFeatures.objects.count() == 500  # the batch run writes every person's features
    PersonFeatures.objects.filter(person_id__in=list(PersonFeatures.objects.values_list("person_id", flat=True)[:200])).delete()
    new = load_persons(delivery, org, _batch(org, "b"))
    monkeypatch.setattr(services, "SCOPE_CHUNK", 50)
    decrypted: set[int] = set()
    real = incremental.person_recs

    def spy(ids):
        ids = set(ids)
        decrypted.update(ids)
        return real(ids)

    monkeypatch.setattr(incremental, "person_recs", spy)
    incremental.link_delivery(new)
    details = incremental.last_run
    assert 0 < details["features_backfilled"] <= 200
    assert PersonFeatures.objects.count() == 300 + details["features_backfilled"] + 200  # only candidates are backfilled
    assert details["relevant_candidates"] < details["candidate_persons"]  # the bounds drop candidates
    scope_members = set(PersonLink.objects.values_list("person_id", flat=True))  # everything, for the count below
    assert len(decrypted) < len(scope_members)
    delivered = partition()
    reset_linkage()
    services.run_batch()
    assert delivered == partition()


def test_a_batch_that_leaves_rules_out_stores_them_with_the_model(synthetic, settings):
    """Without training, a batch whose pair budget keeps other rules than the active model's
    stores the same weights with the kept rules as the active model (the old row stays), so
    arrival (blocking keys, matcher) blocks on exactly the rules that batch used."""
    from zicht.linkage.models import LinkageModel

    first, _ = synthetic
    org = make_organisation("vt-rules", type="veilig_thuis")
    load_persons(first, org, _batch(org, "a"))
    services.run_batch()  # the shipped model (too few persons to train); every rule within the budget
    before = LinkageModel.objects.filter(active=True).count()
    shipped, _ = services.current_model()
    settings.ZICHT_LINKAGE = {"pair_budget_per_record": 0.5}
    services.run_batch()
    params, model = services.current_model()
    assert model is not None and LinkageModel.objects.filter(active=True).count() == 1
    assert LinkageModel.objects.count() == before + 1
    assert len(params.rules) < len(shipped.rules)
    assert params.trained_rules == shipped.rules
    assert params.weights == shipped.weights
    keys = set(BlockingKey.objects.values_list("rule", flat=True).distinct())
    assert keys and keys <= set(range(len(params.rules)))  # rule indexes into the kept rules


# --------------------------------------------------------------------------- households after a delivery


def households_now() -> set[frozenset]:
    """The households as sets of (linked person, address, since, until), ids of households ignored."""
    out: dict[int, set] = {}
    for hid, lp, address, since, until in HouseholdMember.objects.values_list(
        "household_id", "linked_person_id", "address_id", "since", "until"
    ):
        out.setdefault(hid, set()).add((lp, address, since, until))
    return {frozenset(m) for m in out.values()}


def test_a_deliverys_households_equal_a_rebuild_over_everything(synthetic):
    first, delivery = synthetic
    org = make_organisation("vt-inc", type="veilig_thuis")
    load_persons(first, org, _batch(org, "a"))
    services.run_batch()
    new = load_persons(delivery, org, _batch(org, "b"))
    incremental.link_delivery(new)
    delivered = households_now()
    assert incremental.last_households["linked_persons"] < LinkedPerson.objects.count()
    services.rebuild_households()  # the same clusters, every household derived again
    assert delivered == households_now()
    assert len([h for h in delivered if len({m[0] for m in h}) > 1]) > 5  # households of several persons: it means something


def _party(org, batch, key, voornaam, achternaam, geboortedatum, address, datum, rol, report=None):
    person = Person.objects.create(
        source=org, source_key=key, voornamen=voornaam, achternaam=achternaam, geboortedatum=geboortedatum,
        geslacht="", address=address, bsn_hash="", import_batch=batch,
    )  # fmt: skip
    if report is None:
        report = Report.objects.create(
            source=org, source_record_id=f"R{key}", soort="melding", datum=datum, address=address, import_batch=batch
        )
    ReportParty.objects.create(report=report, person=person, rol=rol)
    return person.pk, report


def test_the_household_closure_follows_household_roles_and_the_window_chain():
    """At one address: a victim in 2020, a melder on her report, someone seen there in 2023 (more than
    365 days after anyone). A delivery brings two persons that chain 2020 to 2021-11 (each within 365
    days of the previous): the chain joins one household, the melder and the 2023 person stay out of
    the closure, and the households equal a rebuild over everything."""
    org = make_organisation("vt-inc", type="veilig_thuis")
    a = Address.objects.create(key="1234AB|1|", postcode="1234AB", huisnummer=1, toevoeging="", woonplaats="Utrecht")
    b = _batch(org, "a")
    x, rx = _party(org, b, "x", "Anna", "Visser", "1980-01-01", a, date(2020, 1, 10), "slachtoffer")
    w, _ = _party(org, b, "w", "Bram", "Smit", "1970-05-05", a, date(2020, 1, 10), "melder", report=rx)
    far, _ = _party(org, b, "f", "Cees", "Bakker", "1990-09-09", a, date(2023, 6, 1), "slachtoffer")
    late, _ = _party(org, b, "l", "Dirk", "Jansen", "1985-03-03", a, date(2021, 11, 20), "pleger")
    services.run_batch()
    assert len(households_now()) == 3  # x, far and late apart: more than 365 days between them; the melder in none
    d = _batch(org, "b")
    z, _ = _party(org, d, "z", "Eva", "de Boer", "2010-02-02", a, date(2020, 12, 1), "kind")
    incremental.link_delivery([z])
    lp = dict(PersonLink.objects.values_list("person_id", "linked_person_id"))
    closure, _, _ = incremental.household_closure({lp[z]})
    assert {lp[x], lp[late], lp[z]} <= closure
    assert lp[w] not in closure and lp[far] not in closure
    delivered = households_now()
    assert {frozenset(m[0] for m in h) for h in delivered} == {frozenset({lp[x], lp[z], lp[late]}), frozenset({lp[far]})}
    services.rebuild_households()
    assert delivered == households_now()


def test_a_deliverys_household_closure_stays_out_of_a_chain_of_movers():
    """Thirty addresses linked by single movers (person i lives at address i with person i+1, who
    moves on to address i+1): thirty households of two. A delivery brings a child at the last
    address: the closure holds the households there, not the chain's first addresses, and the
    households equal a rebuild over everything. (The old rule made one household of the chain and
    rebuilt it all.)"""
    org = make_organisation("vt-chain", type="veilig_thuis")
    b = _batch(org, "a")
    addresses = [
        Address.objects.create(key=f"1234AB|{i + 1}|", postcode="1234AB", huisnummer=i + 1, toevoeging="", woonplaats="Utrecht")
        for i in range(30)
    ]
    lps = [LinkedPerson.objects.create() for _ in range(31)]

    def mention(i, k, address, datum, rol, report=None):
        pk, report = _party(org, b, f"m{i}-{k}", f"Naam{i}", "Keten", "1980-01-01", address, datum, rol, report=report)
        PersonLink.objects.create(person_id=pk, linked_person=lps[i], method="single")
        return pk, report

    for i, address in enumerate(addresses):
        datum = date(2000 + i, 1, 1)
        _, report = mention(i, "b", address, datum, "slachtoffer")  # person i at address i (arrived from i-1)
        mention(i + 1, "a", address, datum, "pleger", report=report)  # with person i+1, who moves on next year
    services.rebuild_households()
    sizes = [len({m[0] for m in h}) for h in households_now()]
    assert len(sizes) == 30 and max(sizes) == 2
    child, _ = _party(org, _batch(org, "b"), "kind", "Kim", "Keten", "2028-05-05", addresses[-1], date(2029, 6, 1), "kind")
    kim = LinkedPerson.objects.create()
    PersonLink.objects.create(person_id=child, linked_person=kim, method="single")
    incremental.update_households({kim.pk}, {child})
    scope = incremental.last_households["linked_persons"]
    assert scope <= 6, scope  # the child, the last household, its neighbour: not the chain
    delivered = households_now()
    assert {lps[29].pk, lps[30].pk, kim.pk} in [{m[0] for m in h} for h in delivered]
    services.rebuild_households()
    assert delivered == households_now()
