"""The bulk encryption used by the import's column path: same tokens, same guarantees as encrypt()."""

from __future__ import annotations

import pytest

from zicht.core.crypto import (
    FieldCipher,
    bsn_hash,
    bsn_hash_many,
    generate_key,
    pack_column,
    secure_columns,
    unpack_column,
)

VALUES = ["Sanne", "", None, "van der", "1990-05-02", "Ünïcødé ’t", "x" * 5000, "Sanne"]
ROWS = list(range(101, 101 + len(VALUES)))
W = "registry_person.voornamen"


def test_encrypt_many_gives_tokens_that_decrypt_to_the_input():
    c = FieldCipher([generate_key()])
    tokens = c.encrypt_many(VALUES, W, ROWS)
    assert [c.decrypt(t, W, row) for t, row in zip(tokens, ROWS)] == VALUES
    assert tokens[1] == "" and tokens[2] is None  # empty stays empty, as with encrypt()
    assert all(t.startswith(f"z2:{c.current_key_id}:{W}:{row}:") for t, row in zip(tokens, ROWS) if t)
    assert tokens[0] != tokens[-1]  # a fresh nonce per value: equal names do not show as equal tokens


def test_encrypt_many_tokens_are_those_of_encrypt():
    c = FieldCipher([generate_key()])
    single, bulk = c.encrypt("Sanne", W, 7), c.encrypt_many(["Sanne"], W, [7])[0]
    assert len(single) == len(bulk) and single.split(":")[:4] == bulk.split(":")[:4]
    assert c.decrypt(bulk, W, 7) == "Sanne" and c.decrypt(single, W, 7) == "Sanne"


def test_older_key_still_decrypts_bulk_tokens_after_rotation():
    old, new = generate_key(), generate_key()
    tokens = FieldCipher([old]).encrypt_many(["Jansen", "de Vries"], W, [1, 2])
    rotated = FieldCipher([new, old])
    assert [rotated.decrypt(t, W) for t in tokens] == ["Jansen", "de Vries"]
    assert all(rotated.needs_rotation(t) for t in tokens)


@pytest.mark.parametrize("values", [[], ["a"], ["a", "", None, "b"], ["with\x1fseparator", "b"]])
def test_pack_and_unpack_round_trip(values):
    packed = pack_column(values)
    assert unpack_column(packed, len(values)) == [v or "" for v in values]
    if any(v and "\x1f" in v for v in values):
        assert isinstance(packed, list)  # never split a value on its own separator


def test_secure_columns_encrypts_and_hashes():
    key = generate_key()
    bsns = ["944117715", "", "944117715"]
    packed, hashes, cpu = secure_columns((key,), "hash-key", [pack_column(VALUES)], [len(VALUES)], pack_column(bsns), 3, [W], [ROWS], [0])
    tokens = unpack_column(packed[0], len(VALUES))
    c = FieldCipher([key])
    assert [c.decrypt(t, W, row) for t, row in zip(tokens, ROWS)] == [v or "" for v in VALUES]
    assert unpack_column(hashes, 3) == bsn_hash_many(bsns, "hash-key") == [bsn_hash(bsns[0], "hash-key"), "", bsn_hash(bsns[0], "hash-key")]
    assert cpu >= 0


def test_decrypt_many_gives_what_decrypt_gives_for_every_kind_of_token():
    """Bound tokens of the current key (the bulk path), an older key's, legacy unbound ones and
    empty values (one by one), mixed in one column: the values decrypt() gives, in order."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    old, new = generate_key(), generate_key()
    c = FieldCipher([new, old])
    tokens = c.encrypt_many(VALUES, W, ROWS)
    tokens[3] = FieldCipher([old]).encrypt(VALUES[3], W, ROWS[3])  # an older key
    nonce = os.urandom(12)
    legacy = base64.urlsafe_b64encode(nonce + AESGCM(base64.urlsafe_b64decode(new)).encrypt(nonce, b"Jansen", None)).decode()
    tokens.append(f"z1:{c.current_key_id}:{legacy}")  # unbound, before issue 12
    rows = [*ROWS, 999]
    expected = [c.decrypt(t, W, row) for t, row in zip(tokens, rows)]
    assert c.decrypt_many(tokens, W, rows) == expected == [*VALUES, "Jansen"]
    assert c.decrypt_many([], W, []) == [] and c.decrypt_many(["", None], W, [1, 2]) == ["", None]


def test_decrypt_many_refuses_a_token_of_another_row_column_or_a_forged_one():
    from zicht.core.crypto import DecryptionError

    c = FieldCipher([generate_key()])
    tokens = c.encrypt_many(["Sanne", "Noah", "Anna"], W, [1, 2, 3])
    with pytest.raises(DecryptionError):
        c.decrypt_many(tokens, W, [1, 3, 2])  # moved between rows
    with pytest.raises(DecryptionError):
        c.decrypt_many(tokens, "registry_person.achternaam", [1, 2, 3])  # another column
    forged = [tokens[0], tokens[1].replace(f":{W}:2:", f":{W}:3:"), tokens[2]]
    with pytest.raises(DecryptionError):
        c.decrypt_many(forged, W, [1, 3, 3])  # the place inside the token rewritten: the tag fails
