"""The split of casework into parts changed no table: same app label, same tables, no migration."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command


def test_every_model_stays_in_the_casework_app_with_its_table():
    tables = {m.__name__: m._meta.db_table for m in apps.get_app_config("casework").get_models()}
    assert tables == {
        "ColourResult": "casework_colourresult",
        "Hulptraject": "casework_hulptraject",
        "WorklistItem": "casework_worklistitem",
        "Signal": "casework_signal",
        "SignalMatch": "casework_signalmatch",
        "MeldcodeCase": "casework_meldcodecase",
        "MeldcodeAnswer": "casework_meldcodeanswer",
        "Quickscan": "casework_quickscan",  # added with the Quickscan (migration 0003), not by the split
    }


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = io.StringIO()
    call_command("makemigrations", "casework", "--check", "--dry-run", stdout=out)  # exits non-zero on a change
    assert "No changes detected" in out.getvalue()
