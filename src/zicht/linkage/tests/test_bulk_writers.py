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
