"""Retrain ``default_model.json``, the model a registry below ``min_training_records`` links with.

Why a script: the shipped model must change whenever comparisons or blocking rules change
(its Splink SQL and rules are stored with it), and it must be reproducible. It is trained
exactly as a registry is (``link`` with ``linkage.toml``'s training settings) on 20,000
synthetic Dutch person records (``zicht.synth.people``, noise 1, seed 11), with a keyed
hash standing in for the BSN hash so m can come from equal-BSN pairs as in production.

Run: ``.venv/bin/python -m zicht.linkage.default_model`` (no Django needed).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from zicht.synth.people import person_records

from . import config
from .engine import features_frame, input_frame, link

RECORDS, SEED = 20_000, 11
PATH = Path(__file__).with_name("default_model.json")  # = services.DEFAULT_MODEL


def train() -> dict:

    cfg = config.load({})
    df = person_records(RECORDS, seed=SEED, noise=1.0)
    std = input_frame(df, "record_id", lambda b: hashlib.blake2b(b.encode(), digest_size=12).hexdigest())
    result = link(
        features_frame(std),
        link_threshold=cfg["link_threshold"],
        review_threshold=cfg["review_threshold"],
        train_kwargs=cfg.get("training"),
    )
    return result.params.to_dict()


def main() -> None:
    PATH.write_text(json.dumps(train(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
