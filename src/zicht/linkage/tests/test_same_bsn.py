"""Candidates sharing a BSN (``incremental.same_bsn_sql``): the same ids on both databases, and on
PostgreSQL a plan that does not expect the registry squared (the empty hash of persons without a
BSN is the column's most common value; a join on it was planned as 268 million rows at 200,000
persons and took 206 s)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from zicht.core.testing import make_organisation
from zicht.linkage import incremental
from zicht.linkage.models import LinkedPerson, PersonLink
from zicht.registry.models import ImportBatch, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    """300 persons: two in three without a BSN; every fifth one with a BSN shares it with the next; all
    linked but the last ten (a withdrawn record's person has no link)."""
    org = make_organisation("bsn-test", type="politie")
    batch = ImportBatch.objects.create(file_name="x", file_sha256="2" * 64, profile="test", profile_sha256="0", source=org, status="loaded")
    hashes = []
    for i in range(300):
        if i % 3:
            hashes.append("")
        else:
            hashes.append(f"h{i // 15}" if i % 15 == 0 or i % 15 == 3 else f"u{i}")
    people = Person.objects.bulk_create(
        [Person(source=org, source_key=f"p{i}", achternaam="X", bsn_hash=h, import_batch=batch) for i, h in enumerate(hashes)]
    )
    lp = LinkedPerson.objects.create()
    PersonLink.objects.bulk_create([PersonLink(person=p, linked_person=lp, method="single") for p in people[:-10]])
    return people


def _same_bsn(ids) -> set[int]:
    with connection.cursor() as cursor:
        incremental._load_ids(cursor, ids)
        cursor.execute(incremental.same_bsn_sql())
        return {r[0] for r in cursor.fetchall()}


def test_same_bsn_ids_are_the_linked_persons_sharing_a_non_empty_hash(registry):
    delivered = registry[::7]
    linked = {p.pk for p in registry[:-10]}
    wanted = {p.bsn_hash for p in delivered if p.bsn_hash}
    expected = {p.pk for p in registry if p.bsn_hash in wanted and p.pk in linked}
    got = _same_bsn([p.pk for p in delivered])
    assert got == expected
    assert not any(Person.objects.get(pk=i).bsn_hash == "" for i in got)  # the empty hash joins nobody
    assert any(i not in {p.pk for p in delivered} for i in got)  # a shared BSN brings in another person


def test_the_plan_expects_no_more_rows_than_persons_on_postgresql(registry):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner; SQLite's statement keeps its written order (feature_store.join)")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Person._meta.db_table}")
        cursor.execute(f"ANALYZE {PersonLink._meta.db_table}")
        incremental._load_ids(cursor, [p.pk for p in registry])  # the whole registry delivered again
        cursor.execute("EXPLAIN (FORMAT JSON) " + incremental.same_bsn_sql())
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    # as a join on the hash with DISTINCT, its join node expected thousands of rows (the empty hash's
    # frequency squared times the persons squared); no step of the plan may expect more than the persons
    assert max(_estimates(plan)) <= len(registry)


def _estimates(node: dict):
    yield node["Plan Rows"]
    for child in node.get("Plans", ()):
        yield from _estimates(child)
