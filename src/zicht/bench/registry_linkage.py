"""Linkage quality and arrival time of the registry itself, against the generator's truth file.

``zicht bench registry-linkage --truth DIR/truth.csv [--arrivals N] [--json]`` scores the linked
persons in this installation's database (after ``zicht demo``, or an import of ``zicht synth``
exports) against the ``truth.csv`` written beside those exports: the whole registry path, from
import profile to the links the ``batch_imported`` receiver wrote. ``zicht bench linkage
--dataset exports`` parses the same exports without a database; this one also catches what
only the database path does (which model was active, what the registry hands the model).
With ``--arrivals`` it times ``services.link_person`` for N random registry persons, each in a
transaction that is rolled back: the registry is read, never changed.
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

from zicht.linkage import services
from zicht.registry.models import Person

from .linkage import EXPORT_FILES, identifiable, scores

READS_REGISTRY = True  # `zicht bench` writes an access-log entry for this run (reads registry persons)


def add_arguments(parser):
    parser.add_argument("--truth", type=Path, required=True, help="truth.csv beside the imported `zicht synth` exports")
    parser.add_argument("--arrivals", type=int, default=0, help="also time linking N random persons on arrival (rolled back)")
    parser.add_argument("--seed", type=int, default=1)


def registry_frame() -> pd.DataFrame:
    """One row per imported person: where it came from (file, row), its linked person and identifying fields."""

    files = {name: source for source, _profile, names in EXPORT_FILES for name in names}
    rows = []
    persons = Person.objects.filter(import_batch__isnull=False, source_row__isnull=False).select_related("address", "import_batch", "link")
    for p in persons.iterator(chunk_size=5000):
        source = files.get(p.import_batch.file_name)
        if source is None:
            continue
        link = getattr(p, "link", None)
        rows.append(
            {
                "source": source,
                "row": p.source_row - 1,  # truth rows count data rows from 1; the registry counts the header as row 1
                "linked": link.linked_person_id if link else -p.pk,  # unlinked: a cluster of its own
                "voornamen": p.voornamen or p.voorletters or None,
                "achternaam": p.achternaam or None,
                "geboortedatum": p.geboortedatum or None,
                "bsn_hash": p.bsn_hash or None,
                "postcode": p.address.postcode if p.address else None,
                "huisnummer": p.address.huisnummer if p.address else None,
            }
        )
    return pd.DataFrame(rows)


def read_truth(path: Path) -> pd.DataFrame:
    with open(path, newline="", encoding="utf-8") as fh:
        return pd.DataFrame([(r["source"], int(r["row"]), r["person_id"]) for r in csv.DictReader(fh)], columns=["source", "row", "truth"])


def time_arrivals(n: int, seed: int) -> dict:
    """``link_person`` for ``n`` random persons, each rolled back; milliseconds per person."""
    from django.db import transaction

    ids = list(Person.objects.values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(n, len(ids)))
    times = []
    for pk in chosen:
        person = Person.objects.select_related("address").get(pk=pk)
        with transaction.atomic():
            t0 = time.perf_counter()
            services.link_person(person)
            times.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
    return {
        "persons_in_registry": len(ids),
        "arrivals": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "max_ms": round(float(np.max(times)), 2),
        "note": "each link_person ran in a transaction that was rolled back",
    }


def run(options) -> dict:
    from django.core.management.base import CommandError

    path = options["truth"]
    try:
        truth = read_truth(path)
    except (OSError, KeyError, ValueError) as exc:
        raise CommandError(f"{path}: not a readable truth.csv of `zicht synth` ({type(exc).__name__})") from None
    frame = registry_frame()
    frame = frame.merge(truth, on=["source", "row"], how="inner") if not frame.empty else frame
    if frame.empty:
        raise CommandError(f"{path}: no registry person matches a row of this truth file (were these exports imported?)")
    keep = identifiable(frame)
    out = {
        "truth": str(options["truth"]),
        "truth_rows": len(truth),
        "registry_persons_matched": len(frame),
        "metric": "pairwise precision/recall/F1 over the registry's linked persons",
        "scoring": "over the identifiable records (see zicht bench linkage --dataset exports); all_records beside it",
        "zicht": scores(frame["truth"].to_numpy(), frame["linked"].to_numpy(), keep),
    }
    if options.get("arrivals"):
        out["arrival"] = time_arrivals(options["arrivals"], options.get("seed", 1))
    return out
