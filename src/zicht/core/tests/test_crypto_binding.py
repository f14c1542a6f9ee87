"""Issue 12 item 6: an encrypted value is bound to its table, column and row (AES-GCM associated data)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from zicht.core.crypto import DecryptionError, FieldCipher, generate_key

W = "registry_person.voornamen"


def test_a_token_decrypts_only_in_its_own_place():
    c = FieldCipher([generate_key()])
    token = c.encrypt("Sanne", W, 7)
    assert c.decrypt(token, W, 7) == "Sanne" and c.decrypt(token, W, 7).row == "7"
    with pytest.raises(DecryptionError):
        c.decrypt(token, "registry_person.achternaam", 7)  # another column
    with pytest.raises(DecryptionError):
        c.decrypt(token, W, 8)  # another row


def test_the_place_named_in_a_token_is_authenticated():
    """Rewriting the place inside the token (to make it fit another row) breaks the GCM tag."""
    c = FieldCipher([generate_key()])
    token = c.encrypt("Sanne", W, 7)
    forged = token.replace(f":{W}:7:", f":{W}:8:")
    with pytest.raises(DecryptionError):
        c.decrypt(forged, W, 8)
    forged = token.replace(f":{W}:", ":registry_person.achternaam:")
    with pytest.raises(DecryptionError):
        c.decrypt(forged, "registry_person.achternaam", 7)


def test_old_unbound_tokens_still_decrypt_and_need_rotation():
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = generate_key()
    c = FieldCipher([key])
    nonce = os.urandom(12)
    blob = AESGCM(base64.urlsafe_b64decode(key)).encrypt(nonce, b"Jansen", None)
    legacy = f"z1:{c.current_key_id}:{base64.urlsafe_b64encode(nonce + blob).decode()}"
    assert c.decrypt(legacy, W, 3) == "Jansen"
    assert c.needs_rotation(legacy) and c.needs_rotation(c.encrypt("x", W, ""), row=3)
    assert not c.needs_rotation(c.encrypt("x", W, 3), row=3)


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _set_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


@pytest.mark.django_db
def test_orm_rows_are_bound_and_a_moved_token_fails():
    from zicht.core.testing import make_organisation
    from zicht.registry.models import Person

    org = make_organisation()
    a = Person.objects.create(source=org, source_key="A", voornamen="Sanne", achternaam="Jansen")
    b = Person.objects.create(source=org, source_key="B", voornamen="Noah", achternaam="Vries")
    assert _raw("registry_person", "voornamen", a.pk).startswith("z2:") and f":{W}:{a.pk}:" in _raw("registry_person", "voornamen", a.pk)
    assert Person.objects.get(pk=a.pk).voornamen == "Sanne"
    # Swap a's name into b's row: b no longer loads.
    _set_raw("registry_person", "voornamen", b.pk, _raw("registry_person", "voornamen", a.pk))
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=b.pk)
    # Move a's surname into a's first-name column: a no longer loads.
    _set_raw("registry_person", "voornamen", a.pk, _raw("registry_person", "achternaam", a.pk))
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=a.pk)


@pytest.mark.django_db
def test_saving_an_existing_row_keeps_it_bound():
    from zicht.core.testing import make_organisation
    from zicht.registry.models import Person

    p = Person.objects.create(source=make_organisation(), source_key="A", voornamen="Sanne")
    p.voornamen = "Sanna"
    p.save()
    assert f":{W}:{p.pk}:" in _raw("registry_person", "voornamen", p.pk)
    assert Person.objects.get(pk=p.pk).voornamen == "Sanna"


@pytest.mark.django_db
def test_rotate_keys_binds_unbound_values(settings):
    from zicht.core.crypto import cipher
    from zicht.core.testing import make_organisation
    from zicht.registry.models import Person

    p = Person.objects.create(source=make_organisation(), source_key="A", voornamen="Sanne")
    Person.objects.filter(pk=p.pk).update(achternaam="Jansen")  # no instance: bound to the column only
    assert _raw("registry_person", "achternaam", p.pk).split(":")[3] == ""
    call_command("rotate-keys", "--no-progress", "--json", stdout=__import__("io").StringIO())
    token = _raw("registry_person", "achternaam", p.pk)
    assert token.split(":")[3] == str(p.pk) and cipher().decrypt(token, "registry_person.achternaam", p.pk) == "Jansen"


@pytest.mark.django_db
def test_data_migration_binds_values_written_before(settings):
    """The migration's step, run over the historical models of the migration state."""
    import base64
    import importlib
    import os
    from types import SimpleNamespace

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.db.migrations.executor import MigrationExecutor

    from zicht.core.crypto import cipher
    from zicht.core.testing import make_organisation
    from zicht.registry.models import Person

    p = Person.objects.create(source=make_organisation(), source_key="A", voornamen="x")
    key = settings.FIELD_ENCRYPTION_KEYS[0]
    nonce = os.urandom(12)
    blob = AESGCM(base64.urlsafe_b64decode(key)).encrypt(nonce, b"Sanne", None)
    _set_raw("registry_person", "voornamen", p.pk, f"z1:{cipher().current_key_id}:{base64.urlsafe_b64encode(nonce + blob).decode()}")
    state = MigrationExecutor(connection).loader.project_state(("registry", "0007_bind_encrypted_values"))
    migration = importlib.import_module("zicht.registry.migrations.0007_bind_encrypted_values")
    migration.bind(state.apps, SimpleNamespace(connection=connection))
    token = _raw("registry_person", "voornamen", p.pk)
    assert token.startswith("z2:") and cipher().decrypt(token, W, p.pk) == "Sanne"
    assert Person.objects.get(pk=p.pk).voornamen == "Sanne"
