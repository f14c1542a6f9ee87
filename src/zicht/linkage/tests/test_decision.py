"""One decision per scored pair for the batch and for arrival, and one review-pair record from both.

``engine.pair_decisions`` decides link / review / no match (BSN first, then the thresholds);
``cluster_pairs`` and ``review_band`` (batch) and ``Matcher.match`` (arrival) all call it.
``services.review_pair_fields`` lays out what a review pair records, for both paths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zicht.linkage import services
from zicht.linkage.engine import DIFFERENT_BSN, LINK, NO_MATCH, REVIEW, SAME_BSN, cluster_pairs, pair_decisions, review_band
from zicht.linkage.matcher import Matcher
from zicht.linkage.models import ReviewPair
from zicht.registry.models import Person, Report, ReportParty

from .test_services import PEOPLE, make_registry

LINK_AT, REVIEW_AT = 5.0, -2.0


@pytest.mark.parametrize(
    "weight, bsn_l, bsn_r, expected",
    [
        (9.0, None, None, LINK),
        (5.0, None, None, LINK),  # at the link threshold
        (4.99, None, None, REVIEW),
        (-2.0, None, None, REVIEW),  # at the review threshold
        (-2.01, None, None, NO_MATCH),
        (9.0, "a", None, LINK),  # one BSN: the weight decides
        (0.0, "", "a", REVIEW),  # '' is no BSN
        (-30.0, "a", "a", SAME_BSN),  # equal BSNs link whatever the weight
        (30.0, "a", "b", DIFFERENT_BSN),  # different BSNs never link, never go to review
        (0.0, float("nan"), "b", REVIEW),
        (0.0, pd.NA, pd.NA, REVIEW),
    ],
)
def test_pair_decision_table(weight, bsn_l, bsn_r, expected):
    assert pair_decisions([weight], [bsn_l], [bsn_r], LINK_AT, REVIEW_AT).tolist() == [expected]


TABLE = [  # (weight, bsn_l, bsn_r) of pairs (0, k) for k = 1..
    (9.0, None, None),
    (4.0, None, None),
    (-5.0, None, None),
    (-30.0, "a", "a"),
    (30.0, "a", "b"),
    (5.0, "a", None),
]


class _Index:
    """An index that offers every record as a candidate, each pair with a fixed score."""

    def __init__(self, records):
        self.records = records

    def candidates(self, feat):
        return np.arange(1, len(self.records))

    def record(self, row):
        return self.records[row]


def test_batch_and_arrival_take_the_same_decision_per_pair():
    # batch: pairs (0, k); a pair links when cluster_pairs puts both in one cluster, is reviewed when review_band keeps it
    pairs = pd.DataFrame(
        {
            "unique_id_l": [0] * len(TABLE),
            "unique_id_r": range(1, len(TABLE) + 1),
            "match_weight": [w for w, _, _ in TABLE],
            "bsn_hash_l": [b for _, b, _ in TABLE],
            "bsn_hash_r": [b for _, _, b in TABLE],
        }
    )
    batch_links, batch_review = set(), set()
    for k in range(1, len(TABLE) + 1):  # one pair at a time: no clustering effects between pairs
        one = pairs.iloc[[k - 1]]
        feats = pd.DataFrame({"unique_id": [0, k], "bsn_hash": [one["bsn_hash_l"].iloc[0], one["bsn_hash_r"].iloc[0]]})
        labels = cluster_pairs(feats, one, LINK_AT, {})
        if labels[0] == labels[k]:
            batch_links.add(k)
        if len(review_band(one[one["match_weight"] >= REVIEW_AT], labels, LINK_AT, REVIEW_AT)):
            batch_review.add(k)
    # arrival: the new record 0 against every candidate
    arrival_links, arrival_review = set(), set()
    for k, (w, bl, br) in enumerate(TABLE, 1):
        matcher = Matcher.__new__(Matcher)
        matcher.index, matcher.link_threshold, matcher.review_threshold = (
            _Index([{"unique_id": 0, "bsn_hash": bl}, {"unique_id": k, "bsn_hash": br}]),
            LINK_AT,
            REVIEW_AT,
        )
        matcher.score = lambda left, right, w=w: type("S", (), {"weight": w, "other": None})()
        result = matcher.match({"unique_id": 0, "bsn_hash": bl})
        arrival_links |= {k for _ in result.links}
        arrival_review |= {k for _ in result.review}
    assert batch_links == arrival_links == {1, 4, 6}
    assert batch_review == arrival_review == {2}


def _review_record(rp: ReviewPair) -> dict:
    fields = {
        f.name: getattr(rp, f.name)
        for f in ReviewPair._meta.concrete_fields
        if f.name not in ("id", "person_a", "person_b", "created_at", "updated_at")
    }
    return fields


@pytest.mark.django_db
def test_a_review_pair_from_the_batch_and_from_arrival_carries_the_same_fields():
    # p3 'Pieter Vries, de' links to p7 'Pieter de Vries' by weight, but p7's BSN differs from that of
    # p3's cluster (p1): the cluster check does not follow the link, and the pair goes to review
    ps = make_registry(PEOPLE)
    services.run_batch()
    p3, p7 = ps["p3"], ps["p7"]
    from_batch = _review_record(ReviewPair.objects.get(person_a=min(p3.pk, p7.pk), person_b=max(p3.pk, p7.pk)))

    # the same registration arrives once more: the same pair, now decided on arrival
    newcomer = Person.objects.create(
        source=p3.source,
        source_key="p3-again",
        voornamen=p3.voornamen,
        tussenvoegsel=p3.tussenvoegsel,
        achternaam=p3.achternaam,
        geboortedatum=p3.geboortedatum,
        geslacht=p3.geslacht,
        address=p3.address,
    )
    # on a report of the same day as p3's (its date is what the household rule reads, in the batch and on
    # arrival); not on p3's own report: two registrations of one report are two people (rule melding)
    old = p3.parties.get().report
    again = Report.objects.create(
        source=old.source, source_record_id=f"{old.source_record_id}-2", soort=old.soort, datum=old.datum, address=old.address
    )
    ReportParty.objects.create(report=again, person=newcomer, rol="pleger")
    services.link_person(newcomer)
    from_arrival = _review_record(ReviewPair.objects.get(person_a=min(newcomer.pk, p7.pk), person_b=max(newcomer.pk, p7.pk)))

    assert set(from_batch) == set(from_arrival)
    assert from_batch["contributions"] and [set(c) for c in from_batch["contributions"]] == [set(c) for c in from_arrival["contributions"]]
    assert from_batch == from_arrival  # the same pair of data, the same model: the same record
    assert set(services.REVIEW_PAIR_FIELDS) == set(services.review_pair_fields(services.current_model()[0], 0.0, [], LINK_AT, False, False))
