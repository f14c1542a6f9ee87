"""Linking a delivery in bulk against the persisted index: cost grows with the delivery, not the registry.

Why: a full relink after every delivery of more than a few hundred persons made a daily
delta cost as much as the whole registry (issue 13 item 6). Here a delivery's persons are
linked in one pass:

1. their blocking keys (``services.blocking_key_rows``) are written with one bulk statement;
2. **candidates** come from one set-based join of the stored keys (``linkage_blockingkey``
   with itself on rule and digest) plus the persons with an equal BSN hash; the delivery is
   scored against them, and those below the review threshold with every delivered person (and
   without its BSN) are dropped: no pair of theirs can change a cluster or a review pair;
3. the **subproblem** is the delivery, its remaining candidates and every member of their
   clusters: the linked persons a new pair can change, and nothing else;
4. its **pairs** (again one self-join of the stored keys, inside the subproblem) are scored
   by the matcher's comparisons with the trained model's weights and decided, then clustered
   by ``engine.cluster_pairs``, the batch's own clustering, whose pair rule is
   ``engine.pair_decisions`` (one rule for batch, arrival and delivery);
5. clusters, review pairs and households of the subproblem only are rewritten.

The batch run over the whole registry (``services.run_batch``) stays for an initial load:
when the delivery holds at least as many persons as the registry already has, its cost is
proportional to the delivery too, and it trains the first model.

Tolerated difference with a batch link of the same data (``tests/test_incremental.py``):
a pair between two persons outside the delivery that an earlier run left apart (the cluster
check broke it: a veto, an ambiguity) is reconsidered by a full run but not here, unless one
of its persons is a candidate of the delivery. On data the earlier run linked without breaking
links the two give the same clusters.
"""

from __future__ import annotations

import logging
import sys
import time

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from zicht.core import stageclock
from zicht.registry.models import Person, ReportParty

from . import config, feature_store, households, services, stored_features
from .engine import Engine, cluster_pairs, features_frame
from .matcher import Matcher, shares_block
from .models import BlockingKey, Household, HouseholdMember, LinkageRun, PersonLink

log = logging.getLogger(__name__)

IDS_TABLE = "zicht_linkage_ids"  # a temporary table of person ids for the set-based joins
CHUNK = services.SCOPE_CHUNK


# --------------------------------------------------------------------------- set-based SQL


def _load_ids(cursor, ids, table: str = IDS_TABLE) -> None:
    """Fill the connection's temporary id table (created on first use, emptied every time)."""
    feature_store.load_ids(cursor, ids, table)


def candidate_pairs(person_ids) -> tuple[list[tuple[int, int]], set[int]]:
    """The pairs (a, b), a < b, of ``person_ids`` with a person sharing a stored blocking key, and the
    persons sharing a BSN hash with one of them (themselves excluded).

    One join of the index with itself on (rule, digest), served by its (rule, digest) index,
    and one on the BSN hash: two statements whatever the delivery's size."""
    keys = BlockingKey._meta.db_table
    with connection.cursor() as cursor:
        _load_ids(cursor, person_ids)
        join = feature_store.join()
        cursor.execute(
            f"SELECT DISTINCT n.person_id, o.person_id FROM {IDS_TABLE} t "
            f"{join} {keys} n ON n.person_id = t.id "
            f"{join} {keys} o ON o.rule = n.rule AND o.digest = n.digest "
            f"WHERE o.person_id <> n.person_id"
        )
        pairs = {(min(a, b), max(a, b)) for a, b in cursor.fetchall()}
        cursor.execute(same_bsn_sql())
        same_bsn = {r[0] for r in cursor.fetchall()}
    return sorted(pairs), same_bsn - {int(i) for i in person_ids}


def same_bsn_sql() -> str:
    """The linked persons (not a withdrawn record's) whose BSN hash equals a non-empty one of the persons
    in the id table, themselves included; one statement.

    PostgreSQL: a semi-join, each side restricted to non-empty hashes. As a join (``n.bsn_hash =
    o.bsn_hash`` with ``DISTINCT``) the planner took the join's size from the column's statistics,
    where the empty hash of every person without a BSN is by far the most common value: at
    200,000 persons it expected 268 million rows, chose a nested loop and compared 916 million
    pairs (206 s; ``docs/benchmarks.md``, *PostgreSQL delivery*). SQLite keeps the join in its
    written order (``feature_store.join``), measured there; both return the same ids."""
    persons, links = Person._meta.db_table, PersonLink._meta.db_table
    if connection.vendor == "postgresql":
        return (
            f"SELECT o.id FROM {persons} o JOIN {links} lo ON lo.person_id = o.id "
            f"WHERE o.bsn_hash <> '' AND o.bsn_hash IN "
            f"(SELECT n.bsn_hash FROM {IDS_TABLE} t JOIN {persons} n ON n.id = t.id WHERE n.bsn_hash <> '')"
        )
    join = feature_store.join()
    return (
        f"SELECT DISTINCT o.id FROM {IDS_TABLE} t {join} {persons} n ON n.id = t.id "
        f"{join} {persons} o ON o.bsn_hash = n.bsn_hash "
        f"{join} {links} lo ON lo.person_id = o.id WHERE n.bsn_hash <> ''"
    )


def block_pairs_within(person_ids) -> list[tuple[int, int]]:
    """(a, b), a < b: the pairs among ``person_ids`` that share a stored key under some rule (one statement)."""
    keys = BlockingKey._meta.db_table
    with connection.cursor() as cursor:
        _load_ids(cursor, person_ids)
        join = feature_store.join()
        cursor.execute(
            f"SELECT DISTINCT a.person_id, b.person_id FROM {IDS_TABLE} ta "
            f"{join} {keys} a ON a.person_id = ta.id "
            f"{join} {keys} b ON b.rule = a.rule AND b.digest = a.digest "
            f"{join} {IDS_TABLE} tb ON tb.id = b.person_id "
            f"WHERE a.person_id < b.person_id"
        )
        return [(int(a), int(b)) for a, b in cursor.fetchall()]


def cluster_members(person_ids) -> tuple[set[int], set[int]]:
    """(every member of the clusters these persons belong to, those clusters): one join from the id table."""
    links = PersonLink._meta.db_table
    join = feature_store.join()
    with connection.cursor() as cursor:
        _load_ids(cursor, person_ids)
        cursor.execute(
            f"SELECT m.person_id, m.linked_person_id FROM {IDS_TABLE} t {join} {links} p ON p.person_id = t.id "
            f"{join} {links} m ON m.linked_person_id = p.linked_person_id"
        )
        rows = cursor.fetchall()
    return {int(r[0]) for r in rows}, {int(r[1]) for r in rows}


def delete_for(model, person_ids, column: str = "person_id") -> None:
    """Delete ``model``'s rows of these persons: one statement against the temporary id table."""
    with connection.cursor() as cursor:
        _load_ids(cursor, person_ids)
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {column} IN (SELECT id FROM {IDS_TABLE})")


def person_recs(person_ids) -> list[dict]:
    """Standard-schema records of these persons (decrypted in memory, in chunks of ids)."""
    ids = sorted(set(person_ids))
    recs = []
    for i in range(0, len(ids), CHUNK):
        recs += services.person_records(services._persons_qs().filter(pk__in=ids[i : i + CHUNK]))
    return recs


def _records(feats: pd.DataFrame) -> dict[int, dict]:
    sub = feats.astype(object)
    sub = sub.where(sub.notna(), None)
    return {int(r["unique_id"]): r for r in sub.to_dict("records")}


# --------------------------------------------------------------------------- scoring

BOUND_EPS = 1e-9  # the bounds add the same weights in the same order; a float tie keeps the candidate


def relevant_candidates(pairs, new_feats: pd.DataFrame, candidates: set[int], params, review_threshold: float) -> tuple[set[int], int]:
    """The candidates that can score at least the review threshold with a delivered person, from the
    persisted features (``stored_features.bounds``: the highest weight a pair can have), and how many
    candidates had no stored features yet (linked before they were kept: decrypted once, written)."""
    stored = feature_store.read(candidates)
    missing = candidates - set(stored["person_id"].tolist())
    if missing:  # the backfill of a registry linked before features were persisted
        missing_feats = features_frame(pd.DataFrame(person_recs(missing)))
        feature_store.write(missing_feats)
        stored = pd.concat([stored, feature_store.feature_rows(missing_feats)], ignore_index=True)
    if not pairs:
        return set(), len(missing)
    frame = pd.concat([feature_store.feature_rows(new_feats), stored], ignore_index=True).drop_duplicates("person_id")
    ids = pd.Index(frame["person_id"])
    arr = np.asarray(pairs, dtype=np.int64)
    left = stored_features.frame_arrays(frame, ids.get_indexer(arr[:, 0]))
    right = stored_features.frame_arrays(frame, ids.get_indexer(arr[:, 1]))
    _, high, _ = stored_features.bounds(left, right, params)
    kept = arr[high >= review_threshold - BOUND_EPS]
    return set(kept.ravel().tolist()), len(missing)


def score_pairs(pairs: list[tuple[int, int]], recs: dict[int, dict], params, cfg: dict, progress: bool = False) -> pd.DataFrame:
    """Scored pairs as ``engine.link`` returns them (``unique_id_l/_r``, ``match_weight``, ``bsn_hash_l/_r``,
    ``mw_<comparison>``), for the pairs the batch would compare (``shares_block``) scoring at or
    above the review threshold (the batch's predict keeps the same)."""
    matcher = Matcher(params, None, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"])
    names = [c.name for c in matcher.comparisons]
    rows = []
    for a, b in bar(pairs, "score", progress):
        left, right = recs[a], recs[b]
        if not shares_block(left, right, params.rules):  # digests can collide; a conditional rule keeps part of its block
            continue
        s = matcher.score(left, right)
        if s.weight < cfg["review_threshold"]:
            continue
        rows.append((a, b, s.weight, left["bsn_hash"], right["bsn_hash"], *(s.contributions[n][1] for n in names)))
    columns = ["unique_id_l", "unique_id_r", "match_weight", "bsn_hash_l", "bsn_hash_r", *(f"mw_{n}" for n in names)]
    return pd.DataFrame(rows, columns=columns)


def score_with_engine(feats: pd.DataFrame, params, cfg: dict) -> tuple[pd.DataFrame, int]:
    """The subproblem's pairs scored by the engine (DuckDB, in memory, the stored model): the batch's
    own blocking and scoring, vectorised. For a large subproblem (a delivery of thousands), where
    the matcher's per-pair Python would cost seconds per hundred thousand pairs."""
    engine = Engine(feats, params=params)
    try:
        return engine.predict(cfg["review_threshold"])
    finally:
        engine.con.close()


# --------------------------------------------------------------------------- the delivery

last_run: dict = {}  # figures of the last delivery in this process (subproblem size, pairs, seconds per part)
last_households: dict = {}  # size of the last household neighbourhood rebuilt


def link_delivery(person_ids, *, progress: bool = False) -> LinkageRun:
    """Link these persons (new or changed) against everything already linked; see the module docstring."""
    cfg = config.load()
    params, model = services.current_model()
    t0 = time.perf_counter()
    new = sorted({int(i) for i in person_ids})
    run = LinkageRun.objects.create(kind="incremental", persons=len(new), model=model)
    if not new:
        run.finished_at = timezone.now()
        run.save()
        return run
    clock = stageclock.Clock()  # seconds per stage: wall, this process's CPU, a benchmark's server CPU
    stages = stage_bar(len(new), progress)
    with clock.stage("transaction"), transaction.atomic():
        clock.start("keys")
        new_recs = person_recs(new)
        new_feats = features_frame(pd.DataFrame(new_recs))
        delete_for(BlockingKey, new)  # a corrected person's old keys go first
        services.insert_blocking_keys(services.blocking_key_rows(new_feats, params.rules))
        feature_store.write(new_feats)
        clock.stop("keys")
        stages.set_postfix_str("keys", refresh=False)
        stages.update(1)

        clock.start("candidates")
        # stage 1: the delivery against its candidates, from their persisted features (nothing
        # decrypted); a candidate whose highest possible weight with every delivered person stays
        # below the review threshold (and without its BSN) changes nothing
        new_set = set(new)
        pairs, same_bsn = candidate_pairs(new)
        candidates = ({p for pair in pairs for p in pair} | same_bsn) - new_set
        relevant, backfilled = relevant_candidates(pairs, new_feats, candidates, params, cfg["review_threshold"])
        relevant = (relevant | same_bsn) - new_set
        compared = len(pairs)
        known = {r["unique_id"]: r for r in new_recs}
        clock.stop("candidates")
        stages.set_postfix_str("candidates", refresh=False)
        stages.update(1)

        # stage 2: the subproblem, the delivery, its relevant candidates and their clusters' members
        clock.start("score_and_cluster")
        members, _ = cluster_members(relevant | new_set)
        scope = new_set | relevant | members
        recs = [known[i] for i in scope if i in known] + person_recs(scope - set(known))
        feats = features_frame(pd.DataFrame(sorted(recs, key=lambda r: r["unique_id"])))
        if len(scope) > int(cfg.get("delivery_engine_persons", 2000)):
            scored, n = score_with_engine(feats, params, cfg)
        else:
            within = block_pairs_within(scope)
            scored, n = score_pairs(within, _records(feats), params, cfg, progress), len(within)
        compared += n
        decisions = {k: v for k, v in services.active_decisions().items() if k[0] in scope and k[1] in scope}
        labels = cluster_pairs(
            feats,
            scored,
            cfg["link_threshold"],
            decisions,
            params=params,
            veto_weight=cfg.get("veto_weight"),
            ambiguity_margin=cfg.get("ambiguity_margin"),
        )
        clock.stop("score_and_cluster")
        stages.set_postfix_str("score_and_cluster", refresh=False)
        stages.update(1)

        clock.start("write")
        old_links = dict(services._scoped(PersonLink.objects.all(), "person_id", scope).values_list("person_id", "linked_person_id"))
        n_links = services._write_clusters(labels, scored, cfg["link_threshold"], scope=scope)
        n_review = services._write_review_pairs(scored, params, cfg["link_threshold"], labels, feats, cfg.get("veto_weight"), scope=scope)
        new_links = dict(services._scoped(PersonLink.objects.all(), "person_id", scope).values_list("person_id", "linked_person_id"))
        clock.stop("write")
        stages.set_postfix_str("write", refresh=False)
        stages.update(1)

        clock.start("households")
        n_households = update_households(*changed_links(old_links, new_links))
        clock.stop("households")
        stages.set_postfix_str("households", refresh=False)
        stages.update(1)
    clock.rest("transaction", "commit")  # beyond the stages: the commit (PostgreSQL's deferred foreign-key checks)
    with clock.stage("statistics"):  # PostgreSQL: a delivery large next to the registry refreshes the planner's view
        services.analyze_linkage(len(new))
    stages.close()
    run.pairs_compared = compared
    run.links = n_links
    run.review_pairs = n_review
    run.linked_persons = int(pd.Series(labels).nunique())
    run.households = n_households
    run.seconds = round(time.perf_counter() - t0, 2)
    run.finished_at = timezone.now()
    run.save()
    last_run.clear()  # not stored: for the pipeline benchmark
    last_run.update(
        {
            "persons": len(new),
            "candidate_persons": len(candidates),
            "relevant_candidates": len(relevant),
            "features_backfilled": backfilled,
            "subproblem_persons": len(scope),
            "household_scope_linked_persons": last_households.get("linked_persons"),
            "household_read_linked_persons": last_households.get("read_linked_persons"),
            "pairs": compared,
            **clock.figures(),
        }
    )
    log.info("linkage delivery run %s: %s persons, subproblem of %s persons, %s pairs", run.pk, len(new), len(scope), compared)
    return run


def changed_links(old_links: dict[int, int], new_links: dict[int, int]) -> tuple[set[int], set[int]]:
    """The linked persons whose persons changed and the persons whose link changed (person id ->
    linked person, before and after a write): a cluster that kept the same persons under the same
    id changes no household."""
    lps, persons = set(), set()
    for person in old_links.keys() | new_links.keys():
        before, after = old_links.get(person), new_links.get(person)
        if before != after:
            persons.add(person)
            lps |= {lp for lp in (before, after) if lp is not None}
    return lps, persons


def is_initial_load(n_new: int) -> bool:
    """The registry held fewer persons than the delivery brings: the batch run is the cheaper link
    (its cost grows with the registry, which is then smaller than the delivery) and trains a model."""
    linked = PersonLink.objects.count()
    return linked < max(n_new, 1) or not BlockingKey.objects.exists()


# --------------------------------------------------------------------------- households


class _Episodes:
    """The household-role observations read so far, by address (every observation at an address
    read, so its episodes are whole) and by address-less report; read in bulk, set-based, per call."""

    def __init__(self):
        self.parties = ReportParty.objects.filter(rol__in=sorted(households.HOUSEHOLD_ROLES))
        self.obs: dict[tuple, households.Observation] = {}
        self.lp_of: dict[int, int] = {}
        self.read_lps: set[int] = set()
        self.addresses: set[int] = set()
        self.reports: set[int] = set()

    def read(self, linked_persons: set[int]) -> bool:
        """Read every observation at the addresses (and address-less reports) of these linked persons."""
        lps = set(linked_persons) - self.read_lps
        if not lps:
            return False
        self.read_lps |= lps
        persons = dict(services._scoped(PersonLink.objects.all(), "linked_person_id", lps).values_list("person_id", "linked_person_id"))
        self.lp_of.update(persons)
        self.read_persons(set(persons))
        return True

    def read_persons(self, person_ids: set[int]) -> tuple[set[int], set[int], set[int]]:
        """Read every observation at the addresses (and address-less reports) of these persons; their
        addresses, address-less reports and all their household-role reports."""
        addresses, loose, reports = set(), set(), set()
        for report_id, address_id in services._scoped(self.parties, "person_id", person_ids).values_list("report_id", "report__address_id"):
            reports.add(report_id)
            if address_id is None:
                loose.add(report_id)
            else:
                addresses.add(address_id)
        new_addresses, new_loose = addresses - self.addresses, loose - self.reports
        self.addresses |= new_addresses
        self.reports |= new_loose
        columns = ("person_id", "rol", "report__datum", "report__address_id", "report_id")
        rows = list(services._scoped(self.parties, "report__address_id", new_addresses).values_list(*columns))
        rows += list(services._scoped(self.parties, "report_id", new_loose).values_list(*columns))
        unknown = {r[0] for r in rows} - set(self.lp_of)
        self.lp_of.update(services._scoped(PersonLink.objects.all(), "person_id", unknown).values_list("person_id", "linked_person_id"))
        for person_id, rol, datum, address_id, report_id in rows:
            lp = self.lp_of.get(person_id)
            if lp is not None:
                self.obs[(person_id, report_id, rol)] = households.Observation(lp, address_id, datum, report_id, rol)
        return addresses, loose, reports

    def exact(self, persons: set[int]) -> list[households.Household]:
        """Derive until every household with one of these persons is derived as over everything: all
        its members' addresses read (so each of its episodes is whole and each episode's choice of
        the episode it continues saw every candidate). Grows with those households, not further."""
        self.read(persons)
        while True:
            derived = households.derive(self.obs.values())
            wanted = {p for h in derived if h.members & persons for p in h.members}
            if not self.read(wanted):
                return derived


def _old_households(linked_persons: set[int], where=None) -> dict[int, set[int]]:
    """The stored households of these linked persons, each with all its members; with ``where``
    (linked person, address -> bool) only those of the rows it accepts."""
    rows = services._scoped(HouseholdMember.objects.all(), "linked_person_id", linked_persons).values_list(
        "household_id", "linked_person_id", "address_id"
    )
    hids = {hid for hid, lp, address in rows if where is None or where(lp, address)}
    old: dict[int, set[int]] = {}
    for hid, lp in services._scoped(HouseholdMember.objects.all(), "household_id", hids).values_list("household_id", "linked_person_id"):
        old.setdefault(hid, set()).add(lp)
    return old


def household_closure(
    linked_persons: set[int], persons: set[int] | None = None
) -> tuple[set[int], list[households.Household], dict[int, set[int]]]:
    """The linked persons whose household rows can change, the households (``households.derive``)
    that hold them and their stored households, when ``persons`` changed their link (or, without
    ``persons``, every person of these linked persons) and these linked persons changed persons.

    1. The changed episodes: the window runs (and address-less reports) that hold an observation of
       a changed person; ``r0`` their persons.
    2. An episode that may now continue a changed one, or that a changed one may now continue
       (``households.continues`` either way), may change household: with the changed ones, the
       episodes in play.
    3. The rows to rewrite are those of ``r0``, the linked persons given, the persons of the
       episodes in play, and the members of their households before (the stored rows at those
       episodes' addresses) and after.
    Each of those households is derived over the observations at all its members' addresses
    (``_Episodes.exact``). Households are chains of episodes: a mover who starts another
    household does not bring in the households of the addresses before it, so this grows with
    the households around the delivery, not with the registry."""
    reader = _Episodes()
    touched = set(linked_persons)
    whole = persons is None
    if whole:
        persons = set(services._scoped(PersonLink.objects.all(), "linked_person_id", touched).values_list("person_id", flat=True))
    reader.read(touched)
    addresses, loose, reports = reader.read_persons(set(persons))
    spans: dict[int, list[tuple]] = {}  # address -> (first, last) date of its changed runs
    at: dict[int, list] = {}
    for o in reader.obs.values():
        if o.address in addresses:
            at.setdefault(o.address, []).append(o)
    r0 = set(touched)
    for address, obs in at.items():
        for run in households.window_runs([(o.datum, i) for i, o in enumerate(obs)]):
            if any(obs[i].report in reports for i in run):
                spans.setdefault(address, []).append((obs[run[0]].datum, obs[run[-1]].datum))
                r0 |= {obs[i].linked_person for i in run}
    r0 |= {o.linked_person for o in reader.obs.values() if o.address is None and o.report in loose}

    def is_changed(e) -> bool:
        if e.address is None:
            return e.key[4] in loose
        return any(first <= e.start <= last for first, last in spans.get(e.address, ()))

    derived = reader.exact(r0)
    changed = [e for h in derived for e in h.episodes if is_changed(e)]
    changed_of: dict[int, list] = {}
    for c in changed:
        for p in c.persons:
            changed_of.setdefault(p, []).append(c)
    in_play = list(changed)
    for h in derived:
        for e in h.episodes:
            near = {id(c): c for p in e.persons for c in changed_of.get(p, ())}
            if id(e) not in near and any(
                households.continues(e.persons, c.persons) or households.continues(c.persons, e.persons) for c in near.values()
            ):
                in_play.append(e)
    play_ids = {id(e) for e in in_play}
    played = {p for e in in_play for p in e.persons}
    places = {(p, e.address) for e in in_play for p in e.persons}
    scope = r0 | played | {p for h in derived if any(id(e) in play_ids for e in h.episodes) for p in h.members}

    def was_in_play(lp, address) -> bool:  # a stored row of an episode in play, or of a changed person's place
        return (lp, address) in places or (lp in touched and (address is None or address in addresses))

    before = _old_households(played | touched, None if whole else was_in_play)
    scope |= {p for members in before.values() for p in members}
    derived = reader.exact(scope)
    last_households["read_linked_persons"] = len(reader.read_lps)
    return scope, [h for h in derived if h.members & scope], _old_households(scope)


def update_households(linked_persons: set[int], persons: set[int] | None = None) -> int:
    """Households of these linked persons and their neighbourhood (``household_closure``), derived
    as ``services.rebuild_households`` derives all of them; existing households keep their id. Only
    the rows of the closure's persons are rewritten (a household may keep rows of others)."""
    scope, derived, old = household_closure(set(linked_persons), persons)
    last_households["linked_persons"] = len(scope)  # the neighbourhood rebuilt (for the pipeline benchmark)
    if not scope:
        return 0
    matched = households.match_existing([set(h.members) for h in derived], old)
    delete_for(HouseholdMember, scope, "linked_person_id")
    created = iter(services._create_households(sum(1 for hid in matched if hid is None)))
    rows, keep = [], set()
    for h, hid in zip(derived, matched):
        if hid is None:
            hid = next(created)
        keep.add(hid)
        rows.extend(
            HouseholdMember(household_id=hid, linked_person_id=m.linked_person, address_id=m.address, since=m.since, until=m.until)
            for m in h.memberships
            if m.linked_person in scope
        )
    HouseholdMember.objects.bulk_create(rows, batch_size=2000)
    gone = sorted(set(old) - keep)
    for ids in _chunks(gone):
        Household.objects.filter(pk__in=ids, members__isnull=True).delete()
    return len(keep)


def touched_households(linked_persons: set[int]) -> set[int]:
    """The current households of these linked persons."""
    return set(
        services._scoped(HouseholdMember.objects.all(), "linked_person_id", set(linked_persons)).values_list("household_id", flat=True)
    )


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def stage_bar(persons: int, enabled: bool):
    """The delivery's five parts (keys, candidates, score and cluster, write, households) on stderr."""
    from tqdm import tqdm  # imported on use: a command-line nicety, not needed to link

    return tqdm(total=5, desc=f"koppelen {persons} personen", unit=" stap", file=sys.stderr, disable=not enabled)


def bar(items, desc: str, enabled: bool):
    """Progress on stderr, as the import shows it (``registry.pipeline``); nothing when disabled."""
    from tqdm import tqdm  # imported on use: a command-line nicety, not needed to link

    return tqdm(items, desc=desc, unit=" paren", unit_scale=True, file=sys.stderr, disable=not enabled, mininterval=0.5)
