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


def test_encrypt_many_gives_tokens_that_decrypt_to_the_input():
    c = FieldCipher([generate_key()])
    tokens = c.encrypt_many(VALUES)
    assert [c.decrypt(t) for t in tokens] == VALUES
    assert tokens[1] == "" and tokens[2] is None  # empty stays empty, as with encrypt()
    assert all(t.startswith(f"z1:{c.current_key_id}:") for t in tokens if t)
    assert tokens[0] != tokens[-1]  # a fresh nonce per value: equal names do not show as equal tokens


def test_encrypt_many_tokens_are_those_of_encrypt():
    c = FieldCipher([generate_key()])
    single, bulk = c.encrypt("Sanne"), c.encrypt_many(["Sanne"])[0]
    assert len(single) == len(bulk) and single.split(":")[:2] == bulk.split(":")[:2]
    assert c.decrypt(bulk) == "Sanne"


def test_older_key_still_decrypts_bulk_tokens_after_rotation():
    old, new = generate_key(), generate_key()
    tokens = FieldCipher([old]).encrypt_many(["Jansen", "de Vries"])
    rotated = FieldCipher([new, old])
    assert [rotated.decrypt(t) for t in tokens] == ["Jansen", "de Vries"]
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
    packed, hashes, cpu = secure_columns((key,), "hash-key", [pack_column(VALUES)], [len(VALUES)], pack_column(bsns), 3)
    tokens = unpack_column(packed[0], len(VALUES))
    c = FieldCipher([key])
    assert [c.decrypt(t) for t in tokens] == [v or "" for v in VALUES]
    assert unpack_column(hashes, 3) == bsn_hash_many(bsns, "hash-key") == [bsn_hash(bsns[0], "hash-key"), "",
                                                                            bsn_hash(bsns[0], "hash-key")]
    assert cpu >= 0
