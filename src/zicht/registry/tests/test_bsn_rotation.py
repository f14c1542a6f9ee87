"""Issue 12 item 6: the BSN-hash key can be rotated without the BSN (a key chain; zicht rotate-bsn-key)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zicht.core.crypto import bsn_hash, rehash_bsn
from zicht.registry.models import BsnKeyMismatch, BsnKeyState, Person
from zicht.registry.pipeline import import_file

NEW = "nieuwe-bsn-sleutel-0123456789"


def test_chain_hash_is_the_rotated_hash():
    assert bsn_hash("944117715", "k1,k2") == rehash_bsn(bsn_hash("944117715", "k1"), "k2")
    assert bsn_hash("944117715", "k1,k2") != bsn_hash("944117715", "k2")  # the old key is still part of it
    assert bsn_hash("944117715", "k1,k2") != bsn_hash("944117715", "k1")


@pytest.mark.django_db
def test_rotation_keeps_persons_linkable_and_refuses_a_stale_chain(register, politie_file, settings, monkeypatch, tmp_path):
    from .conftest import politie_rows, write_politie

    old = settings.BSN_HASH_KEY
    import_file(politie_file, "politie-bvh")
    before = dict(Person.objects.exclude(bsn_hash="").values_list("pk", "bsn_hash"))
    assert before
    monkeypatch.setenv("ZICHT_BSN_HASH_KEY_NEW", NEW)
    call_command("rotate-bsn-key", stdout=io.StringIO())
    after = dict(Person.objects.exclude(bsn_hash="").values_list("pk", "bsn_hash"))
    assert after == {pk: rehash_bsn(h, NEW) for pk, h in before.items()}
    assert BsnKeyState.objects.get().depth == len(old.split(",")) + 1
    # Running it again before the configuration changed is refused, as is an import with the old chain.
    with pytest.raises(CommandError, match="niet de sleutelketen"):
        call_command("rotate-bsn-key", stdout=io.StringIO())
    second = write_politie(tmp_path / "tweede.csv", [row.replace("PL2000-", "PL2001-") for row in politie_rows()])
    with pytest.raises(BsnKeyMismatch):
        import_file(second, "politie-bvh")
    # With the new chain configured, a new arrival with a known BSN gets the very same hash.
    settings.BSN_HASH_KEY = f"{old},{NEW}"
    batch = import_file(second, "politie-bvh")
    new_hashes = set(Person.objects.filter(import_batch=batch).exclude(bsn_hash="").values_list("bsn_hash", flat=True))
    assert new_hashes and new_hashes <= set(after.values())


@pytest.mark.django_db
def test_rotation_needs_a_real_new_key(monkeypatch, settings):
    monkeypatch.setenv("ZICHT_BSN_HASH_KEY_NEW", "kort")
    with pytest.raises(CommandError, match="minstens 16"):
        call_command("rotate-bsn-key")
    monkeypatch.setenv("ZICHT_BSN_HASH_KEY_NEW", settings.BSN_HASH_KEY.split(",")[0])
    with pytest.raises(CommandError):
        call_command("rotate-bsn-key")
