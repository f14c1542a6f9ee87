"""Evidence that two registrations are two people, whatever else agrees (pure, no Django).

Why: in this domain the costly errors are twins (same surname, date of birth and address),
a father and a son with the same names (jr./sr.) and unrelated namesakes. Each looks like a
strong match on most comparisons; the model's weights add up to a link. These rules read
what plainly tells them apart and are consulted by the cluster check (``veto.conflicts``),
so the batch (``engine.cluster_pairs``) and arrival (``services.link_person``) keep such
records apart the same way. Each rule allows for the errors registrations make: a digit
typed wrong, day and month swapped, two digits transposed, a roepnaam for the official name,
initials for the written-out name, given name and surname swapped.

All functions take feature dicts as ``features.record_features`` makes them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from . import normalise
from .comparisons import jw

# A different date of birth with this many days or fewer between them is not a conflict on
# its own (a wrong day within the month); beyond it only a typo explanation keeps the pair.
DOB_NEAR_DAYS = 31
# A record whose BSN equals another's but whose date of birth lies this many years away (and
# no typo explains it) carries someone else's BSN: a parent's on a child's registration.
BSN_CONTRADICTED_YEARS = 12
# Given names this similar (Jaro-Winkler) are one name mistyped or spelled otherwise.
GIVEN_SIMILAR = 0.88

# Roepnaam ↔ official name (folded): the frequent Dutch pairs that share no prefix or sound.
# Both directions are read; a name may have several official forms.
ROEPNAMEN: dict[str, set[str]] = {
    "kees": {"cornelis"},
    "cor": {"cornelis", "cornelia"},
    "jan": {"johannes"},
    "hans": {"johannes"},
    "joop": {"johannes"},
    "jo": {"johannes", "johanna"},
    "henk": {"hendrik", "hendrikus"},
    "klaas": {"nicolaas"},
    "nico": {"nicolaas"},
    "piet": {"petrus", "pieter"},
    "toon": {"antonius"},
    "ton": {"antonius"},
    "teun": {"antonius"},
    "gijs": {"gijsbertus"},
    "bert": {"albertus", "gijsbertus", "hubertus", "lambertus"},
    "wim": {"willem", "wilhelmus"},
    "harm": {"harmen", "hermanus"},
    "dirk": {"theodorus"},
    "ruud": {"rudolf", "rudolphus"},
    "sjaak": {"jacobus"},
    "koos": {"jacobus"},
    "jaap": {"jacobus", "jacob"},
    "co": {"jacobus"},
    "thijs": {"matthijs", "mattheus"},
    "guus": {"augustinus", "gustaaf"},
    "sjef": {"josephus"},
    "jos": {"josephus"},
    "bep": {"elisabeth"},
    "els": {"elisabeth"},
    "lies": {"elisabeth"},
    "betty": {"elisabeth"},
    "truus": {"geertruida"},
    "mien": {"wilhelmina"},
    "willy": {"wilhelmina"},
    "mies": {"maria"},
    "mieke": {"maria"},
    "ria": {"maria"},
    "marie": {"maria"},
    "riet": {"maria", "henrietta"},
    "toos": {"catharina"},
    "tiny": {"catharina", "christina"},
    "ineke": {"catharina"},
    "annie": {"anna", "johanna"},
    "anneke": {"anna", "johanna"},
    "jans": {"jantje", "jansje"},
    "door": {"dorothea"},
    "dora": {"dorothea"},
    "greet": {"margaretha"},
    "grietje": {"margaretha"},
    "gerda": {"gerharda"},
    "ger": {"gerardus"},
    "gerrit": {"gerardus"},
    "sander": {"alexander"},
    "lex": {"alexander"},
    "bas": {"sebastiaan"},
    "max": {"maximiliaan"},
    "bram": {"abraham"},
    "hein": {"hendrik"},
    "frans": {"franciscus"},
    "hanna": {"johanna"},
}
_ROEP_PAIRS = {frozenset((a, b)) for a, officials in ROEPNAMEN.items() for b in officials}


def dob_explained(a: str | None, b: str | None) -> bool:
    """Two ISO dates of birth one registration error apart (or equal, or one unknown).

    Errors allowed: one digit wrong, two adjacent digits transposed, one digit missing or
    added, day and month swapped, or a wrong day or month within a month's distance.
    """
    if not a or not b or a == b:
        return True
    if normalise.dob_swap_key(a) == normalise.dob_swap_key(b) and a[:4] == b[:4]:
        return True
    if normalise.damerau_le1(a.replace("-", ""), b.replace("-", "")):
        return True
    da, db = _days(a), _days(b)
    return da is not None and db is not None and abs(da - db) <= DOB_NEAR_DAYS


def _days(iso: str) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal()
    except ValueError:
        return None


def dob_conflict(a: dict, b: dict) -> bool:
    return not dob_explained(a.get("dob"), b.get("dob"))


def gender_conflict(a: dict, b: dict) -> bool:
    """Both genders known and different. A wrong gender is not a typo a partner makes (M/V are
    codes picked from a list); the learned veto usually says the same."""
    ga, gb = a.get("gender"), b.get("gender")
    return bool(ga) and bool(gb) and ga != gb


def generation(rec: dict) -> str:
    return rec.get("gen_given") or rec.get("gen_sn") or ""


# A registration written with "sr." names a parent (of a son with the same name): on that
# registration's day the person is at least this old. Slack below 18 for a wrong year of birth.
SENIOR_MIN_AGE = 16


def generation_conflict(a: dict, b: dict) -> bool:
    """A father and his son: one written as jr., the other as sr.; or one written as sr. (a
    parent) and the other naming the person in the role of a child (``kind_on``) or giving a
    date of birth that makes the person younger than ``SENIOR_MIN_AGE`` on the day of the sr.
    registration (``seen``)."""
    ga, gb = generation(a), generation(b)
    if ga and gb and ga != gb:
        return True
    for x, gx, y in ((a, ga, b), (b, gb, a)):
        if gx != "sr":
            continue
        if y.get("kind_on"):
            return True
        day, dob = x.get("seen"), y.get("dob")
        born = _days(dob) if dob else None
        if day is not None and born is not None and (day - born) < SENIOR_MIN_AGE * 365.25:
            return True
    return False


def _swapped(a: dict, b: dict) -> bool:
    """Given name and surname perhaps entered the other way round on one side.

    Read loosely (it only switches the given-name rule off): the surnames differ and the
    initial of one side's given name is the first letter of the other side's surname
    ("Geest, Lindsey" against "L. Geets"; "Oostrode, J." against "Jade Voshoven").
    """
    if a.get("sn_ph") and a.get("sn_ph") == b.get("sn_ph"):
        return False
    sa, sb = a.get("sn_first") or "", b.get("sn_first") or ""
    if sa and sb and (normalise.damerau_le1(sa, sb) or jw(sa, sb) >= GIVEN_SIMILAR):
        return False  # one surname mistyped ("Schouten" / "Schouen"), not a given name in its place (issue 16)
    return bool((a.get("init1") and sb[:1] == a["init1"]) or (b.get("init1") and sa[:1] == b["init1"]))


def names_compatible(x: str, y: str) -> bool:
    """Two written-out given names that can be one person's: a typo, a spelling, a roepnaam."""
    if x == y or normalise.damerau_le1(x, y):
        return True
    if normalise.phonetic_nl(x) == normalise.phonetic_nl(y):
        return True
    short, long_ = sorted((x, y), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True  # Wil / Willem, Chris / Christiaan
    if frozenset((x, y)) in _ROEP_PAIRS:
        return True
    return jw(x, y) >= GIVEN_SIMILAR


def given_conflict(a: dict, b: dict) -> bool:
    """Given names that cannot be one person's.

    Written out on both sides: no name of the one is compatible with a name of the other
    (``names_compatible``). Initials on one side: its first initial is none of the other's
    initials. Unknown on either side, or names swapped with the surname: no conflict.
    """
    if not a.get("init1") or not b.get("init1") or _swapped(a, b):
        return False
    names_a = (a.get("given_all") or "").split()
    names_b = (b.get("given_all") or "").split()
    if names_a and names_b:
        return not any(names_compatible(x, y) for x in names_a for y in names_b)
    init_a, init_b = a.get("init") or "", b.get("init") or ""
    return a["init1"] not in init_b and b["init1"] not in init_a


# A report that names someone in the role of a child ("kind") says the person was a minor then;
# a registration whose date of birth lies more than this many years before that report is
# someone else (the parent of the same name). The slack over 18 allows an adult child named as
# "kind" and a wrong year of birth.
CHILD_ROLE_MAX_AGE = 21


def age_conflict(a: dict, b: dict) -> bool:
    """One registration names the person as a child on a day (``kind_on``), the other's date of
    birth makes that person older than ``CHILD_ROLE_MAX_AGE`` on that day: a father and his
    son of the same name, even when the son's registrations carry no date of birth or marker."""
    for x, y in ((a, b), (b, a)):
        day, dob = x.get("kind_on"), y.get("dob")
        if day and dob and _days(dob) is not None and (day - _days(dob)) > CHILD_ROLE_MAX_AGE * 365.25:
            return True
    return False


def generation_blind(rec: dict) -> bool:
    """A registration that says nothing of its generation: no date of birth, no jr./sr., no child role."""
    return not rec.get("dob") and not generation(rec) and not rec.get("kind_on")


def generations_apart(a: dict, b: dict) -> bool:
    """Two registrations of one name that are two generations: jr. against sr., a child role
    against an adult's date of birth, or dates of birth a generation apart (no typo between them)."""
    if generation_conflict(a, b) or age_conflict(a, b):
        return True
    da, db = a.get("dob"), b.get("dob")
    return bool(da and db) and not dob_explained(da, db) and abs(int(da[:4]) - int(db[:4])) >= BSN_CONTRADICTED_YEARS


def generation_ambiguous(rec: dict, neighbours: list[dict]) -> bool:
    """A registration that names no generation (``generation_blind``) at an address where its
    name is known as two generations: it fits the father and the son alike, so it is linked to
    neither and waits for review (issue 16, jr./sr.).

    ``neighbours`` are the other registrations at the same address (any cluster). Those with the
    same surname (phonetic), a compatible given name (``given_conflict`` silent) and no other
    gender are the name's registrations there; two generations are known when one of them
    carries jr. or sr. (a marker is only written because the other generation exists) or two of
    them are ``generations_apart``. Why a household history and not the candidate clusters: the
    father's and the son's registrations may sit in one cluster, in two, or the blind one may
    have been linked to one of them before the other was seen; what the address holds is the
    same in each case, so the batch and arrival decide alike.
    """
    if not generation_blind(rec) or not rec.get("sn_ph"):
        return False
    same = [n for n in neighbours if n.get("sn_ph") == rec["sn_ph"] and not given_conflict(rec, n) and not gender_conflict(rec, n)]
    if any(generation(n) for n in same):
        return True
    return any(generations_apart(x, y) for i, x in enumerate(same) for y in same[i + 1 :])


def report_conflict(a: dict, b: dict) -> bool:
    """Two registrations named in one report (melding): two parties of it, so two people (a father
    and his son of the same name named in one report, twins both named as children), whatever else
    agrees. Reads the ``reports`` feature (report ids joined by ";"); unknown on either side: no."""
    ra, rb = a.get("reports"), b.get("reports")
    if not ra or not rb:
        return False
    return bool(report_ids(ra) & report_ids(rb))


RULES = ("melding", "generatie", "leeftijd", "geboortedatum", "geslacht", "voornaam")
HOUSEHOLD = "huishouden"  # the co-resident rule (``household_conflict``): read per cluster, not per pair
# The date-of-birth and given-name rules hold only where the data say a true match rarely
# disagrees there: the trained weight of the comparison's last level ("anders": no typo,
# swap or similarity explains the difference) is at or below this. Dutch registrations with
# BSNs train about −7 on both; FEBRL (−3.0 / −2.8) and Splink's fake_20000 (−1.9 / −4.1), whose
# dates and names are mistyped by design, keep them as ordinary evidence. A small Dutch
# registry (two thousand persons) trains about −5.3 / −5.5. The gate sits in the gap between
# those and fake_20000, not on the small registry's weight: at −5.5 a few set-aside (missing)
# values moved the given-name weight across it and switched the rule off (issue 19: F1 −0.02).
RULE_WEIGHT = -5.0
GATED = {"geboortedatum": "geboortedatum", "voornaam": "voornaam"}  # rule -> comparison whose weight gates it


# the ambiguity rule for a registration that fits two generations of its name (``generation_ambiguous``):
# read per address, not per pair; it holds where the date-of-birth rule holds (dates are reliable there)
GENERATION_AMBIGUITY = "generatie_onbekend"


def active_rules(weights: dict[str, dict[int, float]]) -> frozenset[str]:
    """The rules that hold for a model with these trained weights (comparison -> gamma -> weight)."""
    out = {"melding", "generatie", "leeftijd", "geslacht", HOUSEHOLD}
    for rule, comp in GATED.items():
        w = weights.get(comp, {}).get(0)
        if w is not None and w <= RULE_WEIGHT:
            out.add(rule)
    if "geboortedatum" in out:
        out.add(GENERATION_AMBIGUITY)
    return frozenset(out)


def conflict(a: dict, b: dict, rules=RULES) -> str | None:
    """Why two registrations are two people (the first reason found among ``rules``), or None.

    Not consulted for records with an equal BSN unless ``bsn_contradicted`` says the BSN
    itself is someone else's (``veto``).
    """
    if "melding" in rules and report_conflict(a, b):
        return "melding"  # two parties of one report
    if "generatie" in rules and generation_conflict(a, b):
        return "generatie"  # jr. and sr.
    if "leeftijd" in rules and age_conflict(a, b):
        return "leeftijd"  # named as a child, born a generation before
    if "geboortedatum" in rules and dob_conflict(a, b):
        return "geboortedatum"
    if "geslacht" in rules and gender_conflict(a, b):
        return "geslacht"
    if "voornaam" in rules and given_conflict(a, b):
        return "voornaam"
    return None


def bsn_contradicted(a: dict, b: dict) -> bool:
    """An equal BSN that cannot be one person's: dates of birth a generation apart, no typo
    between them (a parent's BSN on a child's registration)."""
    da, db = a.get("dob"), b.get("dob")
    if dob_explained(da, db):
        return False
    return abs(int(da[:4]) - int(db[:4])) >= BSN_CONTRADICTED_YEARS


def borrowed_bsn(bsn, dob) -> np.ndarray:
    """Per record: its BSN is someone else's (a parent's on a child's registration), to be read as absent.

    ``bsn`` and ``dob`` are per-record arrays (hash or None, ISO date or None). Within the
    records sharing one BSN, the dates of birth fall into groups no registration error
    joins (``bsn_contradicted``: a generation apart); the largest group owns the BSN (on a
    tie the oldest date of birth: the BSN on a child's registration is the documented
    error), the records of the other groups borrowed it. Records without a date of birth
    keep their BSN. Why: a borrowed BSN makes the child's registration a person of its own
    (different BSN from the child's other records), and the child's records without a BSN
    then fit two persons and are linked to neither.
    """
    bsn = np.asarray(bsn, dtype=object)
    dob = np.asarray(dob, dtype=object)
    out = np.zeros(len(bsn), dtype=bool)
    has = np.nonzero(pd.notna(bsn) & pd.notna(dob))[0]
    if len(has) < 2:
        return out
    years = pd.to_numeric(pd.Series([str(d)[:4] for d in dob[has]]), errors="coerce").to_numpy()
    frame = pd.DataFrame({"b": bsn[has], "y": years, "row": has})
    by = frame.groupby("b")["y"]
    spread = by.max() - by.min()
    for key in spread.index[spread >= BSN_CONTRADICTED_YEARS]:
        rows = frame.loc[frame["b"] == key, "row"].to_numpy()
        groups: list[list[int]] = []
        for r in sorted(rows, key=lambda r: str(dob[r])):
            for g in groups:
                if not bsn_contradicted({"dob": dob[g[0]]}, {"dob": dob[r]}):
                    g.append(int(r))
                    break
            else:
                groups.append([int(r)])
        owner = max(range(len(groups)), key=lambda i: (len(groups[i]), -i))  # sorted oldest first: ties to the oldest
        for i, g in enumerate(groups):
            if i != owner:
                out[g] = True
    return out


def borrowed_among(records: list[dict]) -> set[int]:
    """Indices of the records (feature dicts) whose BSN is someone else's, read as ``borrowed_bsn``
    reads a whole batch: for arrival, over the new registration, the members of the clusters it
    may join and the registrations sharing its BSN (``services.link_person``)."""
    if len(records) < 2:
        return set()
    out = borrowed_bsn([r.get("bsn_hash") or None for r in records], [r.get("dob") or None for r in records])
    return {int(i) for i in np.nonzero(out)[0]}


def same_person_by_bsn(a: dict, b: dict) -> bool:
    """Equal BSN hashes that are not contradicted: the same person, whatever else differs."""
    return bool(a.get("bsn_hash")) and a.get("bsn_hash") == b.get("bsn_hash") and not bsn_contradicted(a, b)


# --------------------------------------------------------------------------- households
# A namesake at another address looks exactly like the same person after a move. What tells
# them apart is who else lives there: a family moves together (some of the same people are
# seen at both addresses), a namesake lives with other people. Co-residents are the *other
# linked persons* registered at an address (``veto.household_pairs`` for the batch,
# ``services.link_person`` on arrival).
HOUSEHOLD_MIN = 1  # co-residents needed on each side before the difference counts (see docs/linkage.md)
# One address after the other, other people at both and nobody seen at both: a person who
# moved in with other people (a victim to her parents, a perpetrator to a new partner) or a
# namesake. True reads it as a move (linked; the namesake is merged), False as two people
# (the link goes to review with the reason "huishouden"). Measured both ways: docs/linkage.md.
MOVE_TO_OTHERS = False
# ... except when one of the two addresses holds the person's parent (``parent_among``): a child who
# leaves home for a partner, a victim who goes back to her parents. Born this many years earlier at least.
PARENT_MIN_YEARS = 15
HOUSEHOLD_MAX = 8  # more persons at one address is no household (a shelter, a student house, a block)


def parent_among(person: list[dict], others: list[dict]) -> bool:
    """One of ``others`` (registrations of the co-residents at one address) may be the parent of the
    person (``person``: the person's registrations): the same surname (phonetic) and a date of
    birth at least ``PARENT_MIN_YEARS`` earlier. Read loosely, it only keeps a move a move."""
    mine = [(r.get("sn_ph"), int(r["dob"][:4])) for r in person if r.get("sn_ph") and r.get("dob")]
    if not mine:
        return False
    for o in others:
        if not o.get("sn_ph") or not o.get("dob"):
            continue
        year = int(o["dob"][:4])
        if any(o["sn_ph"] == sn and born - year >= PARENT_MIN_YEARS for sn, born in mine):
            return True
    return False


def periods_overlap(span_a: tuple[int, int] | None, span_b: tuple[int, int] | None) -> bool:
    """Two periods (first and last registration day) that share a day. Unknown on either side: no
    (without dates nothing shows the two households at one time; FEBRL and fake_* have none)."""
    if not span_a or not span_b:
        return False
    return span_a[0] <= span_b[1] and span_b[0] <= span_a[1]


def report_ids(value) -> frozenset[str]:
    """The report ids (meldingen) of a registration: the ``reports`` feature, ids joined by ";"."""
    if not value or not isinstance(value, str):
        return frozenset()
    return frozenset(v for v in value.split(";") if v)


def co_parties(rows_reports, parties_of: dict, own) -> set:
    """The other persons named in the reports of a group of registrations: ``rows_reports`` their
    ``reports`` features, ``parties_of`` report id -> the persons (clusters) with a registration in
    it, ``own`` the group's person (left out)."""
    out: set = set()
    for value in rows_reports:
        for rid in report_ids(value):
            out |= parties_of.get(rid, set())
    out.discard(own)
    return out


def co_party_evidence(party_a: set | None, party_b: set | None) -> str | None:
    """What the other parties of the reports say of one person seen at two addresses (issue 16).

    ``"shared"``: a co-party (a partner, a perpetrator, a child) is named on both sides: one person
    who moved, counts for the merge. ``"different"``: both sides have known co-parties and none is
    shared: two people's lives (namesakes), counts against it. None: one side has no co-parties
    (a report naming only this person): no evidence either way.
    """
    if not party_a or not party_b:
        return None
    return "shared" if set(party_a) & set(party_b) else "different"


def household_conflict(
    co_a: set,
    co_b: set,
    bsn_a: set | None = None,
    bsn_b: set | None = None,
    min_each: int | None = None,
    max_each: int | None = None,
    span_a: tuple[int, int] | None = None,
    span_b: tuple[int, int] | None = None,
    parent: bool = False,
    party_a: set | None = None,
    party_b: set | None = None,
) -> bool:
    """Two registrations (or groups of one cluster's registrations) at two addresses are two
    people: ``co_a``, ``co_b`` are the co-residents at each address (the other persons there),
    ``bsn_a``, ``bsn_b`` the BSN hashes each side carries, ``span_a``, ``span_b`` the first and
    last registration day per side.

    Never two people: an equal BSN on both sides; a co-resident seen at both addresses (a
    family that moved together); an address with more than ``max_each`` persons (a shelter,
    a student house: no household); no dates on either side (FEBRL, fake_*: nothing to read).
    Two people: seen at the two addresses in one period (a person does not live at two
    addresses at one time; since issue 16 whoever else lives there), and, as before, with
    ``min_each`` or more co-residents at *both* addresses whom the person is never seen with
    at the other (``MOVE_TO_OTHERS``: see below).

    One address after the other with nobody else at one of them reads as a move: a person who
    leaves a household to live alone, or the first of a family seen at the new address. With
    other people at both (``MOVE_TO_OTHERS`` False, since issue 16's follow-up): two people, the
    link goes to review, unless ``parent`` (one address holds the person's parent,
    ``parent_among``: a child leaving home, a victim back with her parents).

    ``party_a``, ``party_b``: the other parties of each side's reports (``co_parties``; since
    session 14). A shared co-party is one person who moved, like a shared co-resident. Co-parties on
    both sides and none shared count as other people at both addresses: two people, one address
    after the other too (unless ``parent``), even when nobody else is registered at an address (a
    namesake living alone, named in reports with an ex-partner).
    """
    if bsn_a and bsn_b and set(bsn_a) & set(bsn_b):
        return False
    if not span_a or not span_b:
        return False
    min_each = HOUSEHOLD_MIN if min_each is None else min_each
    max_each = HOUSEHOLD_MAX if max_each is None else max_each
    if len(co_a) > max_each or len(co_b) > max_each or set(co_a) & set(co_b):
        return False
    parties = co_party_evidence(party_a, party_b)
    if parties == "shared":
        return False
    if periods_overlap(span_a, span_b):
        return True
    if MOVE_TO_OTHERS or parent:
        return False
    return parties == "different" or (len(co_a) >= min_each and len(co_b) >= min_each)


# feature columns the rules read (the cluster check fetches only these per suspect record)
COLUMNS = (
    "given1",
    "given_ph",
    "given_all",
    "init",
    "init1",
    "sn_ph",
    "sn_first",
    "dob",
    "gender",
    "gen_given",
    "gen_sn",
    "bsn_hash",
    "kind_on",
    "seen",
    "reports",
)
# columns whose two or more distinct values within one cluster make it worth checking
KEY_COLUMNS = ("dob", "gender", "init1", "given1", "gen_given", "gen_sn")
# a cluster with two records named in one report is worth checking too (``report_conflict``)
REPORT_COLUMN = "reports"
# a cluster with a record named as a child and a record with a date of birth is worth checking too
CHILD_COLUMN = "kind_on"
# ... and a cluster with a generation marker on any record (jr. or sr. against records without one)
GENERATION_COLUMNS = ("gen_given", "gen_sn")
