"""The batch run's bulk writers give the rows the per-record code gave (issue 13, benchmark (b)):
blocking keys column-wise, clusters, review pairs and households written with one statement per
table instead of per-row ORM objects."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from zicht.linkage import features, services
from zicht.linkage.engine import ModelParams, features_frame, input_frame
from zicht.linkage.matcher import rule_key
from zicht.registry.domain.bsn import is_valid_bsn
from zicht.synth.people import person_records


def _reference_key_rows(feats: pd.DataFrame, rules, secret: bytes) -> list[tuple[int, int, int]]:
    """The per-record loop the column-wise ``blocking_key_rows`` replaced (kept here as the reference)."""
    person_ids, rule_ids, texts = [], [], []
    for rec in feats.to_dict("records"):
        rec = {k: (None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v) for k, v in rec.items()}
        for i, rule in enumerate(rules):
            key = rule_key(rec, rule)
            if key is not None:
                person_ids.append(int(rec["unique_id"]))
                rule_ids.append(i)
                texts.append(features.key_text(key))
    return list(zip(person_ids, rule_ids, features.key_digests(texts, secret).tolist()))


@pytest.mark.parametrize("hard", [False, True], ids=["ordinary", "hard cases"])
def test_blocking_key_rows_equal_the_per_record_keys(settings, hard):
    df = person_records(1500, seed=3, noise=1.0, hard=hard)
    feats = features_frame(input_frame(df, "record_id", lambda b: b if is_valid_bsn(b) else None))
    rules = ModelParams.from_dict(json.loads(services.DEFAULT_MODEL.read_text())).rules
    rows = services.blocking_key_rows(feats, rules)
    assert len(rows) > 10 * len(feats)  # every rule's keys, not a few
    assert rows == _reference_key_rows(feats, rules, services._secret())
    assert services.blocking_key_rows(feats.iloc[:0], rules) == []


def _households() -> set[frozenset]:
    from zicht.linkage.models import HouseholdMember

    groups: dict[int, set] = {}
    for hid, lp, address, since, until in HouseholdMember.objects.values_list(
        "household_id", "linked_person_id", "address_id", "since", "until"
    ):
        groups.setdefault(hid, set()).add((lp, address, since, until))
    return {frozenset(g) for g in groups.values()}


@pytest.mark.django_db
def test_the_batch_writers_give_what_the_orm_writers_give_and_a_second_run_changes_nothing():
    """Households written by ``rebuild_households`` (one insert stream) equal those of
    ``incremental.update_households`` (model objects) over the same links; PersonLinks and review
    pairs read back with their types; a second batch run over the same persons keeps every row."""
    from datetime import date, datetime

    from zicht.core.testing import make_organisation
    from zicht.linkage import incremental
    from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink, ReviewPair

    from .test_incremental import _batch, load_persons

    org = make_organisation("vt-bulk", type="veilig_thuis")
    ids = load_persons(person_records(400, seed=9), org, _batch(org, "a"))
    services.run_batch()
    assert PersonLink.objects.count() == len(ids)
    link = PersonLink.objects.exclude(match_weight=None).first() or PersonLink.objects.first()
    assert isinstance(link.updated_at, datetime) and link.updated_at.tzinfo is not None
    assert LinkedPerson.objects.filter(pk__in=PersonLink.objects.values("linked_person")).count() == len(
        set(PersonLink.objects.values_list("linked_person_id", flat=True))
    )
    member = HouseholdMember.objects.exclude(since=None).first()
    assert isinstance(member.since, date)
    for pair in ReviewPair.objects.all()[:5]:
        assert isinstance(pair.contributions, list) and pair.contributions and pair.created_at.tzinfo is not None
    batch_households = _households()
    assert batch_households

    links = set(PersonLink.objects.values_list("person_id", "linked_person_id", "method", "match_weight"))
    pairs = set(ReviewPair.objects.values_list("person_a_id", "person_b_id", "status", "match_weight", "reason"))
    services.run_batch()  # the update path: nothing changes
    assert set(PersonLink.objects.values_list("person_id", "linked_person_id", "method", "match_weight")) == links
    assert set(ReviewPair.objects.values_list("person_a_id", "person_b_id", "status", "match_weight", "reason")) == pairs
    assert _households() == batch_households

    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    incremental.update_households(set(PersonLink.objects.values_list("linked_person_id", flat=True)))
    assert _households() == batch_households


def test_batch_reasons_and_contributions_equal_the_per_pair_reference(settings):
    """The review pairs' reasons (records and households read only for held-back links, the
    household rule memoised per pair of clusters and addresses) and contributions (per distinct
    weight combination) equal the per-pair computation they replaced, on data with hard cases."""
    from zicht.linkage import config, hard_negatives, reasons, veto
    from zicht.linkage.engine import link, review_band

    df = person_records(1500, seed=5, noise=1.0, hard=True)
    feats = features_frame(input_frame(df, "record_id", lambda b: b if is_valid_bsn(b) else None))
    cfg = config.load()
    params = ModelParams.from_dict(json.loads(services.DEFAULT_MODEL.read_text()))
    result = link(
        feats,
        link_threshold=cfg["link_threshold"],
        review_threshold=cfg["review_threshold"],
        params=params,
        veto_weight=cfg.get("veto_weight"),
        ambiguity_margin=cfg.get("ambiguity_margin"),
    )
    band = review_band(result.pairs, result.labels, cfg["link_threshold"])
    assert len(band) > 20
    got = services._batch_reasons(band, feats, result.labels, result.params, cfg["link_threshold"], cfg.get("veto_weight"))

    ids = pd.Index(feats["unique_id"])
    lab = result.labels.reindex(feats["unique_id"]).to_numpy()
    rules = veto.veto_levels(result.params, cfg.get("veto_weight")).get(veto.HARD, set())
    sub = feats[[c for c in hard_negatives.COLUMNS if c in feats.columns]].astype(object)
    recs = sub.where(sub.notna(), None).to_dict("records")
    expected = {}
    for a, b, w in zip(band["unique_id_l"], band["unique_id_r"], band["match_weight"]):
        i, j = ids.get_loc(a), ids.get_loc(b)
        household = hard_negatives.HOUSEHOLD in rules and bool(veto.households_apart(feats, lab, np.array([i]), np.array([j]))[0])
        key = tuple(sorted((int(a), int(b))))
        expected[key] = reasons.review_reason(recs[i], recs[j], float(w), cfg["link_threshold"], rules, household=household)
    assert got == expected
    assert len(set(expected.values())) > 2  # more than one kind of reason: the held-back links were read

    memo = services._ContributionsMemo(result.params)
    for row in band.to_dict("records"):
        weights = [float(row[f"mw_{name}"]) for name in result.params.comparisons]
        contributions, text = memo.get(weights)
        assert contributions == services._contributions(result.params, row) and json.loads(text) == contributions
