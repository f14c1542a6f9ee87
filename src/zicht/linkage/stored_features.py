"""The comparison features of a person, persisted without anything readable, and scored in bulk.

Why: a delivery's candidates (the persons sharing a blocking key with a delivered person) grow
with the registry, and deciding which of them matter used to mean decrypting each and scoring
it in Python. Here every linked person has one row of ``PersonFeatures``: each text feature a
comparison level reads as a keyed 64-bit digest (as ``BlockingKey``: SipHash keyed with a key
derived from the BSN hash key), the day numbers shifted by a secret offset (differences exact,
no date stored). The candidates are read with one join against a temporary id table and scored
with NumPy, decrypting nothing.

Digests decide every equality exactly (up to a 2^-64 collision). They cannot decide a
Jaro-Winkler or Levenshtein threshold between two different texts; such a level is *open* for
the pair, and the pair's weight is then known to lie between the weights of the levels it can
still take (``bounds``). That is enough for the candidate step: a candidate whose *highest
possible* weight with every delivered person stays below the review threshold can change
nothing (the reference, ``incremental.score_pairs`` on decrypted records, drops exactly those
whose *true* weight does, a subset of these); the others enter the subproblem, which is scored
exactly on decrypted records. ``tests/test_stored_features.py`` checks the bounds against the
decrypted reference on fixed data: every decided level equal, every true weight within the bounds.

Exposure: a row reveals which persons share a (digested) value, as the blocking keys already
do, and the differences between day numbers (ages relative to one another); not a name, not a date.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from . import features
from .comparisons import model_comparisons

# Text features a comparison level reads, each stored as a keyed digest (0 = missing).
DIGEST_COLUMNS = (
    "given1",
    "given_ph",
    "init1",
    "sn_core",
    "sn_compact",
    "sn_ph",
    "sn_first",
    "dob",
    "dob_swap",
    "dob_y",
    "dob_m",
    "dob_d",
    "gender",
    "pc",
    "pc4",
    "hnr",
    "street",
    "city",
    "xid",
)
TOKENS = 4  # given-name tokens stored (given_all); a person with more gets the count, and the level stays open
TOKEN_COLUMNS = tuple(f"given_t{i}" for i in range(1, TOKENS + 1))
NUMBER_COLUMNS = ("dob_days", "dob_yi")  # shifted by a secret offset; 0 = missing
# Texts compared by Jaro-Winkler: besides the digest, a sketch that bounds the similarity from
# above (``jw_upper``): per text a keyed 12-bucket letter histogram (5 bits a bucket; letters
# mapped to buckets by a keyed hash, so a bucket is an unknown mix of letters) and the length with
# 12-bit keyed digests of the first 1-4 letters (the Winkler prefix).
JW_FIELDS = ("given1", "sn_core", "city")
BUCKETS, BUCKET_BITS, PREFIX_BITS = 12, 5, 12
SKETCH_COLUMNS = tuple(f"{f}_{part}" for f in JW_FIELDS for part in ("hist", "pre"))
COLUMNS = DIGEST_COLUMNS + TOKEN_COLUMNS + ("given_n",) + NUMBER_COLUMNS + SKETCH_COLUMNS


def _secret(secret: bytes, purpose: bytes) -> bytes:
    return hashlib.blake2b(secret + b"/" + purpose, digest_size=16).digest()


def _offset(secret: bytes, purpose: bytes, span: int) -> int:
    """A secret shift in [span, 2·span): differences stay exact, values stay positive (0 = missing)."""
    return span + int.from_bytes(hashlib.blake2b(secret + b"/" + purpose, digest_size=8).digest(), "big") % span


def _digest_values(values: np.ndarray, key: bytes) -> np.ndarray:
    """Digests of an object array of texts (None/NaN → 0), each distinct text hashed once."""
    values = np.asarray(values, dtype=object)
    out = np.zeros(len(values), dtype=np.int64)
    present = pd.notna(values)
    if present.any():
        codes, uniques = pd.factorize(pd.Series(values[present]).astype(str))
        digests = features.key_digests(np.asarray(uniques, dtype=object), key)
        digests = np.where(digests == 0, 1, digests)  # 0 means missing
        out[present] = digests[codes]
    return out


def _sketch(text: str, key: bytes) -> tuple[int, int]:
    """(histogram, length and prefixes) of one text; a bucket over 31 letters marks the histogram unusable (-1)."""
    hist = [0] * BUCKETS
    for ch in text:
        hist[hashlib.blake2b(ch.encode(), key=key, digest_size=2).digest()[0] % BUCKETS] += 1
    packed = -1 if max(hist) >= 2**BUCKET_BITS else sum(n << (BUCKET_BITS * i) for i, n in enumerate(hist))
    pre = min(len(text), 255)
    for k in range(1, 5):
        d = int.from_bytes(hashlib.blake2b(text[:k].encode(), key=key, digest_size=2).digest(), "big") % 2**PREFIX_BITS
        pre |= d << (8 + PREFIX_BITS * (k - 1))
    return packed, pre


def _sketches(values: np.ndarray, key: bytes) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(values, dtype=object)
    hist, pre = np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=np.int64)
    present = pd.notna(values)
    if present.any():
        codes, uniques = pd.factorize(pd.Series(values[present]).astype(str))
        done = np.array([_sketch(u, key) for u in uniques], dtype=np.int64).reshape(-1, 2)
        hist[present], pre[present] = done[codes, 0], done[codes, 1]
    return hist, pre


def jw_upper(lh, lp, rh, rp) -> np.ndarray:
    """An upper bound of Jaro-Winkler (prefix weight 0.1, as rapidfuzz) from two sketches (``_sketch``).

    Jaro = (m/|a| + m/|b| + (m - t)/m) / 3 grows with the matching letters m, which cannot exceed
    the letters the two histograms share (a bucket shares at most its smaller count; letters mixed
    in a bucket only raise that) nor the shorter length; Winkler adds l·0.1·(1 - Jaro) for a common
    prefix of l ≤ 4 letters, read off the prefix digests (a 12-bit collision only raises l)."""
    la, lb = (lp & 255).astype(float), (rp & 255).astype(float)
    m = np.minimum(la, lb)
    usable = (lh >= 0) & (rh >= 0)
    shared = np.zeros(len(lh), dtype=float)
    for i in range(BUCKETS):
        mask = 2**BUCKET_BITS - 1
        shared += np.minimum((lh >> (BUCKET_BITS * i)) & mask, (rh >> (BUCKET_BITS * i)) & mask)
    m = np.where(usable, np.minimum(m, shared), m)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaro = np.where(m > 0, (m / np.maximum(la, 1) + m / np.maximum(lb, 1) + 1) / 3, 0.0)
    jaro = np.minimum(jaro, 1.0)
    prefix = np.zeros(len(lh), dtype=float)
    running = np.ones(len(lh), dtype=bool)
    for k in range(1, 5):
        shift = 8 + PREFIX_BITS * (k - 1)
        same = (((lp >> shift) ^ (rp >> shift)) & (2**PREFIX_BITS - 1)) == 0
        running &= same & (np.minimum(la, lb) >= k)
        prefix += running
    return jaro + prefix * 0.1 * (1 - jaro)


def rows_from_frame(feats: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """The persisted features (``COLUMNS``, int64, 0 = missing) of a features frame (``engine.features_frame``)."""
    key = _secret(secret, b"features")
    out = {"person_id": pd.to_numeric(feats["unique_id"]).to_numpy(dtype=np.int64)}
    for c in DIGEST_COLUMNS:
        out[c] = _digest_values(feats[c].to_numpy(dtype=object), key) if c in feats.columns else np.zeros(len(feats), dtype=np.int64)
    tokens = [[] if pd.isna(v) else sorted(set(str(v).split(" "))) for v in feats["given_all"].to_numpy(dtype=object)]
    for i, c in enumerate(TOKEN_COLUMNS):
        out[c] = _digest_values(np.array([t[i] if len(t) > i else None for t in tokens], dtype=object), key)
    out["given_n"] = np.array([len(t) for t in tokens], dtype=np.int64)
    day = _offset(secret, b"days", 1_000_000)
    year = _offset(secret, b"years", 10_000)
    for c, shift in (("dob_days", day), ("dob_yi", year)):
        v = pd.to_numeric(pd.Series(np.asarray(feats[c], dtype=object)), errors="coerce").to_numpy(dtype=float)
        out[c] = np.where(np.isnan(v), 0, np.nan_to_num(v) + shift).astype(np.int64)
    sketch_key = _secret(secret, b"sketch")
    for f in JW_FIELDS:
        out[f"{f}_hist"], out[f"{f}_pre"] = _sketches(feats[f].to_numpy(dtype=object), sketch_key)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- vectorised levels
# Each level of comparisons.py once more, on digests: (true, open) per pair. ``true``: the level
# holds; ``open``: it may hold (a text similarity the digests cannot decide). One function per
# level label; a level without one fails loudly (tests check every label has one).


def _eq(a, b):
    return (a == b) & (a != 0)


def _both(a, b):
    return (a != 0) & (b != 0)


def _none(n):
    return np.zeros(n, dtype=bool)


def _similar(c, threshold: float | None = None):
    """A Jaro-Winkler (``threshold``) or Levenshtein threshold on column ``c``: true when equal; open when
    both present, different, and (Jaro-Winkler) the sketches' upper bound reaches the threshold."""

    def level(L, R):
        eq = _eq(L[c], R[c])
        open_ = _both(L[c], R[c]) & ~eq
        if threshold is not None:
            open_ &= jw_upper(L[f"{c}_hist"], L[f"{c}_pre"], R[f"{c}_hist"], R[f"{c}_pre"]) >= threshold - JW_SLACK
        return eq, open_

    return level


JW_SLACK = 1e-6  # the levels compare with comparisons.EPS; the bound keeps a wider margin


def _given_any(L, R):
    hit = _none(len(L["given_n"]))
    for a in TOKEN_COLUMNS:
        for b in TOKEN_COLUMNS:
            hit |= _eq(L[a], R[b])
    both = (L["given_n"] > 0) & (R["given_n"] > 0)
    return hit & both, both & ~hit & ((L["given_n"] > TOKENS) | (R["given_n"] > TOKENS))


def _sounds_or_close(L, R):
    """Equal phonetic key, or Jaro-Winkler ≥ 0.92 on the first given name (open when the names differ)."""
    t = _eq(L["given_ph"], R["given_ph"]) | _eq(L["given1"], R["given1"])
    return t, _similar("given1", 0.92)(L, R)[1] & ~t


def _cross(L, R):
    return _eq(L["sn_ph"], R["given_ph"]) | _eq(L["sn_first"], R["given1"])


def _one_part(L, R):
    same = (L["dob_y"] == R["dob_y"]).astype(int) + (L["dob_m"] == R["dob_m"]).astype(int) + (L["dob_d"] == R["dob_d"]).astype(int)
    return same == 2


def _days(L, R):
    return np.abs(L["dob_days"] - R["dob_days"])


def _true(L, R):
    return np.ones(len(L["dob"]), dtype=bool)


def _closed(fn):
    def level(L, R):
        t = fn(L, R)
        return t, _none(len(t))

    return level


LEVELS = {
    "voornaam": {
        "ontbreekt": _closed(lambda L, R: (L["init1"] == 0) | (R["init1"] == 0)),
        "gelijk": _closed(lambda L, R: _eq(L["given1"], R["given1"])),
        "klinkt gelijk of bijna gelijk": _sounds_or_close,
        "een andere voornaam gelijk": _given_any,
        "voorletter past bij voornaam": _closed(lambda L, R: _eq(L["init1"], R["init1"]) & ((L["given1"] == 0) | (R["given1"] == 0))),
        "lijkt op elkaar": _similar("given1", 0.8),
        "voornaam en achternaam verwisseld": _closed(lambda L, R: _eq(L["given_ph"], R["sn_ph"]) | _eq(L["sn_ph"], R["given_ph"])),
        "anders": _closed(_true),
    },
    "achternaam": {
        "ontbreekt": _closed(lambda L, R: (L["sn_core"] == 0) | (R["sn_core"] == 0)),
        "gelijk (met tussenvoegsel)": _closed(lambda L, R: _eq(L["sn_compact"], R["sn_compact"])),
        "gelijk, ander of geen tussenvoegsel": _closed(lambda L, R: _eq(L["sn_core"], R["sn_core"])),
        "klinkt gelijk": _closed(lambda L, R: _eq(L["sn_ph"], R["sn_ph"])),
        "een deel van een dubbele naam gelijk": _closed(lambda L, R: _eq(L["sn_first"], R["sn_first"])),
        "bijna gelijk": _similar("sn_core", 0.92),
        "lijkt op elkaar": _similar("sn_core", 0.8),
        "voornaam en achternaam verwisseld": _closed(lambda L, R: _cross(L, R) | _cross(R, L)),
        "anders": _closed(_true),
    },
    "geboortedatum": {
        "ontbreekt": _closed(lambda L, R: (L["dob"] == 0) | (R["dob"] == 0)),
        "gelijk": _closed(lambda L, R: _eq(L["dob"], R["dob"])),
        "dag en maand verwisseld": _closed(lambda L, R: _eq(L["dob_swap"], R["dob_swap"])),
        "één deel anders (tikfout)": _closed(_one_part),
        "hooguit een maand verschil": _closed(lambda L, R: _days(L, R) <= 31),
        "geboortejaar hooguit 2 verschil": _closed(lambda L, R: np.abs(L["dob_yi"] - R["dob_yi"]) <= 2),
        "ander decennium, verder bijna gelijk": _closed(lambda L, R: np.abs(_days(L, R) - 3652) <= 45),
        "anders": _closed(_true),
    },
    "geslacht": {
        "ontbreekt": _closed(lambda L, R: (L["gender"] == 0) | (R["gender"] == 0)),
        "gelijk": _closed(lambda L, R: _eq(L["gender"], R["gender"])),
        "anders": _closed(_true),
    },
    "adres": {
        "ontbreekt": _closed(lambda L, R: ((L["pc"] == 0) | (R["pc"] == 0)) & ((L["city"] == 0) | (R["city"] == 0))),
        "zelfde adres": _closed(lambda L, R: _eq(L["pc"], R["pc"]) & _eq(L["hnr"], R["hnr"])),
        "zelfde postcode of straat en huisnummer": _closed(
            lambda L, R: _eq(L["pc"], R["pc"]) | (_eq(L["street"], R["street"]) & _eq(L["hnr"], R["hnr"]))
        ),
        "zelfde woonplaats of postcodegebied": _closed(lambda L, R: _eq(L["city"], R["city"]) | _eq(L["pc4"], R["pc4"])),
        "woonplaats bijna gelijk (tikfout)": _similar("city", 0.9),
        "anders": _closed(_true),
    },
    "kenmerk": {
        "ontbreekt": _closed(lambda L, R: (L["xid"] == 0) | (R["xid"] == 0)),
        "gelijk": _closed(lambda L, R: _eq(L["xid"], R["xid"])),
        "bijna gelijk": _similar("xid"),
        "anders": _closed(_true),
    },
}


def bounds(L: dict, R: dict, params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (row i of ``L`` against row i of ``R``, column → int64 array): the lowest and highest
    match weight the pair can have under ``params``, and whether the two are equal (every level
    decided). As ``Comparison.gamma``: levels in order, the null level first (gamma -1), the first
    level that holds is the pair's; an open level before it adds its weight to the possible ones."""
    n = len(L["dob"])
    lo = np.full(n, params.prior_weight, dtype=float)
    hi = lo.copy()
    for comp in model_comparisons(params):
        weights, funcs = params.weights[comp.name], LEVELS[comp.name]
        undecided = np.ones(n, dtype=bool)  # no level known to hold yet
        c_lo, c_hi = np.full(n, np.inf), np.full(n, -np.inf)
        k = len(comp.levels)
        for i, level in enumerate(comp.levels):
            g = -1 if level.is_null else k - 1 - i
            holds, maybe = funcs[level.label](L, R)
            if level.is_null:
                maybe = maybe & ~holds
            w = weights[g]
            reach = (holds | maybe) & undecided
            c_lo = np.where(reach, np.minimum(c_lo, w), c_lo)
            c_hi = np.where(reach, np.maximum(c_hi, w), c_hi)
            undecided &= ~holds
        lo += c_lo
        hi += c_hi
    return lo, hi, np.isclose(lo, hi, rtol=0, atol=1e-12)


def frame_arrays(frame: pd.DataFrame, index: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of a persisted-features frame at these row positions, as int64 arrays."""
    return {c: frame[c].to_numpy(dtype=np.int64)[index] for c in COLUMNS}
