"""The cluster check of ``veto`` over whole arrays of suspect pairs (no Django).

Why: at a city's density the clusters the check must read are large and many (1,000,000
records: millions of record pairs), and ``veto.conflicting_pairs`` calls the rules of
``hard_negatives`` and the comparisons' levels once per pair in Python; that was the
largest CPU block of the batch. Here the pairs are formed with NumPy, each rule is skipped
where a vectorised test shows it cannot hold, and the *reference functions themselves* are
called once per distinct combination of the values they read (a rule on dates of birth
runs once per distinct pair of dates, not once per pair of records). No rule is written a
second time: the answers are the reference's answers, reused.

What this module must know of each reference function is which feature columns it reads
and when it cannot hold (``RULES``, ``SAME_PERSON``). That knowledge is pinned to the
functions' source (``PINNED``): when a rule of ``hard_negatives`` or ``veto.conflicts``
changes, ``is_current()`` is False, the batch falls back to the reference (slow, never
different) and the equivalence test fails until this module is checked and re-pinned
(``python -m zicht.linkage.veto_fast`` prints the new hashes).
"""

from __future__ import annotations

import hashlib
import inspect
import logging

import numpy as np
import pandas as pd

from . import hard_negatives, veto

log = logging.getLogger(__name__)


def _truthy(values: np.ndarray) -> np.ndarray:
    """Per object: Python truthiness (None, '', 0 are false), as the rules' ``if x.get(...)`` read it."""
    return np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))


def _marked(cols: dict[str, np.ndarray]) -> np.ndarray:
    """A generation marker on the record (``hard_negatives.generation`` is not empty)."""
    out = np.zeros(len(next(iter(cols.values()))), dtype=bool)
    for c in ("gen_given", "gen_sn"):
        if c in cols:
            out |= _truthy(cols[c])
    return out


def _differ(col: str):
    """Both values known (truthy) and different."""

    def test(cols, a, b):
        if col not in cols:
            return np.zeros(len(a), dtype=bool)
        v = cols[col]
        t, code = _truthy(v), _codes(v)
        return t[a] & t[b] & (code[a] != code[b])

    return test


def _either(flag):
    def test(cols, a, b):
        f = flag(cols)
        return f[a] | f[b]

    return test


def _both(col: str):
    def test(cols, a, b):
        if col not in cols:
            return np.zeros(len(a), dtype=bool)
        t = _truthy(cols[col])
        return t[a] & t[b]

    return test


# rule name → (reference function, columns it reads, a vectorised test that is true wherever
# the rule can hold: pairs where it is false are not asked; or the name of this module's
# function that evaluates the rule itself over arrays)
RULES = {
    "melding": (hard_negatives.report_conflict, ("reports",), "report_conflicts"),
    "generatie": (
        hard_negatives.generation_conflict,
        ("gen_given", "gen_sn", "kind_on", "seen", "dob"),
        _either(_marked),  # jr. against sr., or sr. on one side: a marker is needed
    ),
    "leeftijd": (hard_negatives.age_conflict, ("kind_on", "dob"), "age_conflicts"),
    "geboortedatum": (hard_negatives.dob_conflict, ("dob",), _differ("dob")),
    "geslacht": (hard_negatives.gender_conflict, ("gender",), _differ("gender")),
    "voornaam": (hard_negatives.given_conflict, ("init1", "init", "given_all", "sn_ph", "sn_first"), _both("init1")),
}
# an equal BSN (truthy on both sides) is needed before ``same_person_by_bsn`` can hold
SAME_PERSON = (hard_negatives.same_person_by_bsn, ("bsn_hash", "dob"))

# the reference functions whose columns and conditions are written down above, by the
# SHA-256 of their source: a change to any of them switches this module off until re-checked
PINNED_FUNCTIONS = (
    veto.conflicts,
    hard_negatives.conflict,
    hard_negatives.report_conflict,
    hard_negatives.generation_conflict,
    hard_negatives.generation,
    hard_negatives.age_conflict,
    hard_negatives.dob_conflict,
    hard_negatives.gender_conflict,
    hard_negatives.given_conflict,
    hard_negatives._swapped,  # noqa: SLF001 - read by given_conflict: its columns are the rule's
    hard_negatives.same_person_by_bsn,
    hard_negatives.bsn_contradicted,
)
PINNED = {
    "conflicts": "fe14f4c55c1c439d",
    "conflict": "466e0904af426425",
    "report_conflict": "1df2abf2b0466df1",
    "generation_conflict": "8f0568d2e6015c35",
    "generation": "3d58bda186e7bebe",
    "age_conflict": "52febe8acf837eca",
    "dob_conflict": "8ce7203a61c657c1",
    "gender_conflict": "cd67fd067e7fa895",
    "given_conflict": "c2dda381b7ffdb30",
    "_swapped": "d15a11749fd6ff5f",
    "same_person_by_bsn": "54a5e403f13f731b",
    "bsn_contradicted": "0d46e9a456c35256",
}


def source_hashes() -> dict[str, str]:
    return {f.__name__: hashlib.sha256(inspect.getsource(f).encode()).hexdigest()[:16] for f in PINNED_FUNCTIONS}


def is_current() -> bool:
    """The reference rules are the ones this module was written against (same source, same rule names)."""
    return source_hashes() == PINNED and set(hard_negatives.RULES) == set(RULES)


def _codes(values: np.ndarray) -> np.ndarray:
    """Dense codes per distinct value (None is a value of its own)."""
    codes = pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def _combined(cols: dict[str, np.ndarray], names) -> np.ndarray:
    codes = None
    for c in names:
        col = _codes(cols[c]) if c in cols else np.zeros(len(next(iter(cols.values()))), dtype=np.int64)
        codes = col if codes is None else codes * (int(col.max(initial=0)) + 1) + col
    return pd.factorize(codes)[0].astype(np.int64)


def _memo(func, names, cols: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``func(rec_a, rec_b)`` for each pair (a[i], b[i]), called once per distinct pair of value
    combinations of ``names`` (records as dicts of those columns, None where missing)."""
    if len(a) == 0:
        return np.zeros(0, dtype=object)
    codes = _combined(cols, names)
    k = int(codes.max()) + 1
    distinct, inverse = np.unique(codes[a] * k + codes[b], return_inverse=True)
    code_a, code_b = (distinct // k).tolist(), (distinct % k).tolist()
    rep = np.zeros(k, dtype=np.int64)  # a record per value combination
    rep[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    used = np.unique(np.concatenate([distinct // k, distinct % k])).tolist()
    recs = {x: {c: (cols[c][rep[x]] if c in cols else None) for c in names} for x in used}
    out = [func(recs[x], recs[y]) for x, y in zip(code_a, code_b)]
    return np.asarray(out, dtype=object)[inverse.ravel()]


def _days(cols: dict[str, np.ndarray]) -> np.ndarray:
    """Per record its date of birth as a day number (``hard_negatives._days``), NaN when none or no date."""
    dob = cols["dob"]
    codes, distinct = pd.factorize(dob, use_na_sentinel=True)
    per = np.array([np.nan if (d := hard_negatives._days(v) if v else None) is None else d for v in distinct], dtype=float)  # noqa: SLF001
    return np.where(codes >= 0, per[np.maximum(codes, 0)] if len(per) else np.nan, np.nan)


def age_conflicts(cols: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``hard_negatives.age_conflict`` over arrays: a record named as a child on a day against
    a date of birth more than ``CHILD_ROLE_MAX_AGE`` years before that day (either way round)."""
    if "kind_on" not in cols or "dob" not in cols:
        return np.zeros(len(a), dtype=bool)
    kind = cols["kind_on"]
    named = _truthy(kind)
    day = np.array([float(v) if t else np.nan for v, t in zip(kind, named)], dtype=float)
    born = _days(cols)
    limit = hard_negatives.CHILD_ROLE_MAX_AGE * 365.25
    with np.errstate(invalid="ignore"):
        return (named[a] & ((day[a] - born[b]) > limit)) | (named[b] & ((day[b] - born[a]) > limit))


def report_conflicts(cols: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``hard_negatives.report_conflict`` over arrays: records naming one report id each compare
    their ids (codes); a pair where either names several asks the reference function."""
    if "reports" not in cols:
        return np.zeros(len(a), dtype=bool)
    v = cols["reports"]
    known = _truthy(v)
    multi = np.fromiter((isinstance(x, str) and ";" in x for x in v), dtype=bool, count=len(v))
    code = _codes(v)
    both = known[a] & known[b]
    out = both & ~multi[a] & ~multi[b] & (code[a] == code[b])
    for k in np.nonzero(both & (multi[a] | multi[b]))[0]:
        out[k] = hard_negatives.report_conflict({"reports": v[a[k]]}, {"reports": v[b[k]]})
    return out


def group_pairs(groups: list) -> tuple[np.ndarray, np.ndarray]:
    """All (x, y), x before y, within each group (lists of indices), in the order of
    ``veto.conflicting_pairs``'s loops: group by group, then x, then y."""
    sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
    if len(groups) == 0 or sizes.max(initial=0) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    xs, ys, order = [], [], []
    for size in np.unique(sizes[sizes >= 2]):
        which = np.nonzero(sizes == size)[0]
        members = np.array([groups[g] for g in which], dtype=np.int64)  # groups × size
        iu, ju = np.triu_indices(int(size), 1)
        xs.append(members[:, iu].ravel())
        ys.append(members[:, ju].ravel())
        order.append(np.repeat(which, len(iu)))
    g = np.concatenate(order)
    sort = np.argsort(g, kind="stable")  # within a group the triangle is already row-major
    return np.concatenate(xs)[sort], np.concatenate(ys)[sort]


def conflicting_pairs(
    feats: pd.DataFrame, labels: np.ndarray, comparisons, levels: dict, max_component: int = 400, only: np.ndarray | None = None
) -> list[tuple[int, int]]:
    """``veto.conflicting_pairs``, the same pairs in the same order, over arrays.

    ``only`` (a boolean per record, true for whole clusters): read the record pairs of only
    these records' clusters, and select suspects among them alone (the household rule still
    reads every cluster: its co-residents are other clusters).
    Why: a later pass of the cluster check need only read the clusters the last pass formed
    again; the others were read and gave nothing new (``engine._keep_apart``).

    Falls back to the reference when the rules changed since this module was checked
    (``is_current``).
    """
    if not is_current():
        log.warning("hard-negative rules changed since veto_fast was checked: the cluster check runs one pair at a time")
        return veto.conflicting_pairs(feats, labels, comparisons, levels, max_component)  # every cluster: a superset of ``only``'s
    if only is not None:
        # suspects are a property of each cluster alone and ``only`` is a union of whole clusters:
        # select among those records only (same groups, same order) instead of the whole registry
        sel = np.nonzero(only)[0]
        comps, sub_rows, groups = veto.suspect_groups(feats.iloc[sel], np.asarray(labels)[sel], comparisons, levels, max_component)
        rows = sel[sub_rows]
    else:
        comps, rows, groups = veto.suspect_groups(feats, labels, comparisons, levels, max_component)
    out = veto.household_pairs(feats, labels) if hard_negatives.HOUSEHOLD in (levels.get(veto.HARD) or ()) else []
    if len(rows) == 0:
        return out
    sub = veto.check_frame(feats, rows, comps)
    cols = {c: sub[c].to_numpy(dtype=object) for c in sub.columns}
    a, b = group_pairs(groups)
    if len(a) == 0:
        return out
    open_ = np.ones(len(a), dtype=bool)  # neither settled by an equal BSN nor found conflicting yet
    if "bsn_hash" in cols:
        func, names = SAME_PERSON
        bsn = cols["bsn_hash"]
        t = _truthy(bsn)
        code = _codes(bsn)
        idx = np.nonzero(t[a] & t[b] & (code[a] == code[b]))[0]
        if len(idx):
            open_[idx[_memo(func, names, cols, a[idx], b[idx]).astype(bool)]] = False
    found = np.zeros(len(a), dtype=bool)
    rules = levels.get(veto.HARD)
    if rules:
        for name, (func, names, can_hold) in RULES.items():
            if name not in rules:
                continue
            idx = np.nonzero(open_ & ~found)[0]
            if isinstance(can_hold, str):
                found[idx[globals()[can_hold](cols, a[idx], b[idx])]] = True
                continue
            idx = idx[can_hold(cols, a[idx], b[idx])]
            if len(idx):
                found[idx[_memo(func, names, cols, a[idx], b[idx]).astype(bool)]] = True
    for comp in comps:
        gammas = levels.get(comp.name)
        if not gammas:
            continue
        idx = np.nonzero(open_ & ~found)[0]
        if len(idx):
            g = _memo(comp.gamma, comp.columns, cols, a[idx], b[idx])
            found[idx[np.isin(g.astype(np.int64), list(gammas))]] = True
    hit = np.nonzero(open_ & found)[0]
    out.extend(zip(rows[a[hit]].tolist(), rows[b[hit]].tolist()))
    return out


if __name__ == "__main__":  # pragma: no cover - prints the hashes to pin after checking a rule change
    for name, digest in source_hashes().items():
        print(f'    "{name}": "{digest}",')
