"""Person linkage quality and speed against two baselines, on the same data in the same run.

``zicht bench linkage --dataset {febrl3,febrl4,fake1000,fake20000,synthetic,exports} [--size N] [--density city] [--json]``
prints precision, recall and F1 (pairwise, over the clusters each method produces),
pairs compared, seconds and peak memory for: Zicht's linkage, a generic Splink model
(standard comparison library, single-field blocking, EM, threshold at match weight 0;
it gets an exact-match comparison and a blocking rule on the BSN hash whenever Zicht gets the BSN)
and the recordlinkage toolkit's guide pipeline (block on given name, match when more
than 3 of 6 fields agree). With ``--incremental`` it also times linking single new
records against the whole set (p50/p95 in ms). ``--density city`` (synthetic): the people of
one city (``zicht.synth.density``); the JSON's ``zicht.blocking`` gives the estimated pairs per
blocking rule and the rules left out for the pair budget. The synthetic input is generated in a
child process and read as columns (``load_columns``); the JSON's ``harness`` gives what building
the input and scoring cost, apart from the engine's figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from zicht.core.crypto import bsn_hash
from zicht.linkage import config, hard_negatives, veto
from zicht.linkage.clustering import cluster
from zicht.linkage.engine import PAIR_BUDGET_PER_RECORD, features_frame, input_frame, link, release_memory, review_band, rss_mb
from zicht.linkage.matcher import ArrayIndex, Matcher
from zicht.registry.domain.bsn import is_valid_bsn
from zicht.registry.domain.profile import find_profile
from zicht.registry.domain.rows import RowChecker
from zicht.registry.readers import read_rows
from zicht.synth.density import DENSITIES
from zicht.synth.people import person_records

DATASETS = ("febrl3", "febrl4", "fake1000", "fake20000", "synthetic", "exports")
BENCH_BSN_KEY = "zicht-bench-bsn-key"  # a fixed key: benchmark data are synthetic


def add_arguments(parser):
    parser.add_argument("--dataset", choices=DATASETS, default="fake1000")
    parser.add_argument("--size", type=int, default=20000, help="records for --dataset synthetic")
    parser.add_argument("--noise", type=float, default=1.0, help="noise level for --dataset synthetic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--hard-cases",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="--dataset synthetic: with twins, jr./sr., namesakes and BSN errors (default), or without",
    )
    parser.add_argument(
        "--density",
        choices=DENSITIES,
        default="country",
        help="--dataset synthetic: people across the country (default) or of one city (common surnames, few postcode areas)",
    )
    parser.add_argument(
        "--exports", type=Path, help="for --dataset exports: a `zicht synth` output folder (default: generate Tilburg, 3 years)"
    )
    parser.add_argument("--baselines", choices=("all", "splink", "recordlinkage", "none"), default="all")
    parser.add_argument("--incremental", type=int, default=0, help="also time N single-record links")
    parser.add_argument("--threads", type=int, default=None)


# --------------------------------------------------------------------------- data


def data_dir() -> Path:
    try:
        from django.conf import settings

        return Path(settings.SHARED_DATA_DIR) / "record_linkage"
    except Exception:  # pragma: no cover - outside Django
        return Path(__file__).resolve().parents[4] / "shared" / "data" / "record_linkage"


def _febrl(name: str) -> pd.DataFrame:
    df = pd.read_csv(data_dir() / name, skipinitialspace=True, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    return df


def _from_febrl(df: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "unique_id": df["rec_id"].str.strip(),
            "voornamen": df["given_name"],
            "achternaam": df["surname"],
            "geboortedatum": df["date_of_birth"],
            "postcode": df["postcode"],
            "huisnummer": df["street_number"],
            "straat": df["address_1"],
            "woonplaats": df["suburb"],
            "extra_id": df["soc_sec_id"],
            "truth": df["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int),
            "state": df["state"],
        }
    )
    if source:
        out["source_dataset"] = source
        out["unique_id"] = source + ":" + out["unique_id"]
    return out.replace({"": None})


def load(
    dataset: str,
    size: int = 20000,
    seed: int = 1,
    noise: float = 1.0,
    exports: Path | None = None,
    hard: bool = True,
    density: str = "country",
) -> tuple[pd.DataFrame, str]:
    """Records in the standard input schema with a ``truth`` column, and the link type."""
    if dataset == "febrl3":
        return _from_febrl(_febrl("febrl_dataset3.csv")), "dedupe_only"
    if dataset == "febrl4":
        a = _from_febrl(_febrl("febrl_dataset4a.csv"), "a")
        b = _from_febrl(_febrl("febrl_dataset4b.csv"), "b")
        return pd.concat([a, b], ignore_index=True), "link_only"
    if dataset in ("fake1000", "fake20000"):
        name, truth = ("splink_fake_1000.csv", "cluster") if dataset == "fake1000" else ("splink_fake_20000.csv", "group")
        df = pd.read_csv(data_dir() / name, dtype=str, keep_default_na=False)
        out = pd.DataFrame(
            {
                "unique_id": df["unique_id"],
                "voornamen": df["first_name"],
                "achternaam": df["surname"],
                "geboortedatum": df["dob"],
                "woonplaats": df["city"],
                "extra_id": df["email"],
                "truth": df[truth].astype(int),
            }
        )
        return out.replace({"": None}), "dedupe_only"
    if dataset == "synthetic":
        df = person_records(size, seed=seed, noise=noise, hard=hard, density=density)
        out = input_frame(df, "record_id", lambda b: bsn_hash(b, key=BENCH_BSN_KEY) if is_valid_bsn(b) else None)
        out["truth"] = df["cluster_id"]
        out.attrs["hard_negatives"] = df.attrs.get("hard_negatives", [])
        out.attrs["bsn_errors"] = df.attrs.get("bsn_errors", {})
        return out, "dedupe_only"
    if dataset == "exports":
        return _from_exports(exports, seed), "dedupe_only"
    raise ValueError(f"unknown dataset {dataset}")


# text columns of the synthetic input held as categoricals in the benchmark process (few distinct
# values: names, dates, postcodes); unique_id stays text, truth an integer
COLUMN_INPUT_TEXT = (
    "voornamen",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "postcode",
    "huisnummer",
    "woonplaats",
    "datum",
    "kind_op",
    "bsn_hash",
)


def _synthetic_to_file(path: str, size: int, seed: int, noise: float, hard: bool, density: str) -> dict:
    """Child process of ``load_columns``: generate the synthetic input, write it as Arrow columns
    (text as dictionaries) to ``path``; returns the attrs and this process's own cost."""
    import resource

    import pyarrow as pa

    t0, c0 = time.perf_counter(), time.process_time()
    df, _ = load("synthetic", size=size, seed=seed, noise=noise, hard=hard, density=density)
    attrs = dict(df.attrs)
    table = pa.Table.from_pandas(df, preserve_index=False)
    del df
    for i, name in enumerate(table.column_names):
        if name in COLUMN_INPUT_TEXT:
            table = table.set_column(i, name, table.column(i).dictionary_encode())
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {
        "attrs": attrs,
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - c0, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def load_columns(size: int, seed: int = 1, noise: float = 1.0, hard: bool = True, density: str = "country") -> tuple[pd.DataFrame, dict]:
    """``load("synthetic", ...)`` as compact columns, and what building it cost (the harness, not the engine).

    Why: generating a million records builds Python strings per cell (rows of dicts in the
    generator, then a frame of objects); in the benchmark's own process they stayed resident
    (about 830 MB at 1,000,000 records, never handed back by the allocator) and counted
    towards the engine's memory. Here a child process generates the records and writes them
    as Arrow columns (text dictionary-encoded; a forked child, before any engine thread runs); this process reads them as categoricals
    (one small integer per cell), so its memory before the engine is the input's columns
    only. The values are those of ``load`` (``test_column_input_equals_the_record_input``).
    """
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    import pyarrow as pa

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zicht-bench-linkage-") as tmp:
        path = str(Path(tmp) / "input.arrow")
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            child = pool.submit(_synthetic_to_file, path, size, seed, noise, hard, density).result()
        with pa.memory_map(path) as source:
            table = pa.ipc.open_file(source).read_all()
        df = table.to_pandas()
        del table
    df.attrs.update(child.pop("attrs"))
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed buffers otherwise
    release_memory()
    harness = {
        "input": "generated in a child process, read as Arrow columns (text as categoricals)",
        "child_seconds": child["seconds"],
        "child_cpu_seconds": child["cpu_seconds"],
        "child_peak_memory_mb": child["peak_memory_mb"],
        "seconds": round(time.perf_counter() - t0, 2),
        "input_frame_mb": round(df.memory_usage(deep=True).sum() / 2**20, 1),
        "rss_after_input_mb": rss_mb(),
    }
    return df, harness


EXPORT_FILES = [  # (truth source, import profile, file names tried in order)
    ("politie", "politie-bvh", ("politie_incidenten.csv",)),
    ("veilig_thuis", "veilig-thuis", ("veilig_thuis_meldingen.csv",)),
    ("wijkteam", "wijkteam-signalen", ("wijkteam_signalen.xlsx",)),
    ("wijkteam", "wijkteam-signalen-csv", ("wijkteam_signalen.csv",)),
]


def _from_exports(folder: Path | None, seed: int) -> pd.DataFrame:
    """Person rows of the three partner exports, parsed by their import profiles exactly as the
    import does (no database), with the generator's truth: the registry path's linkage quality."""
    import csv
    import datetime as dt
    import tempfile

    if folder is None:
        from django.core.management import call_command

        folder = Path(tempfile.mkdtemp(prefix="zicht-bench-exports-"))
        call_command("synth", gemeente="GM0855", years=3, seed=seed, out=str(folder), verbosity=0)
    truth = {}
    with open(folder / "truth.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth[(r["source"], int(r["row"]) + 1)] = r["person_id"]  # truth rows count data rows from 1
    rows = []
    for source, profile_name, names in EXPORT_FILES:
        path = next((folder / n for n in names if (folder / n).exists()), None)
        if path is None:
            continue
        profile = find_profile(profile_name)
        header, cells_iter = read_rows(path, profile)
        checker = RowChecker(profile, header, file_name=path.name, today=dt.date.today())
        for number, cells in cells_iter:
            row, _rejects = checker.check(cells, number)
            if row is None or (source, number) not in truth:
                continue
            p, a = row.person, row.address
            rows.append(
                {
                    "unique_id": f"{source}:{number}",
                    "voornamen": p.voornamen or p.voorletters,
                    "tussenvoegsel": p.tussenvoegsel,
                    "achternaam": p.achternaam,
                    "geboortedatum": p.geboortedatum.isoformat() if p.geboortedatum else None,
                    "geslacht": p.geslacht,
                    "postcode": a.postcode if a else None,
                    "huisnummer": str(a.huisnummer) if a else None,
                    "woonplaats": a.woonplaats if a else None,
                    "bsn_hash": bsn_hash(p.bsn, key=BENCH_BSN_KEY) if p.bsn and is_valid_bsn(p.bsn) else None,
                    "datum": row.record.datum.isoformat() if row.record.datum else None,  # the report's date, as the registry path reads it
                    "kind_op": row.record.datum.isoformat() if row.record.datum and row.rol == "kind" else None,
                    "melding": f"{source}:{row.record_id}" if row.record_id else None,  # the report: its other rows are co-parties
                    "truth": truth[(source, number)],
                }
            )
    out = pd.DataFrame(rows).replace({"": None})
    pairs_file = folder / "hard_negatives.csv"  # twins (zicht synth writes it since issue 16)
    if pairs_file.exists():
        with open(pairs_file, newline="", encoding="utf-8") as fh:
            out.attrs["hard_negatives"] = [(r["person_a"], r["person_b"], r["kind"]) for r in csv.DictReader(fh)]
    return out


# --------------------------------------------------------------------------- metrics


def pairwise_scores(truth, predicted) -> dict:
    """Pairwise precision/recall/F1 of a clustering: every within-cluster pair counts once."""
    frame = pd.DataFrame({"t": np.asarray(truth), "p": np.asarray(predicted)})
    c2 = lambda s: int((s * (s - 1) // 2).sum())  # noqa: E731
    tp = c2(frame.groupby(["t", "p"]).size())
    pred = c2(frame.groupby("p").size())
    true = c2(frame.groupby("t").size())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "true_pairs": true}


def hard_negative_merged(truth, labels, hard_pairs) -> dict:
    """Per kind of hard negative (twins, jr./sr., namesakes, parent's BSN): the share of pairs merged.

    A pair of different people (``hard_pairs``: (truth id, truth id, kind)) counts as merged
    when one predicted cluster holds a record of each, i.e. some registration of the one is
    put on the other's record. The share is over the pairs whose both people occur in the data.
    """
    frame = pd.DataFrame({"t": np.asarray(truth), "p": np.asarray(labels)}).drop_duplicates()
    clusters_of = frame.groupby("t")["p"].agg(frozenset).to_dict()
    out: dict = {}
    for a, b, kind in hard_pairs:
        if a not in clusters_of or b not in clusters_of:
            continue
        row = out.setdefault(kind, {"pairs": 0, "merged": 0})
        row["pairs"] += 1
        row["merged"] += bool(clusters_of[a] & clusters_of[b])
    for row in out.values():
        row["share_merged"] = round(row["merged"] / row["pairs"], 4) if row["pairs"] else 0.0
    return dict(sorted(out.items()))


IDENTIFYING = ("voornamen", "achternaam", "geboortedatum", "bsn_hash", "postcode", "huisnummer")


def identifiable(df: pd.DataFrame) -> np.ndarray:
    """Per record: does it carry enough to be linked to one person by anyone?

    Yes with a BSN, a date of birth, an address (postcode and house number), or a given
    name (or initial) *and* a surname. No for a Veilig Thuis advies registered anonymously
    (no field at all) or with a single name word and nothing else ("Jack", "Rouwenhorst"):
    truth.csv still names the person the generator had in mind, but neither a system nor a
    ketenregisseur could tell which of the region's Jacks it was. Such records are scored
    separately (``run``), never silently dropped.
    """
    has = {c: df[c].notna().to_numpy() if c in df else np.zeros(len(df), dtype=bool) for c in IDENTIFYING}
    address = has["postcode"] & has["huisnummer"]
    two_names = has["voornamen"] & has["achternaam"]
    return has["bsn_hash"] | has["geboortedatum"] | address | two_names


def scores(truth, labels, keep: np.ndarray | None) -> dict:
    """Pairwise scores; with ``keep`` over the identifiable records, plus all records and what was left out."""
    if keep is None:
        return pairwise_scores(truth, labels)
    truth, labels = np.asarray(truth), np.asarray(labels)
    return {
        **pairwise_scores(truth[keep], labels[keep]),
        "scored_on": "identifiable records (see not_identifiable)",
        "all_records": pairwise_scores(truth, labels),
        "not_identifiable": excluded_summary(truth, labels, keep),
    }


def excluded_summary(truth, predicted, keep: np.ndarray) -> dict:
    """What scoring only identifiable records leaves out: records, true pairs, and what the method did with them."""
    frame = pd.DataFrame({"t": np.asarray(truth), "p": np.asarray(predicted), "keep": keep})
    c2 = lambda s: int((s * (s - 1) // 2).sum())  # noqa: E731
    true_all, true_kept = c2(frame.groupby("t").size()), c2(frame[frame.keep].groupby("t").size())
    pred_all, pred_kept = c2(frame.groupby("p").size()), c2(frame[frame.keep].groupby("p").size())
    tp_all, tp_kept = c2(frame.groupby(["t", "p"]).size()), c2(frame[frame.keep].groupby(["t", "p"]).size())
    return {
        "records": int((~keep).sum()),
        "true_pairs": true_all - true_kept,
        "pairs_linked_by_method": pred_all - pred_kept,
        "of_which_correct": tp_all - tp_kept,
    }


def labels_from_pairs(n: int, left, right) -> np.ndarray:

    return cluster(n, np.asarray(left), np.asarray(right), np.ones(len(left)), [None] * n)


class PeakMemory:
    """Peak resident memory of this process while the block runs (sampled every 20 ms)."""

    def __enter__(self):
        self.proc = psutil.Process(os.getpid())
        self.start = self.proc.memory_info().rss
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)


# --------------------------------------------------------------------------- methods


def run_zicht(data: dict, link_type: str, threads=None) -> dict:
    """Zicht's batch linkage on ``data["df"]``.

    With ``data["release"]`` the input's text columns are dropped once the features exist
    (only ids and truth stay for scoring), as in production, where ``run_batch`` builds the
    input frame inside the ``features_frame`` call and frees it there. The peak still
    includes the input frame during the feature stage.
    """

    cfg = config.load()
    cpu0 = psutil.Process().cpu_times()
    t0 = time.perf_counter()
    c0 = time.process_time()
    df = data["df"]
    with PeakMemory() as feat_mem:
        feats = features_frame(df)  # reads only the standard columns; truth stays out of the engine
    if data.get("release"):
        data["df"] = df = df[["unique_id", "truth"]].copy()
        release_memory()
    t_feat = time.perf_counter() - t0
    c_feat = time.process_time() - c0
    rss_features = rss_mb()
    result = link(
        feats,
        link_type=link_type,
        link_threshold=cfg["link_threshold"],
        review_threshold=cfg["review_threshold"],
        threads=threads,
        train_kwargs=cfg.get("training"),
        veto_weight=cfg.get("veto_weight"),
        ambiguity_margin=cfg.get("ambiguity_margin"),
        pair_budget_per_record=cfg.get("pair_budget_per_record", PAIR_BUDGET_PER_RECORD),
    )
    seconds = time.perf_counter() - t0
    cpu1 = psutil.Process().cpu_times()
    c_score = time.process_time()
    labels = result.labels.reindex(df["unique_id"]).to_numpy()
    review = review_band(result.pairs, result.labels)
    hard = {"hard_negatives": hard_negative_merged(df["truth"], labels, data["hard"])} if data.get("hard") else {}
    quality = scores(df["truth"], labels, data.get("keep"))
    bands = review_bands(review, df, cfg["link_threshold"])
    return {
        **quality,
        **hard,
        "held_back": held_back(feats, result, cfg),
        "pairs_compared": result.pairs_compared,
        "blocking": result.rules,
        "review_pairs": int(len(review)),
        "review_bands": bands,
        "_scoring_cpu_seconds": round(time.process_time() - c_score, 2),
        "seconds": round(seconds, 2),
        "cpu_seconds": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 2),
        "stage_seconds": {"features": round(t_feat, 2), **{k: round(v, 2) for k, v in result.timings.items()}},
        "stage_cpu_seconds": {"features": round(c_feat, 2), **{k: round(v, 2) for k, v in result.cpu.items()}},
        "stage_rss_mb": {"features_peak": feat_mem.peak_mb, "features": rss_features, **result.memory},
        "_result": result,
        "_feats": feats,
    }


def held_back(feats: pd.DataFrame, result, cfg: dict) -> dict:
    """Records the cluster check held back (their links wait in review), counted from the output.

    ``linked_elsewhere``: records with a link at or above the link threshold into another cluster than
    their own (any reason: a conflict, two candidate persons, two generations of the name);
    ``alone``: of those, the ones that ended up in no cluster with others. ``generation_unsure``: the
    registrations without date of birth, marker or child role at an address where their name is two
    generations (``veto.generation_unsure``, linked only by an equal BSN), when that rule is on.
    """
    pairs = result.pairs
    labels = pd.Series(result.labels.to_numpy(), index=result.labels.index.astype(str))
    if pairs is None or len(pairs) == 0:
        return {"linked_elsewhere": 0, "alone": 0, "generation_unsure": 0}
    strong = pairs[pairs["match_weight"].to_numpy() >= cfg["link_threshold"]]
    left = labels.reindex(strong["unique_id_l"].astype(str)).to_numpy()
    right = labels.reindex(strong["unique_id_r"].astype(str)).to_numpy()
    apart = left != right
    ids = pd.unique(
        np.concatenate([strong["unique_id_l"].astype(str).to_numpy()[apart], strong["unique_id_r"].astype(str).to_numpy()[apart]])
    )
    sizes = labels.map(labels.value_counts())
    alone = int((sizes.reindex(ids).to_numpy() == 1).sum())
    unsure = 0
    if cfg.get("veto_weight") is not None and result.params is not None:
        levels = veto.veto_levels(result.params, cfg["veto_weight"])
        if hard_negatives.GENERATION_AMBIGUITY in levels.get(veto.HARD, ()):
            unsure = int(len(veto.generation_unsure(feats)))
    return {"linked_elsewhere": int(len(ids)), "alone": alone, "generation_unsure": unsure}


REVIEW_BANDS = (-5, -4, -3, -2, -1, 0, 5, 10, float("inf"))


def review_bands(review: pd.DataFrame, df: pd.DataFrame, link_threshold: float) -> list[dict]:
    """The review queue per match-weight band with the share of true pairs in it (truth known here only).

    Why: the evidence for where to put ``review_threshold``. Pairs at or above the link
    threshold in the queue are links the cluster check did not follow (veto, ambiguity).
    """
    if review.empty:
        return []
    truth = pd.Series(df["truth"].to_numpy(), index=df["unique_id"].astype(str).to_numpy())
    same = truth.reindex(review["unique_id_l"].astype(str)).to_numpy() == truth.reindex(review["unique_id_r"].astype(str)).to_numpy()
    w = review["match_weight"].to_numpy()
    out = []
    for lo, hi in zip(REVIEW_BANDS[:-1], REVIEW_BANDS[1:]):
        m = (w >= lo) & (w < hi)
        if m.any():
            out.append(
                {
                    "band": f"[{lo}, {hi})",
                    "pairs": int(m.sum()),
                    "true_pairs": int(same[m].sum()),
                    "share_true": round(float(same[m].mean()), 3),
                    "kind": "below link threshold" if hi <= link_threshold else "kept apart by the cluster check",
                }
            )
    return out


def run_generic_splink(df: pd.DataFrame, link_type: str, dataset: str, keep: np.ndarray | None = None) -> dict:
    """Splink as a newcomer would set it up: standard comparisons, single-field blocking, threshold 0."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    raw = pd.DataFrame(
        {
            "unique_id": df["unique_id"],
            "first_name": df["voornamen"],
            "surname": df.get("achternaam")
            if "tussenvoegsel" not in df
            else (df["tussenvoegsel"].fillna("") + " " + df["achternaam"].fillna("")).str.strip().replace({"": None}),
            "dob": pd.to_datetime(df["geboortedatum"], errors="coerce", format="mixed").dt.strftime("%Y-%m-%d"),
            "city": df["woonplaats"],
        }
    )
    comparisons = [
        cl.NameComparison("first_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("city"),
    ]
    if df.get("extra_id") is not None and df["extra_id"].notna().any():
        raw["email"] = df["extra_id"]
        comparisons.append(cl.EmailComparison("email") if dataset.startswith("fake") else cl.LevenshteinAtThresholds("email", 2))
    if "postcode" in df:
        raw["postcode"] = df["postcode"].str.replace(" ", "").str.upper()
        comparisons.append(cl.ExactMatch("postcode"))
    if "geslacht" in df:
        raw["gender"] = df["geslacht"]
        comparisons.append(cl.ExactMatch("gender"))
    bsn_given = "bsn_hash" in df and df["bsn_hash"].notna().any()
    if bsn_given:
        # fair: whenever Zicht gets the BSN (as a keyed hash), so does the baseline, as an exact match
        raw["bsn_hash"] = df["bsn_hash"]
        comparisons.append(cl.ExactMatch("bsn_hash"))
    if link_type == "link_only":
        raw["source_dataset"] = df["source_dataset"]
    if dataset == "synthetic":
        # first-name or surname blocks are quadratic at this size; date of birth and postcode are the usual choice
        rules = [block_on("dob"), block_on("postcode")]
    else:
        rules = [block_on("first_name"), block_on("surname"), block_on("dob")]
    if bsn_given:
        rules.append(block_on("bsn_hash"))
    settings = SettingsCreator(link_type=link_type, comparisons=comparisons, blocking_rules_to_generate_predictions=rules)
    t0 = time.perf_counter()
    db_api = DuckDBAPI(connection=duckdb.connect(":memory:"))
    if link_type == "link_only":
        tables = [
            db_api.register(raw[raw["source_dataset"] == s].drop(columns="source_dataset"), dataset_display_name=s) for s in ("a", "b")
        ]
        linker = Linker(tables, settings, log_level=None)
    else:
        linker = Linker(db_api.register(raw, dataset_display_name="raw"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    compared = db_api.duckdb_con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
    pred = linker.inference.predict(threshold_match_weight=0)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_weight=0)
    cl_df = db_api.duckdb_con.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").df()
    seconds = time.perf_counter() - t0
    if link_type == "link_only":
        # link_only ids can repeat between the two files: ours are prefixed, so they do not
        pass
    labels = pd.Series(cl_df["cluster_id"].values, index=cl_df["unique_id"].values).reindex(df["unique_id"]).to_numpy()
    hard = (
        {"hard_negatives": hard_negative_merged(df["truth"], labels, df.attrs["hard_negatives"])} if df.attrs.get("hard_negatives") else {}
    )
    return {
        **scores(df["truth"], labels, keep),
        **hard,
        "pairs_compared": int(compared),
        "seconds": round(seconds, 2),
        "bsn_given": bool(bsn_given),
    }


def run_recordlinkage_guide(df: pd.DataFrame, link_type: str, dataset: str, keep: np.ndarray | None = None) -> dict:
    """The recordlinkage toolkit's guide pipeline: block on given name, > 3 of 6 fields agree."""
    import recordlinkage

    t0 = time.perf_counter()
    frame = df.set_index("unique_id")
    fields = {
        "given": "voornamen",
        "surname": "achternaam",
        "dob": "geboortedatum",
        "city": "woonplaats",
        "address": "straat" if "straat" in df else ("extra_id" if "extra_id" in df else "postcode"),
        "region": "state" if "state" in df else ("postcode" if "postcode" in df else None),
    }
    indexer = recordlinkage.Index()
    indexer.block(fields["given"])
    if link_type == "link_only":
        a = frame[frame["source_dataset"] == "a"]
        b = frame[frame["source_dataset"] == "b"]
        candidates = indexer.index(a, b)
    else:
        a = b = frame
        candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.exact(fields["given"], fields["given"], label="given_name")
    compare.string(fields["surname"], fields["surname"], method="jarowinkler", threshold=0.85, label="surname")
    compare.exact(fields["dob"], fields["dob"], label="date_of_birth")
    compare.exact(fields["city"], fields["city"], label="suburb")
    if fields["region"]:
        compare.exact(fields["region"], fields["region"], label="state")
    compare.string(fields["address"], fields["address"], method="jarowinkler", threshold=0.85, label="address_1")
    features = compare.compute(candidates, a, b) if link_type == "link_only" else compare.compute(candidates, frame)
    matches = features[features.sum(axis=1) > 3].index
    seconds = time.perf_counter() - t0
    pos = pd.Index(df["unique_id"])
    left = pos.get_indexer(matches.get_level_values(0))
    right = pos.get_indexer(matches.get_level_values(1))
    labels = labels_from_pairs(len(df), left, right)
    hard = (
        {"hard_negatives": hard_negative_merged(df["truth"], labels, df.attrs["hard_negatives"])} if df.attrs.get("hard_negatives") else {}
    )
    return {**scores(df["truth"], labels, keep), **hard, "pairs_compared": int(len(candidates)), "seconds": round(seconds, 2)}


def time_incremental(zicht: dict, count: int, cfg: dict) -> dict:
    """p50/p95 of linking one new record against everything already linked (index built once)."""

    feats = zicht["_feats"]
    result = zicht["_result"]
    rng = np.random.default_rng(7)
    held = rng.choice(len(feats), size=min(count, len(feats)), replace=False)
    t0 = time.perf_counter()
    index = ArrayIndex.build(feats, result.labels.reindex(feats["unique_id"]).to_numpy(), result.params.rules)
    build = time.perf_counter() - t0
    matcher = Matcher(result.params, index, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"])
    sample = feats.iloc[held].astype(object)
    records = sample.where(sample.notna(), None).to_dict("records")  # missing as None, as record_features gives
    times = []
    for rec in records:
        rec = dict(rec)
        rec["unique_id"] = f"new-{rec['unique_id']}"
        t = time.perf_counter()
        matcher.match(rec)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "records_in_index": len(feats),
        "index_build_seconds": round(build, 2),
        "new_records": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "max_ms": round(float(np.max(times)), 2),
    }


def run(options) -> dict:

    dataset = options["dataset"]
    harness = None
    c0, t0 = time.process_time(), time.perf_counter()
    if dataset == "synthetic":
        df, harness = load_columns(
            options.get("size", 20000),
            seed=options.get("seed", 1),
            noise=options.get("noise", 1.0),
            hard=options.get("hard_cases", True),
            density=options.get("density", "country"),
        )
        link_type = "dedupe_only"
    else:
        df, link_type = load(
            dataset,
            size=options.get("size", 20000),
            seed=options.get("seed", 1),
            noise=options.get("noise", 1.0),
            exports=options.get("exports"),
            hard=options.get("hard_cases", True),
            density=options.get("density", "country"),
        )
    gc.collect()
    harness = {
        **(harness or {}),
        "load_seconds": round(time.perf_counter() - t0, 2),
        "load_cpu_seconds": round(time.process_time() - c0, 2),
    }
    out = {
        "dataset": dataset,
        "records": len(df),
        "link_type": link_type,
        **({"density": options["density"]} if dataset == "synthetic" and options.get("density") else {}),
        "metric": "pairwise precision/recall/F1 over each method's clusters",
    }
    which = options.get("baselines", "all")
    # the exports hold registrations nobody could link (anonymous adviezen): scored apart, see identifiable()
    keep = identifiable(df) if dataset == "exports" else None
    if keep is not None:
        out["scoring"] = (
            "precision/recall/F1 over the identifiable records: a BSN, a date of birth, an address, or a given name "
            "and a surname; not_identifiable says how many records and true pairs that leaves out and what each method did with them"
        )
    # the baselines read the whole input frame later; without them it is released after the features
    if df.attrs.get("hard_negatives"):
        out["hard_negative_pairs"] = {
            k: sum(1 for *_, kind in df.attrs["hard_negatives"] if kind == k) for k in sorted({p[2] for p in df.attrs["hard_negatives"]})
        }
        out["bsn_errors"] = df.attrs.get("bsn_errors", {})
    data = {"df": df, "release": which == "none", "keep": keep, "hard": df.attrs.get("hard_negatives")}
    del df
    with PeakMemory() as mem:
        zicht = run_zicht(data, link_type, threads=options.get("threads"))
    df = data.pop("df")
    zicht["peak_memory_mb"] = mem.peak_mb
    zicht["memory_before_mb"] = round(mem.start / 2**20, 1)
    out["zicht"] = {k: v for k, v in zicht.items() if not k.startswith("_")}
    if options.get("incremental"):
        out["incremental"] = time_incremental(zicht, options["incremental"], config.load())
    out["zicht"]["input_released_after_features"] = data["release"]
    out["harness"] = {**harness, "scoring_cpu_seconds": zicht["_scoring_cpu_seconds"]}
    del zicht
    gc.collect()
    # the baselines read plain text columns (fillna(""), string concatenation)
    df = df.astype({c: object for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})
    if which in ("all", "splink"):
        with PeakMemory() as mem:
            res = run_generic_splink(df, link_type, dataset, keep)
        out["generic_splink"] = {**res, "peak_memory_mb": mem.peak_mb}
        gc.collect()
    if which in ("all", "recordlinkage"):
        if len(df) > 100_000:
            out["recordlinkage_guide"] = "skipped: blocking on given name alone is quadratic at this size"
        else:
            with PeakMemory() as mem:
                res = run_recordlinkage_guide(df, link_type, dataset, keep)
            out["recordlinkage_guide"] = {**res, "peak_memory_mb": mem.peak_mb}
    return out
