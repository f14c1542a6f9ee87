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
