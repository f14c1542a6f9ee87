"""`person_records`: the library API the linkage benchmarks use."""

from __future__ import annotations

from zicht.synth.bsn import is_valid_bsn
from zicht.synth.people import COLUMNS, person_records


def test_shape_columns_and_determinism():
    a = person_records(3000, seed=7)
    b = person_records(3000, seed=7)
    assert list(a.columns) == COLUMNS
    assert len(a) == 3000
    assert a.equals(b)
    assert not a.equals(person_records(3000, seed=8))
    assert a["record_id"].tolist() == list(range(3000))


def test_cluster_structure_and_fields():
    df = person_records(5000, seed=1, hard=False)  # the BSN errors of the hard cases: test_hard_cases_and_their_truth
    sizes = df.groupby("cluster_id").size()
    assert (sizes.between(1, 4)).mean() > 0.8  # most persons are mentioned 1–4 times
    assert sizes.max() >= 5
    bsn = df["bsn"][df["bsn"] != ""]
    assert 0.2 < len(bsn) / len(df) < 0.8
    assert bsn.map(is_valid_bsn).all()
    # a person's BSN is the same in every mention that has one
    assert (df[df.bsn != ""].groupby("cluster_id")["bsn"].nunique() == 1).all()
    dob = df["geboortedatum"].dropna()
    assert dob.str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    assert df["postcode"].str.match(r"^\d{4} ?[A-Za-z]{2}$").all()
    assert df["huisnummer"].str.isdigit().all()
    assert set(df["geslacht"]) <= {"M", "V", ""}


def test_noise_zero_gives_consistent_clusters():
    df = person_records(2000, seed=3, noise=0.0)
    per = df.groupby("cluster_id").agg({"achternaam": "nunique", "geboortedatum": "nunique", "bsn": "nunique"})
    assert (per == 1).all().all()
    assert (df["bsn"] != "").all()


def test_noise_kinds_visible():
    df = person_records(20_000, seed=2)
    assert df["achternaam"].str.contains(", ").any()  # 'Berg, van den'
    assert df["tussenvoegsel"].isin(["vd", "v.d.", "V.d."]).any()
    assert df["voornamen"].str.match(r"^([A-Z]\.)+$").any()  # initials only
    assert df["postcode"].str.match(r"^\d{4}[a-z]{2}$").any()  # lower case, no space


def test_hard_cases_and_their_truth():
    from collections import Counter

    from zicht.synth.people import HARD_KINDS

    df = person_records(5000, seed=1)
    hard = df.attrs["hard_negatives"]
    kinds = Counter(k for *_, k in hard)
    assert set(kinds) == set(HARD_KINDS) and min(kinds.values()) >= 1 and sum(kinds.values()) > 100, kinds
    people = df.groupby("cluster_id").agg(
        voornamen=("voornamen", lambda s: set(s)),
        dob=("geboortedatum", lambda s: set(s.dropna())),
        bsn=("bsn", lambda s: set(s) - {""}),
        pc=("postcode", lambda s: {p.replace(" ", "").upper() for p in s}),
    )
    for a, b, kind in hard:
        assert a != b and a in people.index and b in people.index
        pa, pb = people.loc[a], people.loc[b]
        if kind == "twin" and pa.dob and pb.dob:
            assert pa.dob & pb.dob  # born on one day (a mention may swap day and month)
        if kind == "namesake_dob":
            assert not (pa.pc & pb.pc)  # another address, same woonplaats
        if kind == "parent_bsn" and pb.bsn:
            assert pa.bsn & pb.bsn  # the child's mention carries the parent's BSN
    # generation markers appear in mentions of a jr./sr. pair only
    marked = df[df["voornamen"].str.contains(r" (?:jr|sr)\.$") | df["achternaam"].str.contains(r" (?:jr|sr)\.$")]
    jr_sr = {p for a, b, k in hard if k == "parent_child_same_name" for p in (a, b)}
    assert len(marked) > 0 and set(marked["cluster_id"]) <= jr_sr
    # a transposed BSN fails the 11-proef: it arrives as no BSN
    assert df.attrs["bsn_errors"]["transposed"] > 0
    assert (~df["bsn"][df["bsn"] != ""].map(is_valid_bsn)).sum() == df.attrs["bsn_errors"]["transposed"]


def test_transpose_bsn_always_fails_the_11_proef():
    import random

    from zicht.synth.bsn import make_bsn
    from zicht.synth.people import transpose_bsn

    rng = random.Random(1)
    for _ in range(500):
        bsn = make_bsn(rng)
        wrong = transpose_bsn(bsn, rng)
        assert wrong != bsn and sorted(wrong) == sorted(bsn) and not is_valid_bsn(wrong)


def _co_parties(df):
    """Per person (truth id): the other persons named in the reports of its mentions."""
    persons_of: dict = {}
    for ids, person in zip(df["melding"], df["cluster_id"]):
        for rid in ids.split(";"):
            persons_of.setdefault(rid, set()).add(person)
    out: dict = {}
    for ids, person in zip(df["melding"], df["cluster_id"]):
        for rid in ids.split(";"):
            out.setdefault(person, set()).update(persons_of[rid] - {person})
    return out, persons_of


def test_reports_and_their_other_parties():
    """Session 14: every mention belongs to a report; reports name household members (and ex-partners)
    together, so two namesakes have different co-parties; the other columns do not depend on them."""
    df = person_records(8000, seed=3)
    assert df["melding"].map(bool).all()
    co, persons_of = _co_parties(df)
    sizes = [len(p) for p in persons_of.values()]
    assert sum(s > 1 for s in sizes) / len(sizes) > 0.2  # many reports name two or more persons
    assert max(sizes) <= 10
    named = [(a, b) for a, b, kind in df.attrs["hard_negatives"] if kind == "namesake_dob" and co.get(a) and co.get(b)]
    assert named, "namesakes with co-parties on both sides exist"
    assert all(not (co[a] & co[b]) for a, b in named)  # two namesakes' lives: nobody in common
    # a report never names one mention of a person twice, and a person's mentions are not two parties of one report
    for ids, group in df.groupby("melding")["cluster_id"]:
        if ";" not in ids:
            assert group.is_unique
