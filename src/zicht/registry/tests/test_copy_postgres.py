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
