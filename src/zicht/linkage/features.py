"""Comparison features of one person record (pure, no Django).

A source record (in the standard input schema below) becomes a flat dict of
normalised features. The batch engine computes the same features for a whole
frame by mapping each distinct value once (names repeat a lot), and the
incremental matcher calls :func:`record_features` for one new record — both
call the same functions, which is half of what keeps incremental and batch
decisions equal.

Standard input schema (all optional except ``unique_id``):
``unique_id, source_dataset, voornamen, tussenvoegsel, achternaam, geboortedatum,
geslacht, postcode, huisnummer, straat, woonplaats, bsn_hash, extra_id, datum`` (``datum``: the
registration's date, read only by the household rule, ``hard_negatives.household_conflict``;
``kind_op``: the date of a report naming the person in the role of a child, read only by
``hard_negatives.age_conflict``; ``melding``: the report id(s) the registration is named in,
joined by ";", read only by the household rule: the other parties of those reports).
"""

from __future__ import annotations

import hashlib
from datetime import date

from . import normalise

INPUT_COLUMNS = [
    "unique_id",
    "source_dataset",
    "voornamen",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "postcode",
    "huisnummer",
    "straat",
    "woonplaats",
    "bsn_hash",
    "extra_id",
    "datum",
    "kind_op",
    "melding",
]

FEATURE_COLUMNS = [
    "given1",
    "given_all",
    "given_ph",
    "init",
    "init1",
    "given_pre",
    "sn_core",
    "sn_tv",
    "sn_compact",
    "sn_first",
    "sn_ph",
    "sn_pre",
    "nameset",
    "word_ph",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "dob_yi",
    "dob_days",
    "dob_swap",
    "gender",
    "gen_given",
    "gen_sn",
    "pc",
    "pc4",
    "hnr",
    "street",
    "city",
    "xid",
    "xid_pre",
    "xid_suf",
    "xid_local",
    "bsn_hash",
    "seen",
    "kind_on",
    "reports",
]


def _none(value: str | None) -> str | None:
    return value if value else None


def given_features(voornamen: str | None) -> dict:
    tokens = normalise.given_tokens(voornamen)
    full = [t for t in tokens if len(t) > 1]
    first = normalise.first_given(voornamen)
    return {
        "given1": _none(first),
        "given_all": _none(" ".join(full)),
        "given_ph": _none(normalise.phonetic_nl(first)),
        "given_pre": _none(normalise.phonetic_nl(first)[:3]),  # blocking: a typo late in the name keeps the start
        "init": _none("".join(t[0] for t in tokens)),
        "init1": _none(tokens[0][0] if tokens else ""),
        "gen_given": _none(normalise.generation_marker(voornamen)),  # "Jan jr.": hard_negatives.generation
    }


def surname_features(achternaam: str | None, tussenvoegsel: str | None) -> dict:
    tv, core = normalise.split_surname(achternaam, tussenvoegsel)
    return {
        "sn_core": _none(core),
        "sn_tv": _none(tv),
        "sn_compact": _none(normalise.surname_compact(tv, core)),
        "sn_first": _none(normalise.surname_first_part(core)),
        "sn_ph": _none(normalise.phonetic_nl(core)),
        "sn_pre": _none(normalise.phonetic_nl(core)[:3]),
        "gen_sn": _none(normalise.generation_marker(achternaam)),  # "Jansen sr."
    }


def dob_features(geboortedatum) -> dict:
    iso = normalise.parse_dob(geboortedatum)
    if not iso:
        return {"dob": None, "dob_y": None, "dob_m": None, "dob_d": None, "dob_yi": None, "dob_days": None, "dob_swap": None}
    return {
        "dob": iso,
        "dob_y": iso[:4],
        "dob_m": iso[5:7],
        "dob_d": iso[8:10],
        "dob_yi": int(iso[:4]),
        "dob_days": date.fromisoformat(iso).toordinal(),  # day number: "at most a month apart" is a subtraction
        "dob_swap": normalise.dob_swap_key(iso),
    }


def address_features(postcode, huisnummer, straat, woonplaats) -> dict:
    pc = normalise.normalise_postcode(postcode)
    hnr = "".join(ch for ch in str(huisnummer or "") if ch.isalnum()).upper()
    return {
        "pc": _none(pc),
        "pc4": _none(pc[:4]),
        "hnr": _none(hnr),
        "street": _none(normalise.fold(straat)),
        "city": _none(normalise.fold(woonplaats)),
    }


def xid_features(xid: str) -> dict:
    """The identifier, and its first and last eight characters as blocking keys (one typo keeps one half).

    For an e-mail address also its local part (before the @): people keep their mailbox
    name across providers and a typo in the domain leaves it intact.
    """
    xid = (xid or "").strip().lower()
    core = "".join(ch for ch in xid if ch.isalnum())
    long_enough = len(core) >= 8
    local = xid.split("@", 1)[0] if "@" in xid else ""
    return {
        "xid": _none(xid),
        "xid_pre": _none(core[:8] if long_enough else ""),
        "xid_suf": _none(core[-8:] if long_enough else ""),
        "xid_local": _none(local if len(local) >= 3 else ""),
    }


def nameset(given_ph: str | None, sn_ph: str | None) -> str | None:
    """Order-free name key: equal when given name and surname were entered the other way round."""
    if not given_ph or not sn_ph:
        return None
    return "|".join(sorted((given_ph, sn_ph)))


def word_key(given_ph: str | None, sn_ph: str | None, init1: str | None) -> str | None:
    """The given name's key, or for a registration without any given name or initial its one name word.

    Why: an advies that names a child only as "Beau" is parsed with "Beau" as the surname
    (one word cannot be split); this key lets it meet "Beau Westersloot" at the same address.
    """
    if given_ph:
        return given_ph
    if init1 is None and sn_ph:
        return sn_ph
    return None


def record_features(record: dict) -> dict:
    """All comparison features of one record in the standard input schema."""
    out = {"unique_id": record.get("unique_id")}
    if "source_dataset" in record:
        out["source_dataset"] = record.get("source_dataset")
    out.update(given_features(record.get("voornamen")))
    out.update(surname_features(record.get("achternaam"), record.get("tussenvoegsel")))
    out["nameset"] = nameset(out["given_ph"], out["sn_ph"])
    out["word_ph"] = word_key(out["given_ph"], out["sn_ph"], out["init1"])
    out.update(dob_features(record.get("geboortedatum")))
    out["gender"] = _none(normalise.normalise_gender(record.get("geslacht")))
    out.update(address_features(record.get("postcode"), record.get("huisnummer"), record.get("straat"), record.get("woonplaats")))
    xid = str(record.get("extra_id") or "").strip().lower()
    out.update(xid_features(xid))
    out["bsn_hash"] = _none(str(record.get("bsn_hash") or ""))
    out["seen"] = seen_day(record.get("datum"))
    out["kind_on"] = seen_day(record.get("kind_op"))
    out["reports"] = report_key(record.get("melding"))
    return out


def report_key(melding) -> str | None:
    """The report ids (meldingen) a registration is named in, sorted and joined by ";" (or None).
    ``melding`` is one id or several joined by ";"; read only by the household rule (its co-parties)."""
    if melding is None or (isinstance(melding, float) and melding != melding):
        return None
    ids = sorted({p.strip() for p in str(melding).split(";") if p.strip()})
    return ";".join(ids) or None


def seen_day(datum) -> int | None:
    """The registration date as a day number (``date.toordinal``), or None."""
    iso = normalise.parse_dob(datum)
    return date.fromisoformat(iso).toordinal() if iso else None


def _hash_key(secret: bytes) -> str:
    """The 16-character SipHash key pandas expects, derived from a secret (BSN hash key)."""
    return hashlib.blake2b(secret or b"zicht-linkage", digest_size=8).hexdigest()


def key_text(parts: tuple) -> str:
    return "\x1f".join("" if p is None else str(p) for p in parts)


def key_digest(parts: tuple, secret: bytes = b"") -> int:
    """A stable signed 64-bit keyed digest of a blocking key (persisted keys reveal no names)."""
    import numpy as np
    from pandas.util import hash_array

    return int(hash_array(np.array([key_text(parts)], dtype=object), hash_key=_hash_key(secret)).view(np.int64)[0])


def key_digests(texts, secret: bytes = b""):
    """Vectorised :func:`key_digest` over an array of key texts (same values)."""
    import numpy as np
    from pandas.util import hash_array

    return hash_array(np.asarray(texts, dtype=object), hash_key=_hash_key(secret)).view(np.int64)
