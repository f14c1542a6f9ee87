"""Encryption of direct identifiers at rest and keyed pseudonymisation of the BSN.

Why AES-GCM from ``cryptography`` rather than Fernet: Fernet (AES-CBC + HMAC) costs
roughly five times as much per value, and an import encrypts three to four
values per person row; AES-GCM keeps a million-row import inside its budget.
Every token carries a key id, so ``zicht rotate-keys`` can re-encrypt with a new
first key while older keys still decrypt.

Tokens are bound to where they are stored (issue 12): ``z2:<key id>:<table>.<column>:<row>:<data>``
authenticates table, column and row (the primary key) as AES-GCM associated data, so a value
copied or moved to another column, table or row no longer decrypts there. Callers that know
where a token was read from pass that place (``decrypt(token, place)``) and a token from
elsewhere fails; ``EncryptedTextField`` does this for every model read. The bulk import paths
allocate their primary keys before they encrypt, so they bind rows as well (``encrypt_many``
with a place and row ids). ``z1:<key id>:<data>`` is the earlier, unbound format: it still
decrypts (no place to check) until the data migration or ``zicht rotate-keys`` re-encrypts it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "z1"  # unbound (before issue 12): read only, re-encrypted by migration/rotate-keys
_BOUND = "z2"  # bound to table.column and row by associated data
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


class DecryptionError(ValueError):
    """Raised when a token cannot be decrypted with any configured key (or not in this place)."""


class Place(str):
    """Where a value is stored: ``"<table>.<column>"`` (the row comes separately)."""


def place(table: str, column: str) -> Place:
    return Place(f"{table}.{column}")


def _aad(where: str, row) -> bytes:
    return f"{where}\x1f{row}".encode()


class Plaintext(str):
    """A decrypted value that remembers the row its token was bound to ('' = unbound/legacy)."""

    row: str = ""


def _key_bytes(key: str) -> bytes:
    raw = base64.urlsafe_b64decode(key.encode())
    if len(raw) != 32:
        raise ValueError("Field encryption keys must be 32 bytes, urlsafe-base64 encoded")
    return raw


def key_id(key: str) -> str:
    return hashlib.sha256(_key_bytes(key)).hexdigest()[:8]


class FieldCipher:
    """Encrypts with the first key, decrypts with any key (selected by key id)."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("At least one field encryption key is required")
        self._encrypt_id = key_id(keys[0])
        self._aead = {key_id(k): AESGCM(_key_bytes(k)) for k in keys}

    @property
    def current_key_id(self) -> str:
        return self._encrypt_id

    def encrypt(self, plaintext: str | None, where: str, row="") -> str | None:
        """A token bound to ``where`` ("table.column") and ``row`` (the primary key; '' while unknown)."""
        if plaintext is None or plaintext == "":
            return plaintext
        row = "" if row is None else str(row)
        nonce = os.urandom(12)
        ct = self._aead[self._encrypt_id].encrypt(nonce, plaintext.encode("utf-8"), _aad(where, row))
        return f"{_BOUND}:{self._encrypt_id}:{where}:{row}:{base64.urlsafe_b64encode(nonce + ct).decode()}"

    def encrypt_many(self, values: list, where: str, rows: list) -> list:
        """``[encrypt(v, where, row) for v, row in zip(values, rows)]`` at about half the cost, for bulk imports.

        Same token format and the same guarantee (a fresh random 96-bit nonce per value), but
        the nonces come from one ``os.urandom`` draw and the base64 step runs once over the
        whole list instead of once per value. Empty values stay as they are, as in encrypt().
        ``rows`` are the primary keys the values will be stored under (allocated before encryption).
        """
        todo = [i for i, v in enumerate(values) if v]
        if not todo:
            return list(values)
        nonces = os.urandom(12 * len(todo))
        nonce_list = [nonces[k : k + 12] for k in range(0, len(nonces), 12)]
        encrypt = self._aead[self._encrypt_id].encrypt
        plain = [values[i].encode("utf-8") for i in todo]
        row_text = [str(rows[i]) for i in todo]
        head = f"{where}\x1f".encode()
        aads = [head + r.encode() for r in row_text]
        blobs = list(map(bytes.__add__, nonce_list, map(encrypt, nonce_list, plain, aads)))
        # b2a_base64 ends every value with a newline: encode all, translate to the urlsafe
        # alphabet once, and split on the newlines again.
        encoded = b"".join(map(binascii.b2a_base64, blobs)).translate(_URLSAFE).decode("ascii")
        prefix = f"{_BOUND}:{self._encrypt_id}:{where}:"
        tokens = encoded.split("\n")
        out = list(values)
        for i, row, token in zip(todo, row_text, tokens):
            out[i] = f"{prefix}{row}:{token}"
        return out

    def decrypt(self, token: str | None, where: str | None = None, row=None) -> str | None:
        """The plaintext (a ``Plaintext`` carrying its bound row). With ``where`` (and ``row``) given,
        a token bound to another column or row fails, as does tampering with the place it names."""
        if token is None or token == "":
            return token
        prefix = token[:3]
        try:
            if prefix == _BOUND + ":":
                _, kid, bound_where, bound_row, payload = token.split(":", 4)
                aad = _aad(bound_where, bound_row)
            elif prefix == _PREFIX + ":":
                _, kid, payload = token.split(":", 2)
                bound_where = bound_row = aad = None
            else:
                raise ValueError(prefix)
        except ValueError as exc:
            raise DecryptionError("not an encrypted token") from exc
        if kid not in self._aead:
            raise DecryptionError("unknown key id")
        if where is not None and bound_where is not None and bound_where != where:
            raise DecryptionError("token belongs to another column")
        if row is not None and bound_row not in (None, "") and bound_row != str(row):
            raise DecryptionError("token belongs to another row")
        blob = base64.urlsafe_b64decode(payload.encode())
        try:
            text = Plaintext(self._aead[kid].decrypt(blob[:12], blob[12:], aad).decode("utf-8"))
        except Exception as exc:  # InvalidTag
            raise DecryptionError("token does not decrypt") from exc
        text.row = bound_row or ""
        return text

    def decrypt_many(self, tokens: list, where: str, rows: list) -> list:
        """``[decrypt(t, where, row) for t, row in zip(tokens, rows)]`` as plain ``str`` (not ``Plaintext``),
        for reading a whole column (the batch link reads every person's names).

        The same checks: a token bound to another column or row, under an unknown key or not
        decrypting fails with ``DecryptionError``. Tokens of the current format under one key are
        base64-decoded in one pass and decrypted by a C loop; anything else (legacy tokens, other
        keys, any failure) goes through ``decrypt`` one by one, which raises as it always did."""
        out = list(tokens)
        todo = [i for i, t in enumerate(tokens) if t]
        if not todo:
            return out
        prefix = f"{_BOUND}:{self._encrypt_id}:{where}:"
        fast, slow = [], []
        for i in todo:
            (fast if tokens[i].startswith(prefix) else slow).append(i)
        if fast:
            try:
                cut = len(prefix)
                parts = [tokens[i][cut:].split(":", 1) for i in fast]
                for (bound_row, _), i in zip(parts, fast):
                    if bound_row and bound_row != str(rows[i]):
                        raise DecryptionError("token belongs to another row")
                blobs = map(binascii.a2b_base64, "\n".join(p[1] for p in parts).encode("ascii").translate(_FROM_URLSAFE).split(b"\n"))
                head = f"{where}\x1f".encode()
                decrypt = self._aead[self._encrypt_id].decrypt
                for i, (bound_row, _), blob in zip(fast, parts, blobs):
                    out[i] = decrypt(blob[:12], blob[12:], head + bound_row.encode()).decode("utf-8")
            except Exception:  # noqa: BLE001 - the one-by-one path raises the precise error
                slow = todo
        for i in slow:
            out[i] = str(self.decrypt(tokens[i], where, rows[i]))
        return out

    def needs_rotation(self, token: str | None, row=None) -> bool:
        """True for a token under an older key, in the unbound format, or not yet bound to ``row``."""
        if not token:
            return False
        parts = token.split(":", 4)
        if parts[0] != _BOUND or parts[1] != self._encrypt_id:
            return True
        return row is not None and parts[3] != str(row)


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def throwaway_secrets() -> dict[str, str]:
    """Fresh random secrets for a process that handles synthetic data only (benchmarks): the
    environment variables settings.py reads, never the published demo values."""
    import secrets

    return {
        "ZICHT_SECRET_KEY": secrets.token_urlsafe(50),
        "ZICHT_FIELD_KEYS": generate_key(),
        "ZICHT_BSN_HASH_KEY": secrets.token_urlsafe(32),
    }


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> FieldCipher:
    return FieldCipher(list(keys))


def cipher() -> FieldCipher:
    """The cipher for the configured keys (settings.FIELD_ENCRYPTION_KEYS)."""
    from django.conf import settings

    return _cipher_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def bsn_hash(bsn: str, key: str | None = None) -> str:
    """Keyed hash (HMAC-SHA256) of a BSN: equal BSNs link, the BSN itself is never stored.

    ``key`` is a key chain, oldest first ("k1,k2"): the BSN is hashed with k1 and the result
    re-hashed with each later key (``rehash_bsn``). That is what makes rotation possible without
    the BSN: ``zicht rotate-bsn-key`` re-hashes every stored hash with the new key, and new
    arrivals are hashed through the whole chain, so both end up equal. After a rotation the
    stored values depend on the new key: a leaked older key alone no longer lets anyone test
    BSNs against the database.
    """
    if key is None:
        from django.conf import settings

        key = settings.BSN_HASH_KEY
    keys = key.split(",")
    digits = "".join(ch for ch in bsn if ch.isdigit()).zfill(9)
    value = hmac.new(keys[0].encode(), digits.encode(), hashlib.sha256).hexdigest()
    for later in keys[1:]:
        value = rehash_bsn(value, later)
    return value


def rehash_bsn(stored: str, key: str) -> str:
    """One rotation step: a stored BSN hash re-hashed with the next key of the chain."""
    return hmac.new(key.encode(), b"bsn-rotation:" + stored.encode(), hashlib.sha256).hexdigest()


CANARY_BSN = "000000000"  # fails the 11-proef: never a person's BSN


def bsn_chain_fingerprint(key: str) -> str:
    """What a key chain is, without revealing it: the chain's hash of a BSN nobody has."""
    return bsn_hash(CANARY_BSN, key)


def encrypt_columns(keys: tuple[str, ...], columns: list[list], places: list[str], rows: list[list]) -> list[list]:
    """encrypt_many over several columns with the cipher for ``keys``; a process-pool job
    (module level so it pickles; the keys travel with the job, never through the environment).
    ``places[i]`` is column i's "table.column", ``rows[i]`` the primary keys of its values."""
    field_cipher = _cipher_for(tuple(keys))
    return [field_cipher.encrypt_many(column, where, ids) for column, where, ids in zip(columns, places, rows)]


def bsn_hash_many(bsns: list[str], key: str) -> list[str]:
    """bsn_hash for a column, each distinct BSN hashed once ('' stays '')."""
    cache: dict[str, str] = {"": ""}
    for value in set(bsns):
        if value not in cache:
            cache[value] = bsn_hash(value, key)
    return list(map(cache.__getitem__, bsns))


# -- bulk paths (the import pipeline's process pool; no Django here, workers never set it up) --
_SEP = "\x1f"  # unit separator: packs a column into one string, pickled as a single memcpy


def pack_column(values: list) -> str | list:
    """One string for a column of text ('' for None); the list itself if a value holds the separator."""
    try:
        plain, text = values, _SEP.join(values)  # the usual case: text only, no copy of the list
    except TypeError:  # a None among the values
        plain = [v or "" for v in values]
        text = _SEP.join(plain)
    return text if text.count(_SEP) == max(len(plain) - 1, 0) else plain


def unpack_column(packed: str | list, n: int) -> list:
    if not isinstance(packed, str):
        return packed
    return packed.split(_SEP) if n else []


def secure_columns(
    keys: tuple[str, ...],
    bsn_key: str,
    packed: list,
    sizes: list[int],
    bsns,
    n_bsn: int,
    places: list[str],
    row_ids: list,
    column_rows: list[int],
):
    """Encrypt packed text columns and hash a packed BSN column; returns both packed, and the CPU
    seconds spent (a pool job: the import benchmark reports the workers' share).

    Column i is stored at ``places[i]`` ("table.column") in the rows ``row_ids[column_rows[i]]``
    (one list of primary keys per table, shared by that table's columns)."""
    import time

    started = time.process_time()
    encrypted = encrypt_columns(keys, [unpack_column(p, n) for p, n in zip(packed, sizes)], places, [row_ids[k] for k in column_rows])
    hashes = bsn_hash_many(unpack_column(bsns, n_bsn), bsn_key)
    return [pack_column(c) for c in encrypted], pack_column(hashes), time.process_time() - started


def exit_with_parent(pid: int) -> None:
    """Pool-worker initializer: end this worker as soon as process ``pid`` is gone.

    A killed import must leave no worker behind holding the encryption keys: workers block on
    their job queue and would not notice on their own.
    """
    import threading
    import time

    def watch() -> None:
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()
