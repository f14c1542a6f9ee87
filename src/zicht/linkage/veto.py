"""Records that cannot be one person, whatever chain of links lies between them (no Django).

Why: clusters are connected components of links, and a weakly identified registration
(a Veilig Thuis advies with only "Hammeberg", gender and address) links equally well to a
mother and to her daughter. Each link is plausible on its own; together they would merge
two people whose dates of birth or genders plainly differ. A pair *conflicts* when, on a
comparison both records fill in, the pair sits at a level whose trained weight is at or
below the veto weight (default −10: a thousand times likelier between different people).
Clustering then keeps conflicting records apart by breaking the weakest link that would
join them (``clustering.cluster``'s cannot-link pairs), in the batch and on arrival alike.

Besides the learned levels, the rules of ``hard_negatives`` always apply: jr. against sr.,
dates of birth no registration error explains, genders that differ, given names that cannot
be one person's. They are what keeps twins, a father and his same-named son and namesakes
apart when the learned weights would add up to a link. An equal BSN overrides them, unless
the dates of birth lie a generation apart (``hard_negatives.bsn_contradicted``: a parent's
BSN on a child's registration).

Which levels veto is learned, not listed: with m estimated from equal-BSN pairs a wholly
different birth date or another gender falls far below −10; a source whose dates are
often mistyped (FEBRL) trains milder weights there and keeps them as ordinary evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import hard_negatives

# the feature that holds a comparison's value: a component whose records all share it (or
# lack it) cannot hold a conflict on that comparison, so only the others need pairwise checks
KEY_COLUMN = {"voornaam": "given1", "achternaam": "sn_core", "geboortedatum": "dob", "geslacht": "gender", "adres": "pc", "kenmerk": "xid"}


# Passes of check-and-recluster: a cluster re-formed after breaking links can join records
# that never shared a cluster before (a father, vetoed from one son, joins the other son).
MAX_PASSES = 4

HARD = "_hard_negatives"  # key in the levels dict: the hard-negative rules that hold for the model


def veto_levels(params, veto_weight: float) -> dict[str, set[int]]:
    """Per comparison the levels (gammas ≥ 0) whose weight is at or below ``veto_weight``,
    and under ``HARD`` the rules of ``hard_negatives`` the model's weights switch on."""
    out = {}
    for name in params.comparisons:
        gammas = {g for g, w in params.weights[name].items() if g >= 0 and w <= veto_weight}
        if gammas:
            out[name] = gammas
    out[HARD] = set(hard_negatives.active_rules({k: params.weights[k] for k in params.comparisons}))
    return out


def conflicts(rec_a: dict, rec_b: dict, comparisons, levels: dict[str, set[int]]) -> bool:
    """True when the two records disagree at a veto level of any comparison, or a hard-negative
    rule (``hard_negatives.conflict``) says they are two people."""
    rules = levels.get(HARD)
    if rules and hard_negatives.conflict(rec_a, rec_b, rules) is not None:
        return True
    for comp in comparisons:
        gammas = levels.get(comp.name)
        if gammas and comp.gamma(rec_a, rec_b) in gammas:
            return True
    return False


def conflicting_pairs(
    feats: pd.DataFrame, labels: np.ndarray, comparisons, levels: dict[str, set[int]], max_component: int = 400
) -> list[tuple[int, int]]:
    """Row-position pairs (i < j) inside one cluster that conflict.

    Only clusters with two or more distinct values in a vetoing comparison's key column
    are checked (most clusters hold one date of birth and one gender). Of a cluster larger
    than ``max_component`` (a pathological chain) only the first ``max_component`` records
    are checked, which bounds the work at a few tens of thousands of pair checks.

    This is the reference, one pair at a time in Python; the batch runs ``veto_fast``, which
    must return exactly this (tests/linkage: test_veto_fast).
    """
    comps, rows, groups = suspect_groups(feats, labels, comparisons, levels, max_component)
    out = household_pairs(feats, labels) if hard_negatives.HOUSEHOLD in (levels.get(HARD) or ()) else []
    if len(rows) == 0:
        return out
    sub = check_frame(feats, rows, comps)
    names = list(sub.columns)
    # plain dicts from an object array (DataFrame.to_dict boxes every cell: the slowest step here)
    recs = [dict(zip(names, row)) for row in sub.to_numpy(dtype=object)]
    for members in groups:
        for x in range(len(members)):
            a = recs[members[x]]
            for y in range(x + 1, len(members)):
                b = recs[members[y]]
                if hard_negatives.same_person_by_bsn(a, b):
                    continue  # the same BSN is the same person, whatever else differs (unless it is a parent's)
                if conflicts(a, b, comps, levels):
                    out.append((int(rows[members[x]]), int(rows[members[y]])))
    return out


def check_frame(feats: pd.DataFrame, rows: np.ndarray, comps) -> pd.DataFrame:
    """The suspect records' columns the checks read, as objects with None for a missing value."""
    cols = sorted(
        {c for comp in comps for c in comp.columns if c in feats.columns} | {c for c in hard_negatives.COLUMNS if c in feats.columns}
    )
    sub = feats.iloc[rows][cols].astype(object)
    return sub.where(sub.notna(), None)


def suspect_groups(feats: pd.DataFrame, labels: np.ndarray, comparisons, levels: dict[str, set[int]], max_component: int = 400):
    """(comparisons checked, suspect row positions, per suspect cluster the indices into those rows).

    Clusters in order of their first suspect row; of a cluster larger than ``max_component``
    only its first ``max_component`` suspect records. Shared by ``conflicting_pairs`` and
    ``veto_fast`` so both check exactly the same pairs.
    """
    comps = [c for c in comparisons if c.name in levels and KEY_COLUMN.get(c.name) in feats.columns]
    if len(feats) == 0:
        return comps, np.zeros(0, dtype=np.int64), []
    labels = np.asarray(labels)
    suspect = np.zeros(len(feats), dtype=bool)
    _, label_codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    keys = {KEY_COLUMN[c.name] for c in comps}
    if levels.get(HARD):
        keys |= {c for c in hard_negatives.KEY_COLUMNS if c in feats.columns}
    for key in sorted(keys):
        col = feats[key]
        codes = col.cat.codes.to_numpy() if isinstance(col.dtype, pd.CategoricalDtype) else pd.factorize(col, use_na_sentinel=True)[0]
        has = codes >= 0
        if not has.any():
            continue
        # clusters with two or more distinct values: distinct (cluster, value) pairs counted per cluster
        key = np.unique(label_codes[has].astype(np.int64) * (int(codes.max()) + 1) + codes[has])
        per_cluster = np.bincount(key // (int(codes.max()) + 1), minlength=len(sizes))
        suspect |= per_cluster[label_codes] > 1
    if levels.get(HARD) and hard_negatives.CHILD_COLUMN in feats.columns and "dob" in feats.columns:
        # the age rule: a record named as a child and one with a date of birth in one cluster
        child = pd.notna(np.asarray(feats[hard_negatives.CHILD_COLUMN], dtype=object))
        dated = pd.notna(np.asarray(feats["dob"], dtype=object))
        if child.any():
            both = (np.bincount(label_codes[child], minlength=len(sizes)) > 0) & (np.bincount(label_codes[dated], minlength=len(sizes)) > 0)
            suspect |= both[label_codes]
    if levels.get(HARD) and "melding" in levels[HARD] and hard_negatives.REPORT_COLUMN in feats.columns:
        # the report rule: a cluster with two records named in one report
        rows, ids = report_pairs(np.asarray(feats[hard_negatives.REPORT_COLUMN], dtype=object))
        if len(rows):
            id_codes, distinct = pd.factorize(ids)
            key = label_codes[rows].astype(np.int64) * (len(distinct) + 1) + id_codes
            uniq, counts = np.unique(key, return_counts=True)
            hit = np.zeros(len(sizes), dtype=bool)
            hit[uniq[counts > 1] // (len(distinct) + 1)] = True
            suspect |= hit[label_codes]
    if levels.get(HARD):
        # the generation rule: a marker on one record is read against every other record of its cluster
        marked = np.zeros(len(feats), dtype=bool)
        for col in hard_negatives.GENERATION_COLUMNS:
            if col in feats.columns:
                marked |= pd.notna(np.asarray(feats[col], dtype=object)) & (np.asarray(feats[col], dtype=object) != "")
        if marked.any():
            suspect |= (np.bincount(label_codes[marked], minlength=len(sizes)) > 0)[label_codes]
    suspect &= sizes[label_codes] > 1
    rows = np.nonzero(suspect)[0]
    groups: dict = {}
    for k, lab in enumerate(labels[rows]):
        groups.setdefault(lab, []).append(k)
    return comps, rows, [members[:max_component] for members in groups.values()]


# cross pairs returned per two address groups of one cluster (the cluster check breaks the
# weakest link between them; the next pass sees what is left)
HOUSEHOLD_PAIRS_CAP = 16


def household_pairs(feats: pd.DataFrame, labels: np.ndarray) -> list[tuple[int, int]]:
    """Row-position pairs of one cluster registered at two addresses whose co-residents say
    they are two people (``hard_negatives.household_conflict``).

    Co-residents of an address are the other clusters with a record there (postcode and
    huisnummer); a side's period runs from its first to its last registration (``seen``).
    Only clusters seen at two or more addresses are read.
    """
    if len(feats) == 0 or "pc" not in feats.columns or "hnr" not in feats.columns:
        return []
    labels = np.asarray(labels)
    pc, hnr = feats["pc"].astype(object), feats["hnr"].astype(object)
    known = (pc.notna() & hnr.notna()).to_numpy()
    if not known.any():
        return []
    addr = np.full(len(feats), -1, dtype=np.int64)
    addr[known] = pd.factorize(pc[known].astype(str) + "|" + hnr[known].astype(str))[0]
    frame = pd.DataFrame({"lab": labels[known], "addr": addr[known], "row": np.nonzero(known)[0]})
    n_addr = frame.groupby("lab")["addr"].nunique()
    moved = frame[frame["lab"].isin(n_addr.index[n_addr > 1])]
    if moved.empty:
        return []
    at = frame[frame["addr"].isin(moved["addr"].unique())]
    occupants: dict = {}
    for a, lab in at[["addr", "lab"]].drop_duplicates().to_numpy().tolist():
        occupants.setdefault(a, set()).add(lab)  # per address the clusters with a record there
    bsn = feats["bsn_hash"].to_numpy(dtype=object) if "bsn_hash" in feats.columns else np.full(len(feats), None, dtype=object)
    seen = (
        pd.to_numeric(pd.Series(np.asarray(feats["seen"], dtype=object)), errors="coerce").to_numpy()
        if "seen" in feats.columns
        else np.full(len(feats), np.nan)
    )

    def span(rows):
        days = seen[rows]
        days = days[~np.isnan(days)]
        return (int(days.min()), int(days.max())) if len(days) else None

    rows_at = at.groupby("addr")["row"].agg(list).to_dict()
    kin = _KinReader(feats)
    parties = _ReportParties(feats, labels, moved["row"].to_numpy())
    out = []
    # one sort instead of a groupby per cluster: runs of (cluster, address) in row order
    moved = moved.sort_values(["lab", "addr", "row"], kind="stable")
    lab_arr, addr_arr, row_arr = moved["lab"].to_numpy(), moved["addr"].to_numpy(), moved["row"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (lab_arr[1:] != lab_arr[:-1]) | (addr_arr[1:] != addr_arr[:-1])])
    ends = np.r_[starts[1:], len(lab_arr)]
    per_cluster: dict = {}
    for a, b in zip(starts, ends):
        per_cluster.setdefault(lab_arr[a], {})[addr_arr[a]] = row_arr[a:b]
    for lab, groups in per_cluster.items():
        keys = sorted(groups)
        for i, a in enumerate(keys):
            co_a = occupants[a] - {lab}
            bsn_a = {b for b in bsn[groups[a]] if isinstance(b, str) and b}
            span_a = span(groups[a])
            for b_key in keys[i + 1 :]:
                co_b = occupants[b_key] - {lab}
                bsn_b = {b for b in bsn[groups[b_key]] if isinstance(b, str) and b}
                mine = np.concatenate([groups[k] for k in keys])
                parent = kin.parent(mine, [r for r in rows_at[a] if labels[r] != lab]) or kin.parent(
                    mine, [r for r in rows_at[b_key] if labels[r] != lab]
                )
                if hard_negatives.household_conflict(
                    co_a,
                    co_b,
                    bsn_a,
                    bsn_b,
                    span_a=span_a,
                    span_b=span(groups[b_key]),
                    parent=parent,
                    party_a=parties.of(groups[a], lab),
                    party_b=parties.of(groups[b_key], lab),
                ):
                    pairs = [(int(x), int(y)) for x in groups[a] for y in groups[b_key]][:HOUSEHOLD_PAIRS_CAP]
                    out.extend((min(x, y), max(x, y)) for x, y in pairs)
    return out


class _ReportParties:
    """``hard_negatives.co_parties`` over row positions of ``feats``: per report id (feature
    ``reports``) the clusters named in it, read only for the reports of the rows ``needed``."""

    def __init__(self, feats: pd.DataFrame, labels: np.ndarray, needed):
        self.reports = np.asarray(feats["reports"], dtype=object) if "reports" in feats.columns else None
        self.parties: dict = {}
        if self.reports is None:
            return
        wanted = {rid for r in needed for rid in hard_negatives.report_ids(self.reports[r])}
        if not wanted:
            return
        rows, ids = report_pairs(self.reports)
        keep = pd.Index(list(wanted)).get_indexer(ids) >= 0
        for rid, row in zip(ids[keep], rows[keep]):
            self.parties.setdefault(rid, set()).add(labels[int(row)])

    def of(self, rows, own) -> set:
        if self.reports is None:
            return set()
        return hard_negatives.co_parties(self.reports[np.asarray(rows, dtype=np.int64)], self.parties, own)


def report_pairs(reports: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row position, report id) for every report id of every record (feature ``reports``: ids
    joined by ";"). Distinct values are read once and only those naming several reports are split
    (most name one): a million records cost a factorize, not a million Python splits."""
    codes, distinct = pd.factorize(reports, use_na_sentinel=True)
    if len(distinct) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    distinct = np.asarray(distinct, dtype=object)
    multi = np.fromiter((";" in str(v) for v in distinct), dtype=bool, count=len(distinct))
    has = codes >= 0
    safe = np.maximum(codes, 0)
    single = np.nonzero(has & ~multi[safe] & np.fromiter((bool(v) for v in distinct), dtype=bool, count=len(distinct))[safe])[0]
    rows, ids = [single], [distinct[codes[single]]]
    several = np.nonzero(has & multi[safe])[0]
    if len(several):
        parts = [(int(r), rid) for r in several for rid in hard_negatives.report_ids(distinct[codes[r]])]
        rows.append(np.fromiter((r for r, _ in parts), dtype=np.int64, count=len(parts)))
        ids.append(np.array([rid for _, rid in parts], dtype=object))
    return np.concatenate(rows).astype(np.int64), np.concatenate(ids)


class _KinReader:
    """``hard_negatives.parent_among`` over row positions of ``feats`` (surname and date of birth)."""

    def __init__(self, feats: pd.DataFrame):
        self.sn = np.asarray(feats["sn_ph"], dtype=object) if "sn_ph" in feats.columns else None
        self.dob = np.asarray(feats["dob"], dtype=object) if "dob" in feats.columns else None
        self._recs: list[dict] | None = None

    def recs(self, rows) -> list[dict]:
        if self._recs is None:  # every row's record once (missing as None): households read the same rows again and again
            sn, dob = self.sn.copy(), self.dob.copy()
            sn[pd.isna(sn)], dob[pd.isna(dob)] = None, None
            self._recs = [{"sn_ph": s, "dob": d} for s, d in zip(sn.tolist(), dob.tolist())]
        return [self._recs[r] for r in rows]

    def parent(self, person_rows, other_rows) -> bool:
        if self.sn is None or self.dob is None or len(other_rows) == 0:
            return False
        return hard_negatives.parent_among(self.recs(person_rows), self.recs(other_rows))


def households_apart(feats: pd.DataFrame, labels: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair of row positions (in different clusters): the household rule holds between them.

    For a review pair's reason: each side is its cluster's records at its own address (their
    co-residents, BSNs and period), read as ``household_pairs`` reads one cluster's two addresses.
    """
    out = np.zeros(len(left), dtype=bool)
    if len(left) == 0 or "pc" not in feats.columns or "hnr" not in feats.columns:
        return out
    labels = np.asarray(labels)
    pc, hnr = feats["pc"].astype(object), feats["hnr"].astype(object)
    known = (pc.notna() & hnr.notna()).to_numpy()
    addr = np.full(len(feats), -1, dtype=np.int64)
    if not known.any():
        return out
    addr[known] = pd.factorize(pc[known].astype(str) + "|" + hnr[known].astype(str))[0]
    occupants: dict[int, set] = {}
    groups: dict[tuple, list[int]] = {}
    for row in np.nonzero(known)[0]:
        occupants.setdefault(int(addr[row]), set()).add(labels[row])
        groups.setdefault((labels[row], int(addr[row])), []).append(int(row))
    bsn = feats["bsn_hash"].to_numpy(dtype=object) if "bsn_hash" in feats.columns else np.full(len(feats), None, dtype=object)
    seen = (
        pd.to_numeric(pd.Series(np.asarray(feats["seen"], dtype=object)), errors="coerce").to_numpy()
        if "seen" in feats.columns
        else np.full(len(feats), np.nan)
    )

    kin = _KinReader(feats)
    parties = _ReportParties(feats, labels, np.concatenate([np.asarray(left), np.asarray(right)]).astype(np.int64))
    rows_at: dict[int, list[int]] = {}
    for (_lab, a_), rows_ in groups.items():
        rows_at.setdefault(a_, []).extend(rows_)

    def side(row):
        rows = groups[(labels[row], int(addr[row]))]
        days = seen[rows]
        days = days[~np.isnan(days)]
        return {b for b in bsn[rows] if isinstance(b, str) and b}, ((int(days.min()), int(days.max())) if len(days) else None)

    decided: dict[tuple, bool] = {}  # the rule reads each side's cluster at its address only: pairs between the same two repeat it
    for k, (a, b) in enumerate(zip(left, right)):
        if addr[a] < 0 or addr[b] < 0 or addr[a] == addr[b]:
            continue
        key = (labels[a], int(addr[a]), labels[b], int(addr[b]))
        if key in decided:
            out[k] = decided[key]
            continue
        both = {labels[a], labels[b]}
        (bsn_a, span_a), (bsn_b, span_b) = side(a), side(b)
        mine = groups[(labels[a], int(addr[a]))] + groups[(labels[b], int(addr[b]))]
        parent = any(kin.parent(mine, [r for r in rows_at[int(addr[x])] if labels[r] not in both]) for x in (a, b))
        out[k] = decided[key] = hard_negatives.household_conflict(
            occupants[int(addr[a])] - both,
            occupants[int(addr[b])] - both,
            bsn_a,
            bsn_b,
            span_a=span_a,
            span_b=span_b,
            parent=parent,
            party_a=parties.of(groups[(labels[a], int(addr[a]))], labels[a]) - both,
            party_b=parties.of(groups[(labels[b], int(addr[b]))], labels[b]) - both,
        )
    return out


def generation_unsure(feats: pd.DataFrame) -> np.ndarray:
    """Row positions of registrations that fit two generations of one name at their address
    (``hard_negatives.generation_ambiguous``): linked to neither, their pairs go to review.

    Groups the records by address (postcode + huisnummer, as ``household_pairs``) and surname
    (phonetic); only groups holding a record without date of birth, marker or child role and a
    record with one of those are read.
    """
    need = ("pc", "hnr", "sn_ph", "dob")
    if len(feats) == 0 or any(c not in feats.columns for c in need):
        return np.zeros(0, dtype=np.int64)
    obj = {c: np.asarray(feats[c], dtype=object) for c in hard_negatives.COLUMNS + ("pc", "hnr") if c in feats.columns}
    known = pd.notna(obj["pc"]) & pd.notna(obj["hnr"]) & pd.notna(obj["sn_ph"])
    if not known.any():
        return np.zeros(0, dtype=np.int64)

    def filled(col):
        v = obj.get(col)
        return np.zeros(len(feats), dtype=bool) if v is None else (pd.notna(v) & (v != ""))

    told = filled("dob") | filled("gen_given") | filled("gen_sn") | filled("kind_on")
    rows = np.nonzero(known)[0]
    key = pd.factorize(
        pd.Series(obj["pc"][rows]).astype(str)
        + "|"
        + pd.Series(obj["hnr"][rows]).astype(str)
        + "|"
        + pd.Series(obj["sn_ph"][rows]).astype(str)
    )[0]
    frame = pd.DataFrame({"key": key, "row": rows, "told": told[rows]})
    per = frame.groupby("key")["told"].agg(["sum", "size"])
    mixed = per.index[(per["sum"] > 0) & (per["sum"] < per["size"])]
    frame = frame[frame["key"].isin(mixed)]
    names = [c for c in hard_negatives.COLUMNS if c in obj]

    def record(r):
        return {c: (None if pd.isna(obj[c][r]) else obj[c][r]) for c in names}

    out = []
    for _, group in frame.groupby("key"):
        members = group["row"].to_numpy()
        recs = [record(r) for r in members]
        for k, r in enumerate(members):
            if hard_negatives.generation_ambiguous(recs[k], recs[:k] + recs[k + 1 :]):
                out.append(int(r))
    return np.asarray(sorted(out), dtype=np.int64)


def ambiguous(labels: np.ndarray, left: np.ndarray, right: np.ndarray, weight: np.ndarray, margin: float, identified=None) -> np.ndarray:
    """Records whose model links reach another cluster nearly as strongly as their own.

    After conflicts are kept apart, a record can still hold links into two clusters (the
    mother's and the daughter's). When its best link into another cluster is within
    ``margin`` of its best link into its own, the data cannot say which person it is, and
    the earlier tie-break would be a coin toss; such records are returned for linking to
    neither. A record with a BSN (``identified``, a boolean per node) is who its BSN says, and
    links of infinite weight (equal BSN, accepted decisions) anchor a record: neither is
    ever second-guessed.
    """
    labels = np.asarray(labels)
    left, right, weight = np.asarray(left), np.asarray(right), np.asarray(weight, dtype=float)
    if len(left) == 0:
        return np.zeros(0, dtype=np.int64)
    node = np.concatenate([left, right])
    other = np.concatenate([right, left])
    w = np.concatenate([weight, weight])
    frame = pd.DataFrame({"node": node, "lab": labels[other], "own": labels[other] == labels[node], "w": w})
    anchored = frame.loc[np.isinf(frame["w"]), "node"].unique()
    if identified is not None:
        anchored = np.union1d(anchored, np.nonzero(np.asarray(identified, dtype=bool))[0])
    frame = frame[np.isfinite(frame["w"]) & ~frame["node"].isin(anchored)]
    own = frame[frame["own"]].groupby("node")["w"].max()
    away = frame[~frame["own"]].groupby("node")["w"].max()
    both = pd.concat([own.rename("own"), away.rename("away")], axis=1, join="inner")
    return both.index[both["away"] >= both["own"] - margin].to_numpy(dtype=np.int64)


def fits_elsewhere(
    feats: pd.DataFrame, labels: np.ndarray, unsure: np.ndarray, left, right, weight, margin: float, comparisons, levels
) -> np.ndarray:
    """Of the ``unsure`` records (``ambiguous``), those that could be the person of another cluster they link
    into within ``margin``: no member of that cluster conflicts with them (``conflicts``, an equal BSN
    aside). A record that conflicts with every such cluster (a "sr." registration linked strongly to
    the son's records) fits one person only and is not ambiguous (issue 16); arrival reads
    ``choose_cluster``'s other clusters the same way (``could_be``)."""
    if len(unsure) == 0:
        return unsure
    labels = np.asarray(labels)
    left, right, weight = np.asarray(left), np.asarray(right), np.asarray(weight, dtype=float)
    comps = [c for c in comparisons if c.name in levels]
    cols = sorted(
        {c for comp in comps for c in comp.columns if c in feats.columns} | {c for c in hard_negatives.COLUMNS if c in feats.columns}
    )
    sub = feats[cols]

    def record(r):
        row = sub.iloc[int(r)]
        return {k: (None if pd.isna(v) else v) for k, v in row.items()}

    node = np.concatenate([left, right])
    other = np.concatenate([right, left])
    w = np.concatenate([weight, weight])
    touch = np.isin(node, unsure) & np.isfinite(w)  # only the unsure records' links (bounded work at 1M records)
    node, other, w = node[touch], other[touch], w[touch]
    by_node: dict = {}
    for k, n in enumerate(node):
        by_node.setdefault(int(n), []).append(k)
    away_of: dict = {}
    for r in unsure:
        ks = np.asarray(by_node.get(int(r), []), dtype=np.int64)
        own_w = w[ks][labels[other[ks]] == labels[r]]
        own = own_w.max() if len(own_w) else -np.inf
        away_of[int(r)] = {labels[o] for o, ww in zip(other[ks], w[ks]) if labels[o] != labels[r] and ww >= own - margin}
    needed = np.asarray(sorted({lab for labs in away_of.values() for lab in labs}))
    rows = np.nonzero(np.isin(labels, needed))[0] if len(needed) else np.zeros(0, dtype=np.int64)
    members_of: dict = {}
    for x in rows:
        members_of.setdefault(labels[x], []).append(int(x))
    keep = []
    for r in unsure:
        rec = record(r)
        if any(
            not any(
                conflicts(rec, m, comps, levels)
                for m in (record(x) for x in members_of[lab])
                if not hard_negatives.same_person_by_bsn(rec, m)
            )
            for lab in away_of[int(r)]
        ):
            keep.append(int(r))
    return np.asarray(keep, dtype=np.int64)
