"""The batch person-linkage engine: Splink (DuckDB, in memory) with Dutch-aware features (no Django).

Flow: records in the standard schema → features (``features``) → Splink model
with the comparisons and blocking rules of ``comparisons`` → parameters
estimated on the data itself (u by random sampling, m by EM and from the
equal-BSN pairs the registry holds; no external labels) → scored pairs with
match weights → clusters that never join two BSNs, with the cluster check of
``veto`` (conflicting records apart, ambiguous records unlinked).

DuckDB runs in memory only: plaintext names never touch the disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from . import clustering, features, hard_negatives, labelled, normalise, veto, veto_fast
from .comparisons import (
    CONDITIONS,
    EXTRA_RULES,
    Comparison,
    block_pairs,
    model_comparisons,
    present_comparisons,
    present_rules,
    rule_columns,
    rule_needs,
)

log = logging.getLogger(__name__)
# Splink warns on every predict that levels never seen in training use its default m/u
# (e.g. "one part of a double surname equal" in data without double names). That is
# expected here and would flood the command output; errors still show.
logging.getLogger("splink").setLevel(logging.ERROR)


# --------------------------------------------------------------------------- memory


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS between stages.

    Why: glibc keeps freed arenas mapped, so a stage's temporaries (pandas objects, Arrow
    buffers) would otherwise stay in the process's resident memory and add up to the peak
    of the next stage. Without glibc (musl, macOS) only the collection runs.
    """
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    try:
        libc = ctypes.CDLL(libc_name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def rss_mb() -> float:
    """Current resident memory of this process in MB (for per-stage figures)."""
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


# --------------------------------------------------------------------------- features


def _combined_codes(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Dense codes 0..k-1 for the distinct combinations of ``cols`` (missing values count as one value)."""
    codes = None
    for c in cols:
        col_codes = pd.factorize(frame[c], use_na_sentinel=True)[0].astype(np.int64) + 1
        if codes is None:
            codes = col_codes
        else:
            codes = codes * (int(col_codes.max()) + 1) + col_codes
    return pd.factorize(codes)[0].astype(np.int64)


NUMERIC_FEATURES = ("dob_yi", "dob_days")


def _mapped(frame: pd.DataFrame, cols: list[str], func) -> dict[str, pd.Categorical | pd.api.extensions.ExtensionArray]:
    """Apply ``func`` once per distinct combination of ``cols``; spread the results over all rows.

    Results come back as categoricals (per row a small integer code into the distinct
    values), numbers as nullable integers: a million rows of ~30 features then take tens of
    megabytes instead of an object pointer per cell, and nothing is copied per row in Python.
    """
    codes = _combined_codes(frame, cols)
    first = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    raw = frame[cols].to_numpy(dtype=object)[first]
    uniques = [tuple(None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in row) for row in raw]
    results = [func(*row) for row in uniques]
    if not results:
        return {}
    out = {}
    for k in results[0]:
        values = [r[k] for r in results]
        if k in NUMERIC_FEATURES:
            out[k] = pd.array(values, dtype="Int64").take(codes)
        else:
            value_codes, distinct = pd.factorize(np.array(values, dtype=object), use_na_sentinel=True)
            out[k] = pd.Categorical.from_codes(value_codes[codes], categories=pd.Index(distinct, dtype=object))
    return out


PERSON_COLUMNS = (
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
    "melding",
)


def input_frame(persons: pd.DataFrame, id_column: str, hash_bsn) -> pd.DataFrame:
    """The linkage input from a person table with a ``bsn`` column (e.g. ``zicht.synth.people``):
    ids as text, the person columns as they are, the BSN replaced by ``hash_bsn(bsn)`` (None when
    absent), empty strings as missing."""
    out = pd.DataFrame({"unique_id": persons[id_column].astype(str)})
    for column in PERSON_COLUMNS:
        if column in persons.columns:
            out[column] = persons[column]
    out["bsn_hash"] = [hash_bsn(b) if b else None for b in persons["bsn"].fillna("")]
    return out.replace({"": None})


def features_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Features for a whole frame in the standard input schema, each distinct value normalised once."""
    frame = df.copy(deep=False)
    for c in features.INPUT_COLUMNS:
        if c not in frame.columns:
            frame[c] = None
    out: dict[str, np.ndarray] = {"unique_id": frame["unique_id"].to_numpy()}
    if "source_dataset" in df.columns:
        out["source_dataset"] = frame["source_dataset"].to_numpy()
    out.update(_mapped(frame, ["voornamen"], features.given_features))
    out.update(_mapped(frame, ["achternaam", "tussenvoegsel"], features.surname_features))
    out.update(_mapped(frame, ["geboortedatum"], features.dob_features))
    out.update(_mapped(frame, ["geslacht"], lambda g: {"gender": features._none(normalise.normalise_gender(g))}))
    # address parts one column at a time: far fewer distinct values than whole addresses
    out.update(
        _mapped(
            frame, ["postcode"], lambda pc: {k: v for k, v in features.address_features(pc, None, None, None).items() if k in ("pc", "pc4")}
        )
    )
    out.update(_mapped(frame, ["huisnummer"], lambda h: {"hnr": features.address_features(None, h, None, None)["hnr"]}))
    out.update(_mapped(frame, ["straat"], lambda st: {"street": features.address_features(None, None, st, None)["street"]}))
    out.update(_mapped(frame, ["woonplaats"], lambda w: {"city": features.address_features(None, None, None, w)["city"]}))
    out.update(_mapped(frame, ["extra_id"], lambda v: features.xid_features("" if v is None else str(v))))
    out.update(_mapped(frame, ["datum"], lambda d: {"seen": features.seen_day(d)}))
    out.update(_mapped(frame, ["kind_op"], lambda d: {"kind_on": features.seen_day(d)}))
    out.update(_mapped(frame, ["melding"], lambda m: {"reports": features.report_key(m)}))
    result = pd.DataFrame(out, index=df.index)
    gp, sp = result["given_ph"], result["sn_ph"]
    pair = pd.DataFrame({"g": gp, "s": sp})
    result["nameset"] = _mapped(pair, ["g", "s"], lambda g, s: {"nameset": features.nameset(g, s)})["nameset"]
    pair["i"] = result["init1"]
    result["word_ph"] = _mapped(pair, ["g", "s", "i"], lambda g, s, i: {"word_ph": features.word_key(g, s, i)})["word_ph"]
    bsn = frame["bsn_hash"].astype(object)
    result["bsn_hash"] = bsn.where(bsn.notna() & (bsn.astype(str) != ""), None).to_numpy()
    cols = ["unique_id"] + (["source_dataset"] if "source_dataset" in result.columns else []) + features.FEATURE_COLUMNS
    return result[cols]


def to_arrow(feats: pd.DataFrame) -> pa.Table:
    """Arrow table for DuckDB: compact strings, no pandas object overhead inside the engine.

    Categorical features are decoded to plain strings: the comparison SQL compares
    ``_l`` and ``_r`` columns and string functions expect VARCHAR, not DuckDB enums.
    """
    table = pa.Table.from_pandas(feats, preserve_index=False)
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if pa.types.is_dictionary(col.type):
            table = table.set_column(i, name, col.cast(pa.string()))
    return table


# --------------------------------------------------------------------------- model


@dataclass
class ModelParams:
    """What the incremental matcher needs of a trained Splink model: per level log2 Bayes factors."""

    prior_weight: float  # log2 of the prior odds (probability two random records match)
    comparisons: list[str]  # comparison names, in model order
    weights: dict[str, dict[int, float]]  # name → gamma → match weight contribution (log2 BF)
    labels: dict[str, dict[int, str]]  # name → gamma → level label
    rules: list[list[str]]  # the blocking rules the last batch predicted with: arrival blocks on exactly these
    splink_settings: dict = field(default_factory=dict)
    # all rules the model was trained with (``rules`` are those kept within the pair budget):
    # a later batch budgets again from these, as the registry's density changes
    trained_rules: list[list[str]] | None = None

    def to_dict(self) -> dict:
        return {
            "prior_weight": self.prior_weight,
            "comparisons": self.comparisons,
            "weights": {k: {str(g): w for g, w in v.items()} for k, v in self.weights.items()},
            "labels": {k: {str(g): s for g, s in v.items()} for k, v in self.labels.items()},
            "rules": self.rules,
            "splink_settings": self.splink_settings,
            **({"trained_rules": self.trained_rules} if self.trained_rules is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ModelParams:
        return cls(
            prior_weight=d["prior_weight"],
            comparisons=list(d["comparisons"]),
            weights={k: {int(g): float(w) for g, w in v.items()} for k, v in d["weights"].items()},
            labels={k: {int(g): s for g, s in v.items()} for k, v in d["labels"].items()},
            rules=[list(r) for r in d["rules"]],
            splink_settings=d.get("splink_settings", {}),
            trained_rules=[list(r) for r in d["trained_rules"]] if d.get("trained_rules") is not None else None,
        )

    def with_rules(self, kept) -> ModelParams:
        """These params predicting with only ``kept`` of the trained rules (``rules_within_budget``)."""
        trained = self.trained_rules if self.trained_rules is not None else self.rules
        return replace(self, rules=[list(r) for r in kept], trained_rules=[list(r) for r in trained])


def params_from_linker(linker, rules) -> ModelParams:
    """Read per-level match weights out of a Splink linker (its own m/u estimates, with its defaults)."""
    settings_obj = linker._settings_obj  # noqa: SLF001 - Splink exposes the trained levels only here
    weights: dict[str, dict[int, float]] = {}
    labels: dict[str, dict[int, str]] = {}
    names = []
    for comp in settings_obj.comparisons:
        name = comp.output_column_name
        names.append(name)
        weights[name], labels[name] = {}, {}
        for lv in comp.comparison_levels:
            g = -1 if lv.is_null_level else lv.comparison_vector_value
            weights[name][g] = float(lv._log2_bayes_factor)  # noqa: SLF001
            labels[name][g] = lv.label_for_charts
    p = settings_obj._probability_two_random_records_match  # noqa: SLF001
    settings = linker.misc.save_model_to_json()
    return ModelParams(math.log2(p / (1 - p)), names, weights, labels, [list(r) for r in rules], settings)


# Comparisons whose levels are ordered from most to least similar, where a closer level can
# never be evidence against a match compared with a complete disagreement. EM on data in
# which people rarely move within a town can push "same town, other postcode" far below
# "elsewhere" (-20 against -4); flooring at the 'else' weight removes that artefact.
FLOORED = ("adres", "geboortedatum")
# Predict scores the blocked pairs in slices of about this many left-hand records' pairs
# (by a hash of the left id), so DuckDB builds the two-sided feature rows of one slice at a
# time. Splink's own chunking (predict_chunk) was tried first: it reruns the whole blocking
# join per chunk and took 2.5 times as long at 4 chunks. Figures: docs/linkage.md (memory).
CHUNK_RECORDS = 125_000
# Scored pairs are fetched from DuckDB in slices of this many vectors (2,048 rows each).
FETCH_VECTORS = 64
# Above this many records the model is trained on a random sample of this size: EM and
# u-sampling need far fewer records than a full registry, and the training tables of a
# million records were the largest single block of memory.
TRAIN_SAMPLE = 200_000


def floor_at_else(linker, names) -> None:
    """Raise any level's m so its weight is at least that of the comparison's 'else' level."""
    for comp in linker._settings_obj.comparisons:  # noqa: SLF001
        if comp.output_column_name not in names:
            continue
        levels = [lv for lv in comp.comparison_levels if not lv.is_null_level]
        else_level = levels[-1]
        try:
            floor = else_level._log2_bayes_factor  # noqa: SLF001
        except (TypeError, ValueError):
            continue
        for lv in levels[:-1]:
            u = lv.u_probability
            if u and lv._log2_bayes_factor < floor:  # noqa: SLF001
                lv.m_probability = min(1.0, u * 2**floor)


def splink_settings(comps: tuple[Comparison, ...], rules, link_type: str = "dedupe_only", prior: float = 1e-5) -> dict:
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "comparisons": [c.splink_dict() for c in comps],
        "blocking_rules_to_generate_predictions": [rule_sql(r) for r in rules],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["bsn_hash"],
        "em_convergence": 0.001,
        "max_iterations": 20,
    }


def rule_sql(rule) -> str:
    return " AND ".join(CONDITIONS[c][0] if c.startswith("?") else f"l.{c} = r.{c}" for c in rule)


def select_extra_rules(feats: pd.DataFrame, candidates, rules, pairs_per_record: float) -> tuple:
    """The candidate rules (not already in ``rules``) with at most ``pairs_per_record`` × records pairs.

    Why per data set: a key like "date of birth" is selective in a source with few
    records per date and quadratic in a large registry; measuring keeps pairs near-linear.
    Always measured on the whole registry, also when the model is trained on a sample:
    block pairs grow with the square of the block size, so a sample would admit rules that
    are quadratic at full size.
    """
    chosen = []
    for rule in candidates:
        if rule in rules:
            continue
        if rule_pairs(feats, rule) <= pairs_per_record * len(feats):
            chosen.append(rule)
    return tuple(chosen)


def rule_pairs(feats: pd.DataFrame, rule) -> int:
    """Pairs a blocking rule generates on these records (its equi-join on the key columns; a
    missing value never joins), counted from the key's value counts without forming a pair:
    what Splink's ``count_comparisons_from_blocking_rule`` counts. Conditions ("?…") are not
    read, so this is an upper bound for rules that have one."""
    cols = list(rule_columns(rule))
    codes = _combined_codes(feats, cols)
    missing = np.zeros(len(codes), dtype=bool)
    for c in cols:
        missing |= feats[c].isna().to_numpy()
    return block_pairs(np.where(missing, -1, codes))


def rule_key(feats: pd.DataFrame, rule, column_codes: dict | None = None) -> np.ndarray:
    """Per record an int32 code for the rule's key (equal codes ⇔ equal values in every key
    column), -1 where a key column is missing (such a record never joins). Factorised column by
    column, so the combined code never overflows however many distinct values the columns hold.
    ``column_codes``: a cache of each column's codes, shared between the rules."""
    codes = np.zeros(len(feats), dtype=np.int64)
    missing = np.zeros(len(feats), dtype=bool)
    cache = {} if column_codes is None else column_codes
    for c in rule_columns(rule):
        if c not in cache:
            cache[c] = pd.factorize(feats[c], use_na_sentinel=True)[0].astype(np.int64)
        col = cache[c]
        missing |= col < 0
        codes = pd.factorize(codes * (int(col.max(initial=0)) + 2) + col + 1)[0].astype(np.int64)
    return np.where(missing, -1, codes).astype(np.int32)


def _condition_columns(rules) -> list[str]:
    """The feature columns the rules' conditions ("?…") read."""
    return sorted({c for r in rules for c in rule_needs(r) - set(rule_columns(r))})


def _condition_sql(rule) -> str:
    return "".join(f" AND {CONDITIONS[c][0]}" for c in rule if c.startswith("?"))


def blocking_sql(rules, keys_table: str, slice_: int | None = None) -> str:
    """The blocked pairs of ``rules`` (dedupe) on the integer keys of ``keys_table``: the pairs of
    Splink's blocking (``compute_blocked_pairs_for_predict``), each once, under the rule that
    finds it first, oriented ``unique_id_l < unique_id_r`` (``rid`` ranks the ids in DuckDB's
    own order).

    Why not Splink's SQL: it joins on the feature strings and tests every earlier rule's string
    equalities per candidate pair; on integer codes the same joins and tests cost a fraction
    (docs/linkage.md, predict). ``slice_``: only left-hand records of that slice (``slice`` column).
    """
    parts = []
    for j, rule in enumerate(rules):
        earlier = " OR ".join(f"coalesce(l.k{i} = r.k{i}{_condition_sql(rules[i])}, false)" for i in range(j))
        where = f"l.rid < r.rid{_condition_sql(rule)}" + (f" AND l.slice = {int(slice_)}" if slice_ is not None else "")
        if earlier:
            where += f" AND NOT ({earlier})"
        parts.append(
            f"SELECT '{j}' AS match_key, l.unique_id AS join_key_l, r.unique_id AS join_key_r "
            f"FROM {keys_table} AS l INNER JOIN {keys_table} AS r ON l.k{j} = r.k{j} WHERE {where}"
        )
    return "\nUNION ALL\n".join(parts)


# Predicted pairs per record the blocking rules may generate together (estimated per rule
# before predicting, ``rule_pairs``, and summed: an upper bound, pairs found by two rules count
# twice). Rules are taken in their order of importance while the sum stays within the budget;
# a rule that would exceed it is left out (``LinkResult.rules``), so pairs, and with them the
# memory of prediction, grow with the records and not with their density. Rationale and
# measurements: docs/linkage.md (memory bounded by pairs).
PAIR_BUDGET_PER_RECORD = 30.0
# Predict scores the blocked pairs in slices of at most this many estimated pairs (and of at
# most CHUNK_RECORDS left-hand records).
PAIRS_PER_SLICE = 10_000_000
# Block per slice (Splink's ``compute_blocked_pairs_for_predict_chunk``) instead of blocking
# all pairs once and slicing them: the blocked pairs of the whole registry were the largest
# transient block of predict at a city's density. Figures: docs/linkage.md.
BLOCK_PER_SLICE = True
# Block on integer codes of the rules' keys (``blocking_sql``) instead of Splink's SQL on the
# feature strings: the same pairs (``test_integer_blocking_finds_splinks_pairs``), a fraction of the CPU.
INTEGER_BLOCKING = True
KEYS_TABLE = "zicht_block_keys"


def rules_within_budget(counts: dict, n: int, per_record: float | None) -> tuple[tuple, tuple]:
    """(kept, left out): the rules in order while their summed pair counts stay within
    ``per_record`` × ``n``; the first rule is always kept (a linkage needs one)."""
    if not per_record or per_record <= 0:
        return tuple(counts), ()
    budget, total = per_record * max(n, 1), 0
    kept, dropped = [], []
    for i, (rule, pairs) in enumerate(counts.items()):
        if i == 0 or total + pairs <= budget:
            kept.append(rule)
            total += pairs
        else:
            dropped.append(rule)
    return tuple(kept), tuple(dropped)


@dataclass
class LinkResult:
    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, bsn_hash_l/r, mw_<comparison> (pairs ≥ review threshold)
    labels: pd.Series  # unique_id → cluster label
    params: ModelParams
    pairs_compared: int
    timings: dict
    memory: dict = field(default_factory=dict)  # stage → resident MB after it (and peak seen in predict)
    rules: dict = field(default_factory=dict)  # estimated pairs per blocking rule, rules left out for the budget
    cpu: dict = field(default_factory=dict)  # stage → CPU seconds of the process (all threads)


class Engine:
    """One batch run: register the features, train (or load) the model, score, cluster."""

    def __init__(
        self,
        feats: pd.DataFrame,
        link_type: str = "dedupe_only",
        threads: int | None = None,
        params: ModelParams | None = None,
        memory_limit: str | None = None,
        block_keys: bool = True,
    ):
        import duckdb
        from splink import DuckDBAPI

        from .comparisons import ALL_COMPARISONS

        self.link_type = link_type
        present = {c for c in features.FEATURE_COLUMNS if c in feats.columns and feats[c].notna().any()}
        self.present = present
        if params is None:
            self.comparisons = tuple(c.restricted(present) for c in present_comparisons(present))
            self.rules = present_rules(present)
        else:
            by_name = {c.name: c for c in ALL_COMPARISONS}
            self.comparisons = tuple(by_name[n] for n in params.comparisons)
            # every rule the model was trained with: the pair budget chooses among them again (``link``)
            self.rules = tuple(tuple(r) for r in (params.trained_rules if params.trained_rules is not None else params.rules))
        # only the columns the model reads go into DuckDB: less memory in every pair join
        needed = {c for comp in self.comparisons for c in comp.columns} | {c for r in self.rules for c in rule_needs(r)}
        self.extra_candidates = present_rules(present, EXTRA_RULES) if params is None else ()
        needed |= {c for r in self.extra_candidates for c in rule_needs(r)}
        needed |= ({"sn_compact", "given1", "dob"} & present) | {"bsn_hash"}  # prior rule; bsn_hash is always retained
        keep = (
            ["unique_id"]
            + (["source_dataset"] if "source_dataset" in feats.columns else [])
            + [c for c in features.FEATURE_COLUMNS if c in needed]
        )
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        # in memory only: no temp directory, so DuckDB never spills plaintext features to disk;
        # the limit makes its buffer manager release memory instead of holding on to it
        self.con.execute("SET temp_directory = ''")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.db_api = DuckDBAPI(connection=self.con)
        if link_type == "link_only":
            names = sorted(feats["source_dataset"].unique())
            self.tables = [
                self.db_api.register(to_arrow(feats.loc[feats["source_dataset"] == s, keep]), dataset_display_name=str(s)) for s in names
            ]
        else:
            self.tables = [self.db_api.register(to_arrow(feats[keep]), dataset_display_name="personen")]
        self.n = len(feats)
        self.estimated_pairs = 0  # set by ``link`` from the per-rule estimate (slices by pairs)
        # categories for the compact pair frame (see predict)
        self.id_index = pd.Index(feats["unique_id"].to_numpy(dtype=object))
        bsn = feats["bsn_hash"].dropna().unique() if "bsn_hash" in feats.columns else []
        self.bsn_index = pd.Index(np.asarray(bsn, dtype=object))
        self._feats = feats[[c for c in keep if any(c in r for r in self.extra_candidates)]] if self.extra_candidates else None
        # per trained rule its integer key, for blocking on codes (``blocking_sql``); dedupe only
        self._keys = None
        self._block_keys = INTEGER_BLOCKING and block_keys and link_type == "dedupe_only" and "source_dataset" not in keep
        if self._block_keys and params is not None:
            self._register_keys(feats)
        self._train_feats = feats if params is None else None  # for m from equal-BSN pairs
        self.linker = None
        if params is not None:
            self.linker = self._linker(params.splink_settings)

    def _register_keys(self, feats: pd.DataFrame) -> None:
        """The table ``blocking_sql`` reads: unique_id, its rank (``rid``, DuckDB's order), per rule
        its key code (``k<j>``, NULL when missing) and the columns the rules' conditions read."""
        if pd.api.types.infer_dtype(feats["unique_id"], skipna=False) != "string":
            return  # ids of another type order and compare otherwise: Splink's blocking SQL stays
        rules = list(self.rules)
        data = {
            "unique_id": pa.array(feats["unique_id"].to_numpy(dtype=object), pa.string()),
            "pos": pa.array(np.arange(len(feats), dtype=np.int32)),  # the row, as in ``id_index``
        }
        column_codes: dict = {}
        for j, rule in enumerate(rules):
            key = rule_key(feats, rule, column_codes)
            data[f"k{j}"] = pa.array(key, mask=key < 0)
        for c in _condition_columns(rules):
            data[c] = pa.array(feats[c].astype(object).where(feats[c].notna(), None).to_numpy(dtype=object), pa.string())
        table = pa.table(data)
        self.con.register("zicht_block_keys_in", table)
        self.con.execute(
            f"CREATE TABLE {KEYS_TABLE} AS SELECT *, CAST(row_number() OVER (ORDER BY unique_id) AS INTEGER) AS rid, "
            "CAST(0 AS INTEGER) AS slice FROM zicht_block_keys_in"
        )
        self.con.unregister("zicht_block_keys_in")
        bsn = pa.table(
            {
                "bsn_hash": pa.array(self.bsn_index.to_numpy(dtype=object), pa.string()),
                "pos": np.arange(len(self.bsn_index), dtype=np.int32),
            }
        )
        self.con.register("zicht_bsn_pos_in", bsn)
        self.con.execute("CREATE TABLE zicht_bsn_pos AS SELECT * FROM zicht_bsn_pos_in")
        self.con.unregister("zicht_bsn_pos_in")
        self._keys = {tuple(r): j for j, r in enumerate(rules)}

    def _linker(self, settings):
        from splink import Linker

        return Linker(self.tables if len(self.tables) > 1 else self.tables[0], settings, log_level=None)

    def select_extra_rules(self, pairs_per_record: float) -> tuple:
        """The wider blocking rules whose pairs stay within ``pairs_per_record`` × records on this data."""
        chosen = select_extra_rules(self._feats, self.extra_candidates, self.rules, pairs_per_record)
        self._feats = None
        return chosen

    def train(
        self,
        prior_recall: float = 0.7,
        max_u_pairs: float = 2e6,
        max_em_pairs: float = 2e6,
        seed: int = 1,
        extra_rule_pairs_per_record: float = 0.0,
        extra_rules: tuple | None = None,
        bsn_m: bool = True,
    ) -> ModelParams:
        """Estimate the model on the data itself: prior from near-certain pairs, u by sampling, m by EM,
        then (``bsn_m``) m from the equal-BSN pairs where there are enough (``m_from_bsn_pairs``).

        ``extra_rules``: wider blocking rules already chosen on the whole registry (when
        this engine holds only a training sample); otherwise they are chosen here.
        """
        if extra_rules is not None:
            self.rules = tuple(self.rules) + tuple(r for r in extra_rules if r not in self.rules)
            self._feats = None
        elif extra_rule_pairs_per_record > 0 and self.extra_candidates:
            self.rules = tuple(self.rules) + self.select_extra_rules(extra_rule_pairs_per_record)
        self.linker = self._linker(splink_settings(self.comparisons, self.rules, self.link_type))
        training = self.linker.training
        deterministic = [r for r in (rule_sql(("sn_compact", "given1", "dob")), rule_sql(("bsn_hash",))) if self._usable(r)]
        training.estimate_probability_two_random_records_match(deterministic, recall=prior_recall)
        training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed)
        names = {c.name for c in self.comparisons}
        em_rules = [("dob",), ("nameset",)] if "geboortedatum" in names else [("sn_ph",), ("given_ph",)]
        for rule in em_rules:
            if not self._usable(rule_sql(rule)):
                continue
            training.estimate_parameters_using_expectation_maximisation(
                rule_sql(rule), estimate_without_term_frequencies=True, max_pairs=max_em_pairs
            )
        self.bsn_m_pairs = self.m_from_bsn_pairs(seed=seed) if bsn_m else 0
        if self._block_keys and self._train_feats is not None:
            self._register_keys(self._train_feats)  # the rules are known now (with the extra rules)
        self._train_feats = None
        floor_at_else(self.linker, FLOORED)
        return params_from_linker(self.linker, self.rules)

    def m_from_bsn_pairs(self, seed: int = 1) -> int:
        """Replace EM's m by the level shares among equal-BSN pairs where there are enough (``labelled``).

        Returns the number of BSN pairs used (0: too few, EM's m stays).
        """
        feats = self._train_feats
        if feats is None or "bsn_hash" not in self.present:
            return 0
        left, right = labelled.bsn_pairs(feats["bsn_hash"].to_numpy(dtype=object), labelled.MAX_PAIRS, seed)
        if len(left) < labelled.MIN_PAIRS:
            return 0
        rows = np.unique(np.concatenate([left, right]))
        cols = sorted({c for comp in self.comparisons for c in comp.columns if c in feats.columns})
        sample = feats.iloc[rows][cols].astype(object)
        recs = sample.where(sample.notna(), None).to_dict("records")
        where = {int(r): i for i, r in enumerate(rows)}
        li = [where[int(a)] for a in left]
        ri = [where[int(b)] for b in right]
        by_name = {c.name: c for c in self.comparisons}
        for comp in self.linker._settings_obj.comparisons:  # noqa: SLF001
            ours = by_name[comp.output_column_name]
            counts, n = labelled.level_counts(ours, recs, li, ri)
            if n < labelled.MIN_PAIRS:
                continue  # this field is rarely filled on both sides of a BSN pair: keep EM's estimate
            levels = [lv for lv in comp.comparison_levels if not lv.is_null_level]
            m = labelled.smoothed_m(counts, [lv.comparison_vector_value for lv in levels])
            for lv in levels:
                lv.m_probability = m[lv.comparison_vector_value]
        return len(left)

    def keep_rules(self, rules) -> None:
        """Predict with only these of the model's blocking rules (``rules_within_budget``)."""
        sqls = {rule_sql(r) for r in rules}
        from splink.internals.blocking import BlockingRule

        settings = self.linker._settings_obj  # noqa: SLF001 - Splink keeps the prediction rules only here
        # each rule skips the pairs of the rules before it: those must be the rules kept, else a
        # pair found by a left-out rule *and* a kept one would be skipped by both (Splink sets the
        # preceding rules once, from the full list)
        settings._blocking_rules_to_generate_predictions = BlockingRule._add_preceding_rules_to_each_blocking_rule(  # noqa: SLF001
            [br for br in settings._blocking_rules_to_generate_predictions if br.blocking_rule_sql in sqls]  # noqa: SLF001
        )
        self.rules = tuple(r for r in self.rules if rule_sql(r) in sqls)

    def _usable(self, sql: str) -> bool:
        cols = [part.split(".")[1].split()[0] for part in sql.split(" AND ")]
        return all(c in self.present for c in cols)

    def predict(self, min_weight: float, chunks: int | None = None) -> tuple[pd.DataFrame, int]:
        """Scored pairs at or above ``min_weight`` and the number of pairs compared.

        The blocked pairs are computed once and scored in ``chunks`` slices by a hash of
        the left id (default: one per CHUNK_RECORDS records; each pair in exactly one
        slice). Each slice is fetched in small batches and reduced at once to compact
        columns: ids and BSN hashes as categoricals over the input's values (an int32 code
        per pair instead of a Python string), weights as float64 (the review screen matches
        them to levels at 1e-6). DuckDB thus holds one slice's scored pairs at a time, and
        the pair frame is a fraction of its size as Python objects.
        """
        linker = self.linker
        k = chunks or max(1, -(-self.n // CHUNK_RECORDS), -(-int(self.estimated_pairs) // PAIRS_PER_SLICE))
        names = ["match_weight", *[f"mw_{c.name}" for c in self.comparisons]]
        cols = ", ".join(["unique_id_l", "unique_id_r", "bsn_hash_l", "bsn_hash_r", *names])
        parts: dict[str, list] = {c: [] for c in ("unique_id_l", "unique_id_r", "bsn_hash_l", "bsn_hash_r", *names)}
        self.predict_peak_mb = rss_mb()
        keyed = self._keys is not None and all(tuple(r) in self._keys for r in self.rules)
        if (BLOCK_PER_SLICE and k > 1) or keyed:
            # the blocking join per slice of left-hand records (Splink's left_chunk): the blocked
            # pairs of one slice exist at a time, never all of them
            blocked, total = None, 0
        else:
            # the blocking join runs once; only the scoring (which joins both records' features
            # to every pair) runs per slice of the blocked pairs
            blocked = linker.inference.compute_blocked_pairs_for_predict()
            total = self.con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
        if keyed:
            # the trained rules' key columns, renumbered to the kept rules' order
            key_cols = ", ".join(f"k{self._keys[tuple(r)]} AS k{j}" for j, r in enumerate(self.rules))
            extra = _condition_columns(self.rules)
            self.con.execute(
                f"CREATE OR REPLACE TABLE zicht_block_keys_kept AS SELECT unique_id, rid, "
                f"CAST((abs(hash(unique_id)) % {k}) + 1 AS INTEGER) AS slice, {key_cols}{''.join(', ' + c for c in extra)} FROM {KEYS_TABLE}"
            )
        for i in range(k):
            if blocked is None and keyed:
                name = f"zicht_blocked_{i}"
                self.con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS {blocking_sql(self.rules, 'zicht_block_keys_kept', i + 1 if k > 1 else None)}"
                )
                part = self.db_api.table_to_splink_dataframe(name, name)
                total += self.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                linker.table_management.register_blocked_pairs_for_predict(part)
            elif blocked is None:
                part = linker.inference.compute_blocked_pairs_for_predict_chunk(left_chunk=(i + 1, k))
                total += self.con.execute(f"SELECT count(*) FROM {part.physical_name}").fetchall()[0][0]
                linker.table_management.register_blocked_pairs_for_predict(part)
            elif k > 1:
                name = f"zicht_blocked_slice_{i}"
                self.con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {blocked.physical_name} WHERE hash(join_key_l) % {k} = {i}"
                )
                linker.table_management.register_blocked_pairs_for_predict(self.db_api.table_to_splink_dataframe(name, name))
            scored = linker.inference.predict(threshold_match_weight=min_weight, warning_mode="never")
            if blocked is None:
                part.drop_table_from_database_and_remove_from_cache(force_non_splink_table=keyed)
            elif k > 1:
                self.con.execute(f"DROP TABLE {name}")
            # fetched in slices of FETCH_VECTORS × 2048 rows, each made compact before the next
            if keyed:
                # ids and BSN hashes as their positions in ``id_index``/``bsn_index``, looked up by
                # DuckDB (a join on the keys table) instead of a Python hash lookup per string
                n_scored = self.con.execute(f"SELECT count(*) FROM {scored.physical_name}").fetchall()[0][0]
                result = self.con.execute(
                    "SELECT il.pos AS unique_id_l, ir.pos AS unique_id_r, coalesce(bl.pos, -1) AS bsn_hash_l, "
                    f"coalesce(br.pos, -1) AS bsn_hash_r, {', '.join('s.' + c for c in names)} FROM {scored.physical_name} AS s "
                    f"JOIN {KEYS_TABLE} AS il ON il.unique_id = s.unique_id_l JOIN {KEYS_TABLE} AS ir ON ir.unique_id = s.unique_id_r "
                    "LEFT JOIN zicht_bsn_pos AS bl ON bl.bsn_hash = s.bsn_hash_l LEFT JOIN zicht_bsn_pos AS br ON br.bsn_hash = s.bsn_hash_r"
                )
            else:
                result = self.con.execute(f"SELECT {cols} FROM {scored.physical_name}")
            fetched = 0
            while True:
                frame = result.fetch_df_chunk(FETCH_VECTORS)
                if frame.empty:
                    break
                fetched += len(frame)
                for c in ("unique_id_l", "unique_id_r"):
                    codes = frame[c].to_numpy() if keyed else self.id_index.get_indexer(frame[c].to_numpy(dtype=object))
                    if (codes < 0).any():
                        raise RuntimeError("scored pair with an id that is not in the input")
                    parts[c].append(codes.astype(np.int32))
                for c in ("bsn_hash_l", "bsn_hash_r"):
                    codes = frame[c].to_numpy() if keyed else self.bsn_index.get_indexer(frame[c].to_numpy(dtype=object))
                    parts[c].append(codes.astype(np.int32))
                for c in names:
                    parts[c].append(frame[c].to_numpy(dtype=np.float64))
                del frame
            if keyed and fetched != n_scored:
                raise RuntimeError("scored pair with an id that is not in the input")
            self.predict_peak_mb = max(self.predict_peak_mb, rss_mb())
            scored.drop_table_from_database_and_remove_from_cache()
            release_memory()
        if blocked is not None:
            blocked.drop_table_from_database_and_remove_from_cache()
        if keyed:
            self.con.execute("DROP TABLE zicht_block_keys_kept")
        joined = {
            c: np.concatenate(v) if v else np.zeros(0, dtype=np.int32 if c[:3] in ("uni", "bsn") else np.float64) for c, v in parts.items()
        }
        parts.clear()
        out = {
            "unique_id_l": pd.Categorical.from_codes(joined.pop("unique_id_l"), categories=self.id_index),
            "unique_id_r": pd.Categorical.from_codes(joined.pop("unique_id_r"), categories=self.id_index),
            "match_weight": joined.pop("match_weight"),
            "bsn_hash_l": pd.Categorical.from_codes(joined.pop("bsn_hash_l"), categories=self.bsn_index),
            "bsn_hash_r": pd.Categorical.from_codes(joined.pop("bsn_hash_r"), categories=self.bsn_index),
        }
        out.update(joined)
        return pd.DataFrame(out), int(total)


def link(
    feats: pd.DataFrame,
    *,
    link_type: str = "dedupe_only",
    link_threshold: float,
    review_threshold: float,
    params: ModelParams | None = None,
    threads: int | None = None,
    train_kwargs: dict | None = None,
    decisions: dict | None = None,
    memory_limit: str | None = None,
    veto_weight: float | None = None,
    ambiguity_margin: float | None = None,
    pair_budget_per_record: float | None = PAIR_BUDGET_PER_RECORD,
) -> LinkResult:
    """Batch linkage of a feature frame: train (unless ``params``), score, cluster with the BSN constraint.

    Before predicting, the pairs of each blocking rule are counted on the whole registry
    (``rule_pairs``) and the rules kept within ``pair_budget_per_record`` (``rules_within_budget``);
    prediction is sliced so no slice holds more than ``PAIRS_PER_SLICE`` estimated pairs.

    ``decisions`` maps (unique_id, unique_id) → True (must link) / False (must not):
    reviewed pairs override the model in every re-link.
    """
    import time

    timings, memory, cpu = {}, {"start": rss_mb()}, {}
    c = time.process_time()  # CPU seconds of the whole process (all threads, DuckDB's too) per stage
    train_kwargs = dict(train_kwargs or {})
    max_records = int(train_kwargs.pop("max_records", TRAIN_SAMPLE) or 0)
    t = time.perf_counter()
    if params is None and max_records and len(feats) > max_records and link_type != "link_only":
        params = _train_on_sample(feats, max_records, threads, memory_limit, train_kwargs)
        release_memory()
        memory["train"] = rss_mb()
        timings["train"] = time.perf_counter() - t
        cpu["train"], c = time.process_time() - c, time.process_time()
        t = time.perf_counter()
    engine = Engine(feats, link_type=link_type, threads=threads, params=params, memory_limit=memory_limit)
    release_memory()
    memory["register"] = rss_mb()
    timings["register"] = time.perf_counter() - t
    cpu["register"], c = time.process_time() - c, time.process_time()
    if params is None:
        t = time.perf_counter()
        params = engine.train(**train_kwargs)
        release_memory()
        memory["train"] = rss_mb()
        timings["train"] = time.perf_counter() - t
        cpu["train"], c = time.process_time() - c, time.process_time()
    timings.setdefault("train", 0.0)
    t = time.perf_counter()
    counts = {tuple(r): rule_pairs(feats, r) for r in engine.rules}
    kept, dropped = rules_within_budget(counts, len(feats), pair_budget_per_record)
    if dropped:
        engine.keep_rules(kept)
        log.info("blocking rules left out for the pair budget: %s", dropped)
    engine.estimated_pairs = sum(counts[r] for r in kept)
    # the rules kept go with the model: arrival (``matcher``, the blocking keys) then finds
    # exactly the pairs this batch compares, not pairs of a rule left out here
    params = params.with_rules(kept)
    rule_report = {
        "estimated_pairs": {"+".join(r): counts[r] for r in counts},
        "left_out": ["+".join(r) for r in dropped],
        "budget_pairs": int((pair_budget_per_record or 0) * len(feats)),
    }
    timings["estimate"] = time.perf_counter() - t
    cpu["estimate"], c = time.process_time() - c, time.process_time()
    t = time.perf_counter()
    pairs, compared = engine.predict(review_threshold)
    memory["predict_peak"] = engine.predict_peak_mb
    engine.con.close()
    del engine
    release_memory()
    memory["predict"] = rss_mb()
    timings["predict"] = time.perf_counter() - t
    cpu["predict"], c = time.process_time() - c, time.process_time()
    t = time.perf_counter()
    labels = cluster_pairs(
        feats,
        pairs,
        link_threshold,
        decisions or {},
        one_per_source=link_type == "link_only",
        params=params,
        veto_weight=veto_weight,
        ambiguity_margin=ambiguity_margin,
    )
    timings["cluster"] = time.perf_counter() - t
    cpu["cluster"] = time.process_time() - c
    memory["cluster"] = rss_mb()
    return LinkResult(pairs, labels, params, compared, timings, memory, rule_report, cpu)


def _train_on_sample(feats: pd.DataFrame, max_records: int, threads, memory_limit, train_kwargs: dict) -> ModelParams:
    """Train on a random sample of ``max_records`` of a large registry (deduplication).

    Why a sample: u-sampling and EM are capped at ``max_u_pairs``/``max_em_pairs`` anyway,
    and the prior is a ratio of pairs that a random sample keeps; training on the whole
    registry only costs memory (its training tables were the largest block at 1,000,000
    records). The wider blocking rules are still chosen on the whole registry
    (``select_extra_rules``). The model is then applied to every record, as a stored one is.
    """
    kwargs = dict(train_kwargs)
    per_record = kwargs.pop("extra_rule_pairs_per_record", 0.0)
    present = {c for c in features.FEATURE_COLUMNS if c in feats.columns and feats[c].notna().any()}
    extra = ()
    if per_record > 0:
        extra = select_extra_rules(feats, present_rules(present, EXTRA_RULES), present_rules(present), per_record)
    sample = feats.sample(n=max_records, random_state=int(kwargs.get("seed", 1)))
    engine = Engine(sample, link_type="dedupe_only", threads=threads, memory_limit=memory_limit, block_keys=False)  # never predicts
    try:
        return engine.train(**kwargs, extra_rules=extra)
    finally:
        engine.con.close()


# The decision on one scored pair, before the cluster check (``pair_decisions``).
DIFFERENT_BSN = -1  # both carry a BSN and they differ: never one person, never a review pair
NO_MATCH = 0  # below the review threshold
REVIEW = 1  # between the thresholds: for the ketenregisseur
LINK = 2  # at or above the link threshold
SAME_BSN = 3  # both carry the same BSN: one person whatever the weight


def pair_decisions(weight, bsn_l, bsn_r, link_threshold: float, review_threshold: float) -> np.ndarray:
    """The decision per scored pair (``DIFFERENT_BSN`` … ``SAME_BSN``), for the batch (``cluster_pairs``,
    ``review_band``) and for arrival (``matcher.Matcher.match``) alike.

    Equal BSNs always link, different BSNs never link and are never reviewed; otherwise the
    weight decides: a link at or above ``link_threshold``, review at or above ``review_threshold``.
    Whether a link is followed is the cluster check's business (vetoes, ambiguity).
    """
    w = np.atleast_1d(np.asarray(weight, dtype=float))
    bl, br = np.atleast_1d(np.asarray(bsn_l, dtype=object)), np.atleast_1d(np.asarray(bsn_r, dtype=object))
    out = np.where(w >= link_threshold, LINK, np.where(w >= review_threshold, REVIEW, NO_MATCH)).astype(np.int8)
    both = np.nonzero(_given(bl) & _given(br))[0]
    out[both] = np.where(bl[both] == br[both], SAME_BSN, DIFFERENT_BSN)
    return out


def _given(values: np.ndarray) -> np.ndarray:
    """Per value: a BSN hash is there (not None, NaN, NA or '')."""
    out = np.asarray(pd.notna(values), dtype=bool)
    present = np.nonzero(out)[0]
    out[present] = values[present] != ""
    return out


def effective_bsn(feats: pd.DataFrame) -> np.ndarray:
    """Per record the BSN hash clustering reads: the record's own, or None where it is someone
    else's (``hard_negatives.borrowed_bsn``: a parent's BSN on a child's registration)."""
    bsn = feats["bsn_hash"].to_numpy(dtype=object)
    if "dob" not in feats.columns:
        return bsn
    borrowed = borrowed_in_chunks(bsn, feats["dob"].to_numpy(dtype=object))
    return np.where(borrowed, None, bsn) if borrowed.any() else bsn


# BSNs per call of ``hard_negatives.borrowed_bsn`` (``borrowed_in_chunks``)
BORROWED_CHUNK_BSNS = 2_000


def borrowed_in_chunks(bsn: np.ndarray, dob: np.ndarray, chunk: int = BORROWED_CHUNK_BSNS) -> np.ndarray:
    """``hard_negatives.borrowed_bsn`` over the whole registry, called once per ``chunk`` distinct BSNs.

    Why: it reads each BSN's records apart (its answer for a record depends only on the records
    sharing that BSN) but finds them by scanning the whole frame once per suspect BSN, which grows
    with the square of the registry (0.6 CPU s at 200,000 city records, 4.2 at 400,000). Over a
    chunk of BSNs the scan is over that chunk's records only; the answers are the same
    (``test_borrowed_in_chunks_equals_one_call``).
    """
    bsn = np.asarray(bsn, dtype=object)
    dob = np.asarray(dob, dtype=object)
    out = np.zeros(len(bsn), dtype=bool)
    codes = pd.factorize(bsn, use_na_sentinel=True)[0]
    rows = np.nonzero(codes >= 0)[0]
    if len(rows) < 2:
        return out
    rows = rows[np.argsort(codes[rows] // chunk, kind="stable")]  # row order kept within a chunk
    group = codes[rows] // chunk
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        part = rows[a:b]
        out[part] = hard_negatives.borrowed_bsn(bsn[part], dob[part])
    return out


def cluster_pairs(
    feats: pd.DataFrame,
    pairs: pd.DataFrame,
    link_threshold: float,
    decisions: dict,
    one_per_source: bool = False,
    params: ModelParams | None = None,
    veto_weight: float | None = None,
    ambiguity_margin: float | None = None,
) -> pd.Series:
    """Cluster labels per unique_id from the auto-links plus manual decisions.

    With ``params`` and ``veto_weight``, two records of one cluster that disagree at a
    level weighing at most ``veto_weight`` (``veto``) are kept apart: the weakest link
    that would join them breaks. Equal BSNs and accepted decisions are never vetoed.
    With ``ambiguity_margin`` as well, a record whose links reach two people kept apart
    that way about equally well (``veto.ambiguous``) is linked to neither: its pairs go
    to review instead of a coin toss.

    ``one_per_source`` (link-only runs): the files are each deduplicated, which is what
    linking *between* files presumes, so a cluster holds at most one record per file.
    """
    ids = feats["unique_id"].to_numpy()
    pos = pd.Index(ids)
    bsn = effective_bsn(feats)
    if len(pairs):
        decided = pair_decisions(
            pairs["match_weight"].to_numpy(dtype=float),
            bsn[pos.get_indexer(pairs["unique_id_l"])],
            bsn[pos.get_indexer(pairs["unique_id_r"])],
            link_threshold,
            -np.inf,
        )
        keep = decided >= LINK
        links = pairs.loc[keep, ["unique_id_l", "unique_id_r", "match_weight"]]
        lw = np.where(decided[keep] == SAME_BSN, np.inf, links["match_weight"].to_numpy())
    else:
        links = pd.DataFrame(columns=["unique_id_l", "unique_id_r"])
        lw = np.zeros(0)
    left = pos.get_indexer(links["unique_id_l"])
    right = pos.get_indexer(links["unique_id_r"])
    # equal BSN hash links whatever the model says (also below the review threshold)
    with_bsn = np.nonzero(pd.notna(bsn))[0]
    if len(with_bsn):
        order = with_bsn[np.argsort(bsn[with_bsn].astype(str), kind="stable")]
        same_next = bsn[order[1:]] == bsn[order[:-1]]
        left = np.concatenate([left, order[:-1][same_next]])
        right = np.concatenate([right, order[1:][same_next]])
        lw = np.concatenate([lw, np.full(int(same_next.sum()), np.inf)])
    cannot = []
    if decisions:
        rejected = {frozenset(k) for k, ok in decisions.items() if not ok}
        if rejected:
            mask = np.array([frozenset((a, b)) not in rejected for a, b in zip(links["unique_id_l"], links["unique_id_r"])], dtype=bool)
            left, right, lw = left[mask], right[mask], lw[mask]
            for a, b in (tuple(k) for k in rejected):
                ia, ib = pos.get_indexer([a, b])
                if ia >= 0 and ib >= 0:
                    cannot.append((ia, ib))
        accepted = [(a, b) for (a, b), ok in decisions.items() if ok]
        if accepted:
            al = pos.get_indexer([a for a, _ in accepted])
            ar = pos.get_indexer([b for _, b in accepted])
            ok = (al >= 0) & (ar >= 0)
            left = np.concatenate([left, al[ok]])
            right = np.concatenate([right, ar[ok]])
            lw = np.concatenate([lw, np.full(ok.sum(), np.inf)])
    source = feats["source_dataset"].to_numpy(dtype=object) if one_per_source else None
    bsn_arr = bsn
    labels = clustering.cluster(len(ids), left, right, lw, bsn_arr, cannot, source=source)
    if params is not None and veto_weight is not None:
        levels = veto.veto_levels(params, veto_weight)
        accepted = {frozenset(k) for k, ok in decisions.items() if ok} if decisions else set()
        found: list = []
        labels = _keep_apart(feats, labels, params, levels, ids, accepted, (left, right, lw), bsn_arr, cannot, found, source)
        if ambiguity_margin is not None:
            unsure = veto.ambiguous(labels, left, right, lw, ambiguity_margin, identified=pd.notna(bsn_arr) & (bsn_arr != ""))
            unsure = veto.fits_elsewhere(feats, labels, unsure, left, right, lw, ambiguity_margin, model_comparisons(params), levels)
            if hard_negatives.GENERATION_AMBIGUITY in levels.get(veto.HARD, ()):
                # a registration that fits two generations of its name at its address: only an equal BSN holds it
                unsure = np.union1d(unsure, veto.generation_unsure(feats))
            if len(unsure):
                drop = np.isfinite(lw) & (np.isin(left, unsure) | np.isin(right, unsure))
                # the clusters the unsure records sit in and link into: their links may hold them together
                touched = np.unique(np.concatenate([labels[left[drop]], labels[right[drop]]]))
                labels = _recluster(labels, touched, left[~drop], right[~drop], lw[~drop], bsn_arr, cannot + found, source)
                links_left = (left[~drop], right[~drop], lw[~drop])
                labels = _keep_apart(feats, labels, params, levels, ids, accepted, links_left, bsn_arr, cannot, found, source)
    return pd.Series(labels, index=ids)


def _keep_apart(feats, labels, params, levels, ids, accepted, links, bsn_arr, cannot, found, source) -> np.ndarray:
    """Cluster check until no cluster holds a conflicting pair (``found`` grows in place).

    Why more than one pass: a cluster re-formed after breaking links can join records that
    never shared a cluster before (a father, vetoed from one son, joins the other son;
    a record freed by the ambiguity step rejoins a neighbour it conflicts with).
    """
    left, right, lw = links
    only = None  # the first pass reads every cluster; a later one only those formed again
    for _ in range(veto.MAX_PASSES):
        new = [
            (a, b)
            for a, b in veto_fast.conflicting_pairs(feats, labels, model_comparisons(params), levels, only=only)
            if frozenset((ids[a], ids[b])) not in accepted
        ]
        if not new:
            break
        found += new
        affected = np.unique(labels[[a for a, _ in new]])
        # a cluster not formed again holds the same records, read in this pass: nothing new in it
        only = np.isin(labels, affected)
        labels = _recluster(labels, affected, left, right, lw, bsn_arr, cannot + found, source)
    return labels


def _recluster(labels, affected, left, right, lw, bsn_arr, cannot, source) -> np.ndarray:
    """Cluster again only the nodes of the ``affected`` clusters (by the same rule), keep the rest.

    Why: the cluster check changes a few hundred clusters of a million-record registry;
    clustering everything again cost seconds per pass. A cluster is closed under its links,
    so the affected clusters' nodes and the links among them are a complete subproblem.
    """
    nodes = np.nonzero(np.isin(labels, affected))[0]
    if len(nodes) == 0:
        return labels
    pos = np.full(len(labels), -1, dtype=np.int64)
    pos[nodes] = np.arange(len(nodes))
    keep = (pos[left] >= 0) & (pos[right] >= 0)
    sub_cannot = [(int(pos[a]), int(pos[b])) for a, b in cannot if pos[a] >= 0 and pos[b] >= 0]
    sub = clustering.cluster(
        len(nodes),
        pos[left[keep]],
        pos[right[keep]],
        lw[keep],
        bsn_arr[nodes],
        sub_cannot,
        source=None if source is None else source[nodes],
    )
    out = labels.copy()
    out[nodes] = sub + int(labels.max()) + 1  # new labels, never equal to an untouched cluster's
    return out


def review_band(
    pairs: pd.DataFrame, labels: pd.Series, link_threshold: float | None = None, review_threshold: float = -np.inf
) -> pd.DataFrame:
    """The pairs a ketenregisseur should decide: by ``pair_decisions`` a review pair or a link (not
    settled by BSN), and not already in one cluster. That is the band below the link threshold
    plus the links the cluster check did not follow (veto, ambiguity): both are cases where
    the data alone does not settle it. (``pairs`` from ``link`` are scored at or above the
    review threshold already; without thresholds every such pair counts.)"""
    if pairs.empty:
        return pairs
    decided = pair_decisions(
        pairs["match_weight"].to_numpy(dtype=float),
        pairs["bsn_hash_l"].to_numpy(dtype=object),
        pairs["bsn_hash_r"].to_numpy(dtype=object),
        np.inf if link_threshold is None else link_threshold,
        review_threshold,
    )
    same = labels.reindex(pairs["unique_id_l"]).to_numpy() == labels.reindex(pairs["unique_id_r"]).to_numpy()
    return pairs[((decided == REVIEW) | (decided == LINK)) & ~same]
