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
    df = person_records(5000, seed=1)
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
    assert df["achternaam"].str.contains(", ").any()            # 'Berg, van den'
    assert df["tussenvoegsel"].isin(["vd", "v.d.", "V.d."]).any()
    assert df["voornamen"].str.match(r"^([A-Z]\.)+$").any()     # initials only
    assert df["postcode"].str.match(r"^\d{4}[a-z]{2}$").any()    # lower case, no space
