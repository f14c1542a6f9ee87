"""After a large write the steps that follow plan with fresh statistics (``core.dbstats``): on
PostgreSQL the tables an import or a batch link grew are analysed at once; SQLite keeps none."""

from __future__ import annotations

import pytest
from django.db import connection

from zicht.core.dbstats import analyze_written
from zicht.registry.models import Address, Person, Report, ReportParty
from zicht.registry.pipeline import import_file
from zicht.registry.postprocess import analyze_imported

pytestmark = pytest.mark.django_db


def _has_statistics(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s)", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def test_an_import_leaves_its_tables_analysed_on_postgresql_only(register, politie_file):
    batch = import_file(politie_file, "politie-bvh", defer_postprocess=True)
    assert batch.status == "loaded" and batch.persons_created > 0
    tables = [m._meta.db_table for m in (Report, Person, ReportParty, Address)]
    done = analyze_imported(batch)
    if connection.vendor == "postgresql":
        # the tables were never analysed: every one the import wrote to is, now, with its column statistics
        assert done == tables
        assert all(_has_statistics(t) for t in tables)
        # statistics that know the rows now: the same batch again is not a large write next to them
        assert analyze_imported(batch) == []
    else:
        assert done == [] and not any(_has_statistics(t) for t in tables)


def test_a_small_write_next_to_known_statistics_analyses_nothing(register, politie_file):
    batch = import_file(politie_file, "politie-bvh", defer_postprocess=True)
    analyze_imported(batch)
    table = Person._meta.db_table
    assert analyze_written({table: 0}) == []
    n = Person.objects.count()
    expected = [table] if connection.vendor == "postgresql" else []
    assert analyze_written({table: 50 + n // 10}) == []  # autovacuum's own threshold: not yet
    assert analyze_written({table: 51 + n}) == expected
