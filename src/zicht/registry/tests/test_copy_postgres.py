"""Issue 13 item 7: on PostgreSQL the import's tables and the blocking index are written with COPY.

Runs on PostgreSQL only (``make test-postgres`` in CI); on SQLite the same writers use executemany,
which the rest of the suite covers. COPY goes through psycopg's own cursor, so Django logs no
statement for it: rows that arrive with no INSERT logged came through COPY.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zicht.core.testing import make_organisation
from zicht.linkage import services
from zicht.linkage.models import BlockingKey
from zicht.registry.models import Address, ImportBatch, Person
from zicht.registry.pipeline import import_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's; SQLite writes with executemany")


def _inserts(ctx, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT") and table in q["sql"]]


def test_blocking_keys_are_copied(settings):
    org = make_organisation("copy-test", type="veilig_thuis")
    address = Address.objects.create(key="5038AB|12|", postcode="5038AB", huisnummer=12, woonplaats="Tilburg")
    batch = ImportBatch.objects.create(file_name="x", file_sha256="1" * 64, profile="test", profile_sha256="0", source=org, status="loaded")
    p = Person.objects.create(
        source=org, source_key="a", voornamen="Anna", achternaam="Jansen", geboortedatum="1982-07-01", address=address, import_batch=batch
    )
    rows = [(p.pk, 0, -(2**63)), (p.pk, 1, 2**63 - 1), (p.pk, 2, 0)]  # the whole signed 64-bit range
    with CaptureQueriesContext(connection) as ctx:
        services.insert_blocking_keys(rows)
    assert not _inserts(ctx, BlockingKey._meta.db_table)
    assert sorted(BlockingKey.objects.values_list("person_id", "rule", "digest")) == sorted(rows)


def test_an_import_writes_its_tables_with_copy(register, politie_file):
    from zicht.registry.models import Report, ReportParty

    with CaptureQueriesContext(connection) as ctx:
        batch = import_file(politie_file, "politie-bvh")
    assert batch.status == "loaded" and batch.reports_created > 0
    for model in (Report, Person, ReportParty, Address):
        assert not _inserts(ctx, model._meta.db_table), model.__name__
    assert Report.objects.filter(import_batch=batch).count() == batch.reports_created
    assert Person.objects.filter(import_batch=batch).count() == batch.persons_created
    # values survive COPY's text format: JSON lists, dates, booleans, encrypted names
    report = Report.objects.filter(import_batch=batch).exclude(vormen=[]).first()
    assert isinstance(report.vormen, list) and report.datum.year > 2000
    assert Person.objects.filter(import_batch=batch).exclude(achternaam="").exists()


# -- bulk mode and the COPY writer thread (registry.pgbulk) ------------------------------------------


def _schema() -> tuple[list, list]:
    """The foreign keys (name, definition, validated) and indexes of the three big tables."""
    from zicht.registry.pgbulk import BULK_TABLES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated, condeferrable, condeferred "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [list(BULK_TABLES)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1", [list(BULK_TABLES)]
        )
        indexes = [r[0] for r in cursor.fetchall()]
    return constraints, indexes


@pytest.fixture
def bulk(monkeypatch):
    """Bulk mode and the writer thread for the small test files."""
    from zicht.registry import fastpath, pgbulk

    monkeypatch.setattr(pgbulk, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(fastpath, "PG_WRITER_MIN_ROWS", 1)
    monkeypatch.setattr(pgbulk, "COPY_CHUNK", 7)  # many COPY statements in the thread
    monkeypatch.setattr(fastpath, "BLOCK_BYTES", 600)  # many blocks: COPY overlaps with the next block's checks


def test_a_bulk_load_writes_the_same_registry_and_restores_every_constraint(register, politie_file, bulk, monkeypatch):
    from django.db import transaction

    from zicht.registry import pgbulk
    from zicht.registry.tests.test_paths_equivalence import database_content

    before = _schema()
    assert sum("FOREIGN KEY" in c[2] for c in before[0]) >= 8 and len(before[1]) >= 10
    monkeypatch.setattr(pgbulk, "BULK_MIN_ROWS", 10**9)  # first without bulk mode (the writer thread alone)
    with transaction.atomic():
        plain = import_file(politie_file, "politie-bvh", defer_postprocess=True)
        expected = database_content()
        transaction.set_rollback(True)
    assert "foreign_key_validation" not in plain.timings
    monkeypatch.setattr(pgbulk, "BULK_MIN_ROWS", 1)
    dropped = []
    real_drop = pgbulk.PgBulkLoad.drop
    monkeypatch.setattr(pgbulk.PgBulkLoad, "drop", lambda self: dropped.append(real_drop(self)) or dropped[-1])
    batch = import_file(politie_file, "politie-bvh", defer_postprocess=True)
    assert dropped == [True] and "foreign_key_validation" in batch.timings
    assert batch.status == plain.status == "loaded"
    assert database_content() == expected
    assert _schema() == before  # same names, same definitions, validated, deferrable initially deferred


@pytest.mark.parametrize("broken", ["orphan", "duplicate"])
def test_a_bulk_load_with_a_broken_row_loads_nothing(register, politie_file, bulk, broken):
    """The foreign keys and unique constraints are added again before commit and PostgreSQL checks
    every row: a party pointing at no person, or the same party twice, fails the file's
    transaction, and the constraints are back."""
    from django.db import IntegrityError

    from zicht.registry import records
    from zicht.registry.models import Report, ReportParty

    before = _schema()
    real_rows = records.RecordBuilder.rows

    def orphan(self, prepared):
        reports, persons, parties = real_rows(self, prepared)
        if parties and broken == "orphan":
            parties = [*parties[:-1], (parties[-1][0], 10**12, parties[-1][2])]
        elif parties:
            parties = [*parties, parties[-1]]
        return reports, persons, parties

    records.RecordBuilder.rows = orphan
    try:
        with pytest.raises(IntegrityError):
            import_file(politie_file, "politie-bvh", defer_postprocess=True)
    finally:
        records.RecordBuilder.rows = real_rows
    assert not Report.objects.exists() and not Person.objects.exists() and not ReportParty.objects.exists()
    assert ImportBatch.objects.get().status == "failed"
    assert _schema() == before


def test_a_rejected_bulk_load_restores_every_constraint(register, politie_file, bulk, tmp_path):
    from zicht.registry.models import Report

    before = _schema()
    lines = politie_file.read_text(encoding="utf-8-sig").splitlines()
    broken = tmp_path / "politie.csv"
    cells = lines[-1].split(";")
    cells[1] = "32-13-2020"  # an impossible incident date: a rejected row, all-or-nothing
    broken.write_text("\n".join([*lines[:-1], ";".join(cells)]) + "\n", encoding="utf-8")
    batch = import_file(broken, "politie-bvh", defer_postprocess=True)
    assert batch.status == "rejected" and not Report.objects.exists()
    assert _schema() == before


def test_bulk_mode_only_for_a_load_large_next_to_the_registry(register, monkeypatch):
    from zicht.registry import pgbulk

    monkeypatch.setattr(pgbulk, "BULK_MIN_ROWS", 10)
    assert not pgbulk.PgBulkLoad(9).applies()  # too small
    assert pgbulk.PgBulkLoad(10).applies()  # an empty registry
    org = make_organisation("bulk-test", type="politie")
    Person.objects.bulk_create([Person(source=org, source_key=f"k{i}") for i in range(6)])
    assert not pgbulk.PgBulkLoad(11).applies()  # 6 persons registered: the load must be at least twice that
    assert pgbulk.PgBulkLoad(12).applies()
