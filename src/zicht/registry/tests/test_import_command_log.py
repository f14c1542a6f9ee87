"""Issue 12 item 2: ``zicht import`` leaves a trace in the access log (OS user, arguments, batch, count)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from zicht.access.models import AccessLogEntry
from zicht.registry.models import ImportBatch

pytestmark = pytest.mark.django_db


def test_the_import_command_is_logged_without_personal_data(register, politie_file):
    call_command("import", str(politie_file), profile="politie-bvh", json=True, stdout=StringIO())
    batch = ImportBatch.objects.get()
    entry = AccessLogEntry.objects.get(action="command", record_id="zicht import")
    assert entry.query == f"{politie_file.name} --profile=politie-bvh --json"
    assert str(politie_file.parent) not in entry.query  # the file's name, not where it lives
    assert f"batch {batch.pk}" in entry.reason and f"{batch.rows_loaded} records" in entry.reason
    assert entry.reason.startswith("OS-gebruiker ") and entry.username == "systeem"
