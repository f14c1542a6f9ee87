"""`zicht bench import`'s write floor: the requested rows really land, timed, and the indexes come back."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)  # the floor commits: that is one of the parts it times
def test_write_floor_writes_the_requested_rows_and_times_them():
    from django.db import connection

    from zicht.bench.import_ import VOORNAMEN, write_floor
    from zicht.core.crypto import cipher
    from zicht.registry.models import Address, Person, Report, ReportParty

    def indexes():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            else:  # indexes and constraints (PostgreSQL's bulk mode rebuilds both)
                cursor.execute(
                    "SELECT indexrelid::regclass::text FROM pg_index UNION ALL "
                    "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint ORDER BY 1"
                )
            return [r[0] for r in cursor.fetchall()]

    before = indexes()
    result = write_floor(reports=200, persons=500, parties=500, addresses=150)

    assert result["write_floor_rows"] == {"registry_report": 200, "registry_person": 500, "registry_reportparty": 500}
    assert (Report.objects.count(), Person.objects.count(), ReportParty.objects.count()) == (200, 500, 500)
    assert Address.objects.count() == result["write_floor_addresses"] == 150
    parts = result["write_floor_seconds_by_part"]
    assert set(parts) == {"index_drop", "insert", "index_rebuild", "commit"}
    assert all(isinstance(v, float) and v > 0 for v in parts.values())
    assert result["write_floor_seconds"] == pytest.approx(sum(parts.values()))
    assert result["write_floor_cpu_seconds"] > 0
    assert indexes() == before  # dropped for the load, rebuilt before commit

    # Rows as an import writes them: real tokens, a BSN hash for most persons, addresses that exist.
    person = Person.objects.get(source_key="PL2000-20220000001/1")
    assert person.voornamen in VOORNAMEN and person.voorletters == person.voornamen[0] + "."
    with connection.cursor() as cursor:
        cursor.execute("SELECT voornamen FROM registry_person WHERE id = %s", [person.pk])
        token = cursor.fetchone()[0]
    assert token.startswith("z2:") and cipher().decrypt(token, "registry_person.voornamen", person.pk) == person.voornamen
    with_bsn = Person.objects.exclude(bsn_hash="").count()
    assert 0.55 * 500 < with_bsn < 0.85 * 500
    assert all(len(h) == 64 for h in Person.objects.exclude(bsn_hash="").values_list("bsn_hash", flat=True))
    assert not Person.objects.filter(address__isnull=True).exists()
    assert not Report.objects.filter(address__isnull=True).exists()
    assert sorted(ReportParty.objects.values_list("rol", flat=True).distinct()) == ["kind", "pleger", "slachtoffer"]
