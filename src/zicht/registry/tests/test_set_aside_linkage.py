"""Issue 19: a realistic set of exports with typos planted in every auxiliary field loads completely
(warnings, no refusal, no row lost) and links as well as the same exports without the typos —
pairwise F1 of the registry's linked persons against the generator's truth within 0.005.

Small on purpose (one year of a scaled-down Tilburg, a few thousand rows): CPU is shared.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.db import transaction

from zicht.bench.linkage import identifiable, scores
from zicht.bench.registry_linkage import read_truth, registry_frame
from zicht.linkage import services
from zicht.registry import pipeline
from zicht.registry.domain.profile import find_profile
from zicht.registry.models import SetAsideValue

from .test_paths_equivalence import FILES, TODAY, exports, synth_register  # noqa: F401  (fixtures)

# (target, every n-th row, at): a typo in each auxiliary field, ~3 % of the rows in all
PLANTED = [("person.bsn", 127, 3), ("address.postcode", 131, 5), ("person.geboortedatum", 137, 7), ("person.geslacht", 139, 9)]


def _typo(value: str, target: str) -> str:
    if target == "person.bsn":  # one digit changed: always fails the 11-proef
        return value[:-1] + str((int(value[-1]) + 1) % 10)
    if target == "address.postcode":
        return "0" + value[1:]  # no Dutch postcode starts with 0
    if target == "person.geboortedatum":
        return "onbekend"
    return "q"


def planted(source: Path, out: Path, profile_name: str) -> int:
    """The export with typos planted (only in cells that had a value); returns how many."""
    profile = find_profile(profile_name)
    with source.open(encoding=profile.encoding, newline="") as fh:
        rows = list(csv.reader(fh, delimiter=profile.delimiter))
    header, body = rows[0], rows[1:]
    index = {name.replace("\ufeff", "").strip(): i for i, name in enumerate(header)}
    n_planted = 0
    for target, every, at in PLANTED:
        if target not in profile.columns:
            continue
        i = index[profile.columns[target]]
        for n, row in enumerate(body):
            if n % every == at and row[i].strip():
                row[i] = _typo(row[i].strip(), target)
                n_planted += 1
    with out.open("w", encoding=profile.encoding, newline="") as fh:
        csv.writer(fh, delimiter=profile.delimiter).writerows(rows)
    return n_planted


def _load_and_score(folder: Path, truth: Path) -> tuple[dict, list]:
    with transaction.atomic():
        batches = [
            pipeline.import_file(folder / name, profile, accept_partial=True, today=TODAY) for profile, name in sorted(FILES.items())
        ]
        services.run_batch()
        frame = registry_frame().merge(read_truth(truth), on=["source", "row"], how="inner")
        result = scores(frame["truth"].to_numpy(), frame["linked"].to_numpy(), identifiable(frame))
        set_aside = SetAsideValue.objects.count()
        outcome = [(b.status, b.rows_total, b.rows_loaded, b.rows_rejected, b.rows_set_aside) for b in batches]
        transaction.set_rollback(True)
    return {"f1": result["f1"], "set_aside": set_aside}, outcome


@pytest.mark.django_db
def test_typos_in_auxiliary_fields_load_completely_and_link_as_well(synth_register, exports, tmp_path):  # noqa: F811
    typo_dir = tmp_path / "typos"
    typo_dir.mkdir()
    n_planted = sum(planted(exports / name, typo_dir / name, profile) for profile, name in FILES.items())
    shutil.copy(exports / "truth.csv", typo_dir / "truth.csv")
    clean, clean_batches = _load_and_score(exports, exports / "truth.csv")
    typos, typo_batches = _load_and_score(typo_dir, exports / "truth.csv")
    assert n_planted > 30
    for before, after in zip(clean_batches, typo_batches):
        assert after[0] in ("loaded", "partial")  # never refused for the typos
        assert after[1:4] == before[1:4]  # the same rows loaded and rejected: a typo costs no row
        assert after[4] > before[4]  # ... but warns
    assert typos["set_aside"] >= clean["set_aside"] + n_planted * 0.9  # (a row may carry two planted typos)
    assert abs(typos["f1"] - clean["f1"]) <= 0.005, (clean, typos)
