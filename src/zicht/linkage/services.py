"""Linkage over the registry: batch runs, incremental links, decisions and households.

Names and dates are decrypted in bulk into memory only (pandas / in-memory DuckDB);
nothing plaintext is written to disk or logged (record ids only).
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from zicht.core import dbstats
from zicht.core.crypto import cipher
from zicht.registry.corrections import departed_persons
from zicht.registry.models import Person, ReportParty
from zicht.registry.postprocess import touched

from . import config, feature_store, features, hard_negatives, hooks, households, priority, reasons, veto
from .comparisons import model_comparisons, rule_columns
from .engine import PAIR_BUDGET_PER_RECORD, ModelParams, cluster_pairs, features_frame, link, review_band
from .matcher import Matcher, arrival_cluster, rule_key, shares_block, without_borrowed_bsns
from .models import (
    BlockingKey,
    Household,
    HouseholdMember,
    LinkageModel,
    LinkageRun,
    LinkDecision,
    LinkedPerson,
    PersonFeatures,
    PersonLink,
    ReviewPair,
)

log = logging.getLogger(__name__)
DEFAULT_MODEL = Path(__file__).with_name("default_model.json")


# --------------------------------------------------------------------------- data


def person_records(persons) -> list[dict]:
    """Standard-schema records of registry persons, decrypted in memory only.

    The encrypted fields decrypt as the queryset loads (``EncryptedTextField`` uses
    ``zicht.core.crypto.cipher()``); nothing is written back or logged.
    """
    persons = list(persons)
    dates = _registration_dates([p.pk for p in persons])
    reports = _report_keys([p.pk for p in persons])
    out = []
    for p in persons:
        addr = p.address
        place = (addr.postcode, addr.huisnummer, addr.toevoeging, addr.straat, addr.woonplaats) if addr else None
        out.append(
            _record(
                p.pk,
                p.voornamen,
                p.voorletters,
                p.tussenvoegsel,
                p.achternaam,
                p.geboortedatum,
                p.geslacht,
                place,
                p.bsn_hash,
                dates,
                reports,
            )
        )
    return out


RECORD_COLUMNS = (
    "unique_id",
    "voornamen",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "postcode",
    "huisnummer",
    "straat",
    "woonplaats",
    "bsn_hash",
    "datum",
    "kind_op",
    "melding",
)  # the keys of ``_record``, in its order


def all_person_frame(exclude: set[int] = frozenset()) -> pd.DataFrame:
    """``pd.DataFrame(person_records(...))`` of every registry person but ``exclude``, read column-wise.

    One SQL statement (persons joined to their addresses), each encrypted column decrypted in one
    call (``FieldCipher.decrypt_many``: the same checks as a model read, column and row bound),
    no model objects and no dict per person: a batch run over a million persons spent more on
    building them than on linking. ``tests/test_services.py`` checks it equals ``person_records``."""
    person, address = Person._meta, Person._meta.get_field("address").related_model._meta
    q = connection.ops.quote_name
    own = ("id", "voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum", "geslacht", "address_id", "bsn_hash")
    place = ("postcode", "huisnummer", "toevoeging", "straat", "woonplaats")
    sql = (
        "SELECT "
        + ", ".join([f"p.{q(person.get_field(c).column)}" for c in own] + [f"a.{q(address.get_field(c).column)}" for c in place])
        + f" FROM {q(person.db_table)} p LEFT JOIN {q(address.db_table)} a ON a.{q(address.pk.column)} = p.{q(person.get_field('address').column)}"
        + f" ORDER BY p.{q(person.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if exclude:
        rows = [r for r in rows if r[0] not in exclude]
    columns = dict(zip(own + place, map(list, zip(*rows)))) if rows else {c: [] for c in own + place}
    ids = columns["id"]
    box = cipher()
    for name in ("voornamen", "voorletters", "tussenvoegsel", "achternaam", "geboortedatum"):
        columns[name] = box.decrypt_many(columns[name], person.get_field(name).place, ids)
    has_address = [a is not None for a in columns["address_id"]]
    dates = _registration_dates([], everyone=True)
    reports = _report_keys([], everyone=True)
    firsts = [dates.get(pk, (None, None)) for pk in ids]

    def obj(values) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    def at_address(values) -> np.ndarray:
        return obj([v if has else None for v, has in zip(values, has_address)])

    return pd.DataFrame(
        {
            "unique_id": np.asarray(ids, dtype=np.int64),
            "voornamen": obj([v or i for v, i in zip(columns["voornamen"], columns["voorletters"])]),
            "tussenvoegsel": obj(columns["tussenvoegsel"]),
            "achternaam": obj(columns["achternaam"]),
            "geboortedatum": obj(columns["geboortedatum"]),
            "geslacht": obj(columns["geslacht"]),
            "postcode": at_address(columns["postcode"]),
            "huisnummer": at_address([f"{h}{t}" for h, t in zip(columns["huisnummer"], columns["toevoeging"])]),
            "straat": at_address(columns["straat"]),
            "woonplaats": at_address(columns["woonplaats"]),
            "bsn_hash": obj([b or None for b in columns["bsn_hash"]]),
            "datum": obj([f for f, _ in firsts]),
            "kind_op": obj([c for _, c in firsts]),
            "melding": obj([reports.get(pk) for pk in ids]),
        },
        columns=list(RECORD_COLUMNS),
    )


def _record(pk, voornamen, voorletters, tussenvoegsel, achternaam, geboortedatum, geslacht, place, bsn_hash, dates, reports=None) -> dict:
    """One standard-schema record (``place``: postcode, huisnummer, toevoeging, straat, woonplaats, or None)."""
    first, child = dates.get(pk, (None, None))
    return {
        "unique_id": pk,
        # a source that gives initials only (wijkteam 'P.J.') still gives the model a given-name initial
        "voornamen": voornamen or voorletters,
        "tussenvoegsel": tussenvoegsel,
        "achternaam": achternaam,
        "geboortedatum": geboortedatum,
        "geslacht": geslacht,
        "postcode": place[0] if place else None,
        "huisnummer": f"{place[1]}{place[2]}" if place else None,
        "straat": place[3] if place else None,
        "woonplaats": place[4] if place else None,
        "bsn_hash": bsn_hash or None,
        "datum": first,  # first report: the household rule's period (hard_negatives)
        "kind_op": child,  # a report naming the person as a child: the age rule
        "melding": (reports or {}).get(pk),  # the reports naming the person: their other parties (household rule)
    }


def _registration_dates(person_ids: list[int], everyone: bool = False) -> dict[int, tuple]:
    """Per person: the date of its first report (a registration's date) and of its first report in
    the role of a child (or None)."""
    qs = ReportParty.objects.values("person_id").annotate(first=Min("report__datum"), child=Min("report__datum", filter=Q(rol="kind")))
    if not everyone and len(person_ids) <= 2000:  # arrival and small sets by id; a whole-registry batch reads them all at once
        qs = qs.filter(person_id__in=person_ids)
    return {r["person_id"]: (r["first"], r["child"]) for r in qs}


def _report_keys(person_ids: list[int], everyone: bool = False) -> dict[int, str]:
    """Per person: the ids of the reports naming it, joined by ";" (``features.report_key``): the
    other parties of those reports are its co-parties (``hard_negatives.co_parties``)."""
    qs = ReportParty.objects.values_list("person_id", "report_id")
    if not everyone and len(person_ids) <= 2000:
        qs = qs.filter(person_id__in=person_ids)
    out: dict[int, list[str]] = {}
    for pid, rid in qs.iterator(chunk_size=20_000):
        out.setdefault(pid, []).append(str(rid))
    return {pid: ";".join(sorted(ids)) for pid, ids in out.items()}


def _report_parties(person_ids) -> tuple[dict[int, str], dict[str, set]]:
    """For arrival: per person its report key (``_report_keys``), and per report id the linked
    persons named in it."""
    wanted = set(person_ids)
    keys = {pid: key for pid, key in _report_keys(list(wanted)).items() if pid in wanted}  # a large set reads everyone
    rids = {r for key in keys.values() for r in hard_negatives.report_ids(key)}
    parties: dict[str, set] = {}
    if rids:
        for rid, lp in ReportParty.objects.filter(report_id__in=[int(r) for r in rids], person__link__isnull=False).values_list(
            "report_id", "person__link__linked_person_id"
        ):
            parties.setdefault(str(rid), set()).add(lp)
    return keys, parties


def _persons_qs():
    return Person.objects.select_related("address").order_by("pk")


def _secret() -> bytes:
    return settings.BSN_HASH_KEY.encode()


def active_decisions() -> dict[tuple[int, int], bool]:
    out = {}
    for d in LinkDecision.objects.filter(revoked_at__isnull=True).order_by("decided_at"):
        out[(d.person_a_id, d.person_b_id)] = d.kind == "link"
    return out


# --------------------------------------------------------------------------- model


_parsed: dict = {}  # (model id, created) → ModelParams: a stored model never changes; a new one is a new row


def current_model() -> tuple[ModelParams, LinkageModel | None]:
    m = LinkageModel.objects.filter(active=True).defer("params").first()
    key = (m.pk, m.created_at) if m is not None else None
    if key not in _parsed:
        if len(_parsed) > 8:
            _parsed.clear()
        params = (
            LinkageModel.objects.values_list("params", flat=True).get(pk=m.pk) if m is not None else json.loads(DEFAULT_MODEL.read_text())
        )
        _parsed[key] = ModelParams.from_dict(params)
    return _parsed[key], m


def review_pair_fields(
    params: ModelParams, weight: float, contributions: list[dict], link_threshold: float, hot_a: bool, hot_b: bool, reason: str = ""
) -> dict:
    """What an open review pair records, from the batch (``_write_review_pairs``) and from arrival
    (``link_person``) alike: weight, model prior, contributions per comparison (``_contributions``),
    its place in the queue (``priority``; ``hot_a``/``hot_b``: a side is urgent) and why it waits
    (``reasons.review_reason``)."""
    weight = float(weight)
    return {
        "match_weight": weight,
        "prior_weight": params.prior_weight,
        "contributions": contributions,
        "status": "open",
        "priority": priority.tier(weight, link_threshold, hot_a, hot_b),
        "boundary_distance": priority.boundary_distance(weight, link_threshold),
        "reason": reason,
    }


REVIEW_PAIR_FIELDS = ("match_weight", "prior_weight", "contributions", "status", "priority", "boundary_distance", "reason")


def _contributions(params: ModelParams, row: pd.Series | dict) -> list[dict]:
    """Per comparison of the model: field, label and level of the pair's agreement, and its weight
    (``row`` holds ``mw_<comparison>``: a scored pair of the batch, or of arrival)."""
    out = []
    for name in params.comparisons:
        w = float(row[f"mw_{name}"])
        level = next((g for g, v in params.weights[name].items() if abs(v - w) < 1e-6), None)
        out.append({"field": name, "label": params.labels[name].get(level, ""), "level": level, "weight": round(w, 3)})
    return out


# --------------------------------------------------------------------------- batch


def run_batch(*, retrain: bool = False) -> LinkageRun:
    """Link all registry persons: train when asked (or when no model exists), score, cluster, write."""
    cfg = config.load()
    t0 = time.perf_counter()
    gone = departed_persons()  # withdrawn records' persons are not linked (``leave_linkage``)
    persons = all_person_frame(gone)
    run = LinkageRun.objects.create(kind="batch", persons=len(persons))
    if not len(persons):
        run.finished_at = timezone.now()
        run.save()
        return run
    feats = features_frame(persons)
    n_persons = len(persons)
    del persons
    params, model = current_model()
    train = retrain or model is None or _outgrown(model, n_persons, cfg)
    if train and n_persons < cfg.get("min_training_records", 1000):
        train = False  # too few persons to estimate: keep the current (or shipped) model
    result = link(
        feats,
        link_threshold=cfg["link_threshold"],
        review_threshold=cfg["review_threshold"],
        params=None if train else params,
        train_kwargs=cfg.get("training"),
        decisions=active_decisions(),
        veto_weight=cfg.get("veto_weight"),
        ambiguity_margin=cfg.get("ambiguity_margin"),
        pair_budget_per_record=cfg.get("pair_budget_per_record", PAIR_BUDGET_PER_RECORD),
    )
    if train:
        LinkageModel.objects.filter(active=True).update(active=False)
        model = LinkageModel.objects.create(
            params=result.params.to_dict(),
            link_threshold=cfg["link_threshold"],
            review_threshold=cfg["review_threshold"],
            records=n_persons,
        )
    elif params.rules != result.params.rules:
        # same weights, other rules within the pair budget: stored as the active model (an old row
        # stays for audit) so arrival blocks exactly as this batch did
        LinkageModel.objects.filter(active=True).update(active=False)
        model = LinkageModel.objects.create(
            params=result.params.to_dict(),
            link_threshold=cfg["link_threshold"],
            review_threshold=cfg["review_threshold"],
            records=model.records if model is not None else 0,  # 0: trained as soon as there are enough persons, as before
        )
    params = result.params
    with transaction.atomic():
        n_links = _write_clusters(result.labels, result.pairs, cfg["link_threshold"])
        n_review = _write_review_pairs(result.pairs, params, cfg["link_threshold"], result.labels, feats, cfg.get("veto_weight"))
        _write_blocking_keys(feats, params.rules)
        _drop_links(gone)
        n_households = rebuild_households()
    analyze_linkage(n_persons)  # PostgreSQL: the planner sees the rewritten tables before colouring joins them
    run.model = model
    run.pairs_compared = result.pairs_compared
    run.links = n_links
    run.review_pairs = n_review
    run.linked_persons = int(pd.Series(result.labels).nunique())
    run.households = n_households
    run.seconds = round(time.perf_counter() - t0, 2)
    run.finished_at = timezone.now()
    run.save()
    log.info("linkage batch run %s: %s persons, %s linked persons", run.pk, n_persons, run.linked_persons)
    return run


LINKAGE_TABLES = (BlockingKey, PersonFeatures, PersonLink, LinkedPerson, HouseholdMember, Household, ReviewPair)


def analyze_linkage(rows: int) -> list[str]:
    """Fresh planner statistics (``core.dbstats``) for the linkage tables after a run that wrote
    about ``rows`` rows to each (a row per person, or more); the tables analysed."""
    return dbstats.analyze_written({m._meta.db_table: rows for m in LINKAGE_TABLES})


def _drop_links(person_ids: set[int]) -> None:
    """Remove these persons' PersonLinks and supersede their open review pairs (a batch run over
    the persons still named by a current record; the blocking keys were rewritten without them)."""
    ids = sorted(person_ids)
    for i in range(0, len(ids), SCOPE_CHUNK):
        part = ids[i : i + SCOPE_CHUNK]
        PersonLink.objects.filter(person_id__in=part).delete()
        BlockingKey.objects.filter(person_id__in=part).delete()
        ReviewPair.objects.filter(status="open").filter(Q(person_a_id__in=part) | Q(person_b_id__in=part)).update(status="superseded")


def _outgrown(model: LinkageModel, persons: int, cfg: dict) -> bool:
    """Whether the registry has outgrown the data the model was estimated on.

    Why: the first import of a region is often one source (the politie's full names and
    BSNs); a model estimated on it alone misjudges the next source's partial identities.
    """
    growth = float(cfg.get("retrain_growth", 1.5))
    return growth > 0 and persons >= growth * max(model.records, 1)


def _best_weights(pairs: pd.DataFrame, labels: pd.Series) -> dict[int, float]:
    """Per person the best match weight to another member of its cluster."""
    if pairs.empty:
        return {}
    same = labels.reindex(pairs["unique_id_l"]).to_numpy() == labels.reindex(pairs["unique_id_r"]).to_numpy()
    p = pairs[same]
    both = pd.concat(
        [p[["unique_id_l", "match_weight"]].set_axis(["id", "w"], axis=1), p[["unique_id_r", "match_weight"]].set_axis(["id", "w"], axis=1)]
    )
    return both.groupby("id", observed=True)["w"].max().to_dict()


def _write_clusters(labels: pd.Series, pairs: pd.DataFrame, link_threshold: float, scope: set[int] | None = None) -> int:
    """PersonLink per person; a cluster keeps the LinkedPerson most of its members already had.

    ``scope``: the persons ``labels`` covers when it is not the whole registry (a delivery's
    closed subproblem, ``incremental``); only their rows are read and written."""
    existing = dict(_scoped(PersonLink.objects.all(), "person_id", scope).values_list("person_id", "linked_person_id"))
    best = _best_weights(pairs, labels)
    decided = {pid for k in active_decisions() for pid in k}
    bsn = dict(_scoped(Person.objects.exclude(bsn_hash=""), "pk", scope).values_list("pk", "bsn_hash"))
    groups: dict = {}
    for pid, lab in labels.items():
        groups.setdefault(lab, []).append(int(pid))
    claimed: set[int] = set()
    order = sorted(groups.values(), key=len, reverse=True)
    chosen: list[int | None] = []
    for members in order:
        votes = Counter(existing[m] for m in members if m in existing)
        lp_id = next((lp for lp, _ in votes.most_common() if lp not in claimed), None)
        if lp_id is not None:
            claimed.add(lp_id)
        chosen.append(lp_id)
    fresh = iter(_create_linked_persons(sum(1 for lp in chosen if lp is None)))
    link_rows = []
    for members, lp_id in zip(order, chosen):
        lp_id = lp_id if lp_id is not None else next(fresh)
        hashes = Counter(bsn[m] for m in members if m in bsn)
        for m in members:
            if len(members) == 1:
                method, weight = "single", None
            elif m in bsn and hashes[bsn[m]] > 1:
                method, weight = "bsn", None
            elif m in decided:
                method, weight = "review", best.get(m)
            else:
                method, weight = "model", best.get(m)
            link_rows.append((m, lp_id, method, weight))
    stored = {
        pid: (lp, method, weight)
        for pid, lp, method, weight in _scoped(PersonLink.objects.all(), "person_id", scope).values_list(
            "person_id", "linked_person_id", "method", "match_weight"
        )
    }
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    create, update = [], []
    for m, lp_id, method, weight in link_rows:
        old = stored.get(m)
        if old is None:
            create.append((m, int(lp_id), method, None if weight is None else float(weight), now))
        elif old != (lp_id, method, weight):
            update.append((m, int(lp_id), method, None if weight is None else float(weight)))
    bulk_insert(PersonLink, ("person", "linked_person", "method", "match_weight", "updated_at"), create)
    feature_store.update_links(update)
    return sum(1 for _, _, method, _ in link_rows if method != "single")


def bulk_insert(model, fields, rows: list[tuple]) -> None:
    """Insert ``rows`` (database values in the order of ``fields``) into ``model``'s table with one
    statement stream (``feature_store.copy_rows``). No model objects: the batch run writes a row
    per person (PersonLink, HouseholdMember), a million at a region's size. Datetimes and dates go
    in as ``connection.ops.adapt_*field_value`` gives them."""
    if not rows:
        return
    q = connection.ops.quote_name
    columns = tuple(q(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        feature_store.copy_rows(cursor, q(model._meta.db_table), columns, rows)


def new_ids(model, n: int) -> list[int]:
    """Ids of ``n`` new rows of a model whose only fields are its timestamps (LinkedPerson,
    Household): one INSERT … SELECT … RETURNING, ids ascending."""
    if n <= 0:
        return []
    q = connection.ops.quote_name
    stamps = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table, columns = q(model._meta.db_table), ", ".join(q(c) for c in stamps)
    values = ", ".join(["%s"] * len(stamps))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM generate_series(1, %s) RETURNING id", [*[now] * len(stamps), n]
            )
        else:
            cursor.execute(
                f"WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < %s) "
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM seq WHERE true RETURNING id",
                [n, *[now] * len(stamps)],
            )
        ids = sorted(r[0] for r in cursor.fetchall())
    if len(ids) != n:
        raise RuntimeError("new_ids: the database returned fewer ids than rows inserted")
    return ids


def _create_linked_persons(n: int) -> list[int]:
    """Ids of ``n`` new linked persons, created in bulk (one statement)."""
    return new_ids(LinkedPerson, n)


SCOPE_CHUNK = 2000  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
SCOPE_IDS = "zicht_linkage_scope_ids"  # longer id lists: a temporary table (feature_store.load_ids)


def _scoped(qs, field: str, scope: set[int] | None):
    """``qs`` limited to ``field`` in ``scope`` (None: unlimited), read in chunks of ids."""
    if scope is None:
        return qs
    return _Chunked(qs, field, sorted(scope))


class _Chunked:
    """A queryset filtered by a long id list, evaluated chunk by chunk (``values_list`` and iteration)."""

    def __init__(self, qs, field: str, ids: list[int]):
        self.qs, self.field, self.ids = qs, field, ids

    def _parts(self, qs):
        if len(self.ids) > SCOPE_CHUNK:  # one statement: a semi-join against a temporary id table (issue 13)
            with connection.cursor() as cursor:
                feature_store.load_ids(cursor, self.ids, SCOPE_IDS)
            yield from list(qs.filter(**{f"{self.field}__in": RawSQL(f"SELECT id FROM {SCOPE_IDS}", ())}))
            return
        for i in range(0, len(self.ids), SCOPE_CHUNK):
            yield from qs.filter(**{f"{self.field}__in": self.ids[i : i + SCOPE_CHUNK]})

    def values_list(self, *fields, **kw):
        return list(self._parts(self.qs.values_list(*fields, **kw)))

    def exclude(self, *args, **kw):
        return _Chunked(self.qs.exclude(*args, **kw), self.field, self.ids)

    def __iter__(self):
        return iter(list(self._parts(self.qs)))


def _write_review_pairs(
    pairs: pd.DataFrame,
    params: ModelParams,
    link_threshold: float,
    labels: pd.Series,
    feats: pd.DataFrame | None = None,
    veto_weight: float | None = None,
    scope: set[int] | None = None,
) -> int:
    """Open review pairs = pairs between the thresholds not yet decided; decided pairs are kept as they are.

    With ``feats`` each pair gets its reason (``reasons.review_reason``). With ``scope`` (the
    persons of a delivery's subproblem) only pairs with both persons in it are written or superseded."""
    in_scope = (lambda rp: True) if scope is None else (lambda rp: rp.person_a_id in scope and rp.person_b_id in scope)
    existing = {(r.person_a_id, r.person_b_id): r for r in _scoped(ReviewPair.objects.all(), "person_a_id", scope) if in_scope(r)}
    if pairs.empty:
        ReviewPair.objects.filter(pk__in=[rp.pk for rp in existing.values() if rp.status == "open"]).update(status="superseded")
        return 0
    band = review_band(pairs, labels, link_threshold)
    reason_of = _batch_reasons(band, feats, labels, params, link_threshold, veto_weight) if feats is not None else {}
    lp_of = dict(_scoped(PersonLink.objects.all(), "person_id", scope).values_list("person_id", "linked_person_id"))
    hot = _hot_linked_persons(None if scope is None else set(lp_of.values()))
    keep = set()
    create, update = [], []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    contributions = _ContributionsMemo(params)
    a_ids = band["unique_id_l"].to_numpy().tolist()
    b_ids = band["unique_id_r"].to_numpy().tolist()
    weights = band["match_weight"].to_numpy(dtype=float).tolist()
    levels = band[[f"mw_{name}" for name in params.comparisons]].to_numpy(dtype=float).tolist()
    for a, b, weight, mw in zip(a_ids, b_ids, weights, levels):
        a, b = sorted((int(a), int(b)))
        keep.add((a, b))
        contrib, contrib_json = contributions.get(mw)
        fields = review_pair_fields(
            params, weight, contrib, link_threshold, lp_of.get(a) in hot, lp_of.get(b) in hot, reason_of.get((a, b), "")
        )
        rp = existing.get((a, b))
        if rp is None:
            values = (contrib_json if name == "contributions" else _review_value(name, fields[name]) for name in REVIEW_PAIR_FIELDS)
            create.append((a, b, *values, now, now))
        elif rp.status in ("open", "superseded") and any(getattr(rp, name) != value for name, value in fields.items()):
            for name, value in fields.items():  # unchanged pairs are not rewritten (a delivery rescores many)
                setattr(rp, name, value)
            update.append(rp)
    bulk_insert(ReviewPair, ("person_a", "person_b", *REVIEW_PAIR_FIELDS, "created_at", "updated_at"), create)
    ReviewPair.objects.bulk_update(update, list(REVIEW_PAIR_FIELDS), batch_size=2000)
    stale = [rp.pk for k, rp in existing.items() if k not in keep and rp.status == "open"]
    for i in range(0, len(stale), SCOPE_CHUNK):
        ReviewPair.objects.filter(pk__in=stale[i : i + SCOPE_CHUNK]).update(status="superseded")
    return len(keep)


def _review_value(name: str, value):
    """A review pair's field as ``bulk_insert`` writes it (the JSON field as JSON text, as Django stores it)."""
    if name == "contributions":
        return json.dumps(value)
    return float(value) if isinstance(value, float) else value


class _ContributionsMemo:
    """``_contributions`` (and its JSON text) per distinct combination of comparison weights: a batch's
    review pairs share a few hundred combinations, each computed once instead of once per pair."""

    def __init__(self, params: ModelParams):
        self.params, self.names, self.seen = params, [f"mw_{name}" for name in params.comparisons], {}

    def get(self, weights: list[float]) -> tuple[list[dict], str]:
        key = tuple(weights)
        if key not in self.seen:
            found = _contributions(self.params, dict(zip(self.names, weights)))
            self.seen[key] = (found, json.dumps(found))
        return self.seen[key]


def _batch_reasons(
    band: pd.DataFrame, feats: pd.DataFrame, labels: pd.Series, params: ModelParams, link_threshold: float, veto_weight: float | None
) -> dict[tuple[int, int], str]:
    """The reason per review pair of the batch, (person a, person b) sorted -> code.

    ``reasons.review_reason`` reads the records (and the household rule) only for a link the
    cluster check did not follow; a pair below the link threshold is ``onzeker`` whatever its
    records, so only the other pairs' records are built and only their households read."""
    if band.empty:
        return {}
    ids = pd.Index(feats["unique_id"])
    left, right = ids.get_indexer(band["unique_id_l"]), ids.get_indexer(band["unique_id_r"])
    weights = band["match_weight"].to_numpy(dtype=float)
    uid = pd.to_numeric(pd.Series(feats["unique_id"].to_numpy(dtype=object))).to_numpy(dtype=np.int64)
    lo, hi = np.minimum(uid[left], uid[right]).tolist(), np.maximum(uid[left], uid[right]).tolist()
    out = {}
    held = weights >= link_threshold
    for k in np.flatnonzero(~held).tolist():
        out[(lo[k], hi[k])] = reasons.review_reason({}, {}, weights[k], link_threshold)
    todo = np.flatnonzero(held)
    if not len(todo):
        return out
    lab = labels.reindex(feats["unique_id"]).to_numpy()
    rules = veto.veto_levels(params, veto_weight).get(veto.HARD, set()) if veto_weight is not None else set()
    l_rows, r_rows = left[todo], right[todo]
    apart = veto.households_apart(feats, lab, l_rows, r_rows) if hard_negatives.HOUSEHOLD in rules else np.zeros(len(todo), dtype=bool)
    rows = np.unique(np.concatenate([l_rows, r_rows]))
    cols = [c for c in hard_negatives.COLUMNS if c in feats.columns]
    sub = feats[cols].iloc[rows].astype(object)
    recs = dict(zip(rows.tolist(), sub.where(sub.notna(), None).to_dict("records")))
    for k, i, j, household in zip(todo.tolist(), l_rows.tolist(), r_rows.tolist(), apart.tolist()):
        out[(lo[k], hi[k])] = reasons.review_reason(recs[i], recs[j], weights[k], link_threshold, rules, household=bool(household))
    return out


def _hot_linked_persons(among: set[int] | None = None) -> set[int]:
    """Linked persons (of ``among``, or all) whose review decisions come first (``priority.URGENT``),
    as the apps above linkage say through ``hooks`` (casework: oranje/rood colour, active signal)."""
    return hooks.urgent_linked_persons(among)


def _write_blocking_keys(feats: pd.DataFrame, rules) -> None:
    """Replace the persisted index: every person's key under every rule, digested in one pass,
    written into the emptied table with its indexes built afterwards (``feature_store.indexes_set_aside``)."""
    table, q = BlockingKey._meta.db_table, connection.ops.quote_name
    columns = tuple(q(BlockingKey._meta.get_field(f).column) for f in ("person", "rule", "digest"))
    key_columns = blocking_key_columns(feats, rules)
    with connection.cursor() as cursor, feature_store.indexes_set_aside(cursor, table):
        cursor.execute(f"DELETE FROM {q(table)}")
        feature_store.copy_columns(cursor, q(table), columns, key_columns)
    feature_store.write(feats, replace_all=True)  # what a delivery's candidates are scored on (issue 13)


def blocking_key_rows(feats: pd.DataFrame, rules) -> list[tuple[int, int, int]]:
    """(person, rule, digest) of every record's key under every rule, record by record in rule order.

    The same rows as ``rule_key`` + ``features.key_text`` per record (``tests/test_bulk_writers.py``);
    at a region's size this table holds about 15 rows per person, so the per-record loop cost
    more than the engine's link. Built by ``blocking_key_columns``."""
    ids, rule_of, digests = blocking_key_columns(feats, rules)
    return list(zip(ids.tolist(), rule_of.tolist(), digests.tolist()))


def blocking_key_columns(feats: pd.DataFrame, rules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``blocking_key_rows`` as three int64 columns (person, rule, digest), in the same order.

    Column-wise and per distinct key: each key column is factorised once (its distinct values
    turned into text once; a missing or empty part: no key, as ``matcher.rule_key`` says), each
    rule's key is a combination of those codes, and only the distinct combinations are joined
    into key texts and digested (one keyed hash call for all rules). Records share keys (that is
    what a block is), so this builds a few hundred thousand texts for millions of keys."""
    empty = np.zeros(0, dtype=np.int64)
    if feats.empty:
        return empty, empty, empty
    secret = _secret()
    ids = pd.to_numeric(pd.Series(feats["unique_id"].to_numpy(dtype=object))).to_numpy(dtype=np.int64)
    n = len(ids)
    factorised: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def column(name: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, text of each code): code -1 where the part is missing or empty."""
        if name not in factorised:
            if name not in feats.columns:
                factorised[name] = np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=object)
            else:
                codes, uniques = pd.factorize(feats[name], use_na_sentinel=True)
                text = np.array([str(u) for u in np.asarray(uniques, dtype=object).tolist()], dtype=object)
                codes = codes.astype(np.int64)
                blank = np.flatnonzero(text == "")
                if len(blank):
                    codes[np.isin(codes, blank)] = -1
                factorised[name] = codes, text
        return factorised[name]

    positions, rule_ids, combo_of, combo_texts = [], [], [], []
    offset = 0
    for i, rule in enumerate(rules):
        cols = rule_columns(rule)
        if not cols:
            continue
        parts = [column(c) for c in cols]
        ok = np.ones(n, dtype=bool)
        for codes, _ in parts:
            ok &= codes >= 0
        where = np.flatnonzero(ok)
        if not len(where):
            continue
        combined = parts[0][0][where]
        for codes, text in parts[1:]:  # dense codes of the combinations so far (no overflow)
            combined = pd.factorize(combined * (len(text) + 1) + codes[where])[0].astype(np.int64)
        _, firsts, inverse = np.unique(combined, return_index=True, return_inverse=True)
        rows_first = where[firsts]
        text = parts[0][1][parts[0][0][rows_first]]
        for codes, t in parts[1:]:
            text = text + "\x1f" + t[codes[rows_first]]
        positions.append(where)
        rule_ids.append(np.full(len(where), i, dtype=np.int64))
        combo_of.append(inverse + offset)
        combo_texts.append(text)
        offset += len(text)
    if not positions:
        return empty, empty, empty
    pos, rule_of, combos = np.concatenate(positions), np.concatenate(rule_ids), np.concatenate(combo_of)
    digests = features.key_digests(np.concatenate(combo_texts), secret)[combos]
    order = np.lexsort((rule_of, pos))  # record by record, rules in order (as the per-record loop wrote them)
    return ids[pos[order]], rule_of[order], digests[order]


def insert_blocking_keys(rows: list[tuple[int, int, int]]) -> None:
    """Bulk insert of index rows (``bulk_insert``: COPY on PostgreSQL, executemany elsewhere)."""
    bulk_insert(BlockingKey, ("person", "rule", "digest"), rows)


def _digests_for(feat: dict, rules, secret: bytes) -> list[tuple[int, int]]:
    """(rule, digest) of one record's blocking keys, digested in one call (each call has a fixed cost)."""
    found = [(i, key) for i, rule in enumerate(rules) if (key := rule_key(feat, rule)) is not None]
    if not found:
        return []
    digests = features.key_digests([features.key_text(key) for _, key in found], secret).tolist()
    return [(i, d) for (i, _), d in zip(found, digests)]


def _keys_for(person_id: int, feat: dict, rules, secret: bytes) -> list[BlockingKey]:
    return [BlockingKey(person_id=person_id, rule=i, digest=d) for i, d in _digests_for(feat, rules, secret)]


# --------------------------------------------------------------------------- incremental


class _DbIndex:
    """The persisted blocking index: candidates by (rule, digest), features decrypted per candidate."""

    def __init__(self, rules, secret: bytes):
        self.rules = [tuple(r) for r in rules]
        self.secret = secret
        self._feats: dict[int, dict] = {}

    def candidates(self, feat: dict) -> np.ndarray:
        from django.db.models import Q

        q = Q()
        for i, digest in _digests_for(feat, self.rules, self.secret):
            q |= Q(rule=i, digest=digest)
        if not q:
            return np.zeros(0, dtype=np.int64)
        ids = sorted(set(BlockingKey.objects.filter(q).values_list("person_id", flat=True)))
        persons = _persons_qs().filter(pk__in=ids)
        for rec in person_records(persons):
            self._feats[rec["unique_id"]] = features.record_features(rec)
        # digests can collide, and a conditional rule keeps only some of its block: the batch's pairs exactly
        ids = [pid for pid in ids if pid in self._feats and shares_block(feat, self._feats[pid], self.rules)]
        return np.asarray(ids, dtype=np.int64)

    def record(self, pid: int) -> dict:
        return self._feats[pid]


def link_person(person: Person) -> PersonLink:
    """Link one new (or changed) person on arrival, with the model and thresholds of the last batch."""
    cfg = config.load()
    params, _ = current_model()
    index = _DbIndex(params.rules, _secret())
    feat = features.record_features(person_records([Person.objects.select_related("address").get(pk=person.pk)])[0])
    if feat.get("bsn_hash"):  # a parent's BSN on a child's registration is read as absent, as in the batch
        feat = without_borrowed_bsns([feat, *_bsn_sharers({feat["bsn_hash"]}, exclude=person.pk)])[0]
    matcher = Matcher(params, index, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"])
    result = matcher.match(feat)
    decisions = active_decisions()
    rejected = {frozenset(k) for k, ok in decisions.items() if not ok}
    links = [s for s in result.links if frozenset((person.pk, s.other)) not in rejected]
    current = {pl.person_id: pl for pl in PersonLink.objects.filter(person_id__in=[s.other for s in links])}
    links = [s for s in links if s.other in current]
    own_bsn = feat.get("bsn_hash") or None
    clusters = {current[s.other].linked_person_id for s in links}
    members = _effective_members(_cluster_members(clusters))
    levels = veto.veto_levels(params, cfg["veto_weight"]) if cfg.get("veto_weight") is not None else {}
    comps = model_comparisons(params)

    def bsns(c):
        return {m["bsn_hash"] for m in members[c] if m["bsn_hash"]}

    households = _Households(person, clusters) if hard_negatives.HOUSEHOLD in levels.get(veto.HARD, ()) else None
    # the other registrations at the address, for a registration that names no generation (hard_negatives.generation_ambiguous)
    neighbours = _address_neighbours(person) if hard_negatives.generation_blind(feat) else []
    # one cluster decision with the batch's rules (matcher.arrival_cluster)
    target, merges, ambiguous = arrival_cluster(
        feat,
        links,
        lambda pid: current[pid].linked_person_id,
        members,
        comps,
        levels,
        margin=cfg.get("ambiguity_margin"),
        household_conflict=None if households is None else (lambda c: households.conflict(c, own_bsn, [*members[c], feat])),
        neighbours=neighbours,
        blind_links=_blind_links(person, feat, links, index),
    )
    with transaction.atomic():
        if target is None:
            lp = LinkedPerson.objects.create()
            method, weight = "single", None
        else:
            lp = LinkedPerson.objects.get(pk=target)
            best = next(s for s in links if current[s.other].linked_person_id == target)
            same_bsn = own_bsn and own_bsn in bsns(target)
            method, weight = ("bsn", None) if same_bsn else ("model", best.weight)
            # the new record bridges clusters: the batch would join them too
            for other in merges:
                PersonLink.objects.filter(linked_person_id=other).update(linked_person=lp)
        pl, _ = PersonLink.objects.update_or_create(person=person, defaults={"linked_person": lp, "method": method, "match_weight": weight})
        BlockingKey.objects.filter(person=person).delete()
        BlockingKey.objects.bulk_create(_keys_for(person.pk, feat, params.rules, _secret()))
        feature_store.write(pd.DataFrame([feat]))  # its features, for later deliveries (issue 13)
        # links the cluster check did not follow (ambiguity, veto) are for the ketenregisseur too
        joined = {target, *merges} if target is not None else set()
        unresolved = [s for s in links if current[s.other].linked_person_id not in joined]
        for s in list(result.review) + unresolved:
            a, b = sorted((person.pk, int(s.other)))
            other_pl = PersonLink.objects.filter(person_id=s.other).first()
            if other_pl and other_pl.linked_person_id == lp.pk:
                continue
            contrib = _contributions(params, {f"mw_{k}": w for k, (_, w) in s.contributions.items()})
            hot = _hot_linked_persons({lp.pk} | ({other_pl.linked_person_id} if other_pl else set()))
            other_c = other_pl.linked_person_id if other_pl else None
            reason = reasons.review_reason(
                feat,
                index.record(int(s.other)),
                s.weight,
                cfg["link_threshold"],
                levels.get(veto.HARD, set()),
                household=households is not None
                and other_c is not None
                and households.conflict(other_c, own_bsn, [*members.get(other_c, []), feat]),
            )
            fields = review_pair_fields(
                params,
                s.weight,
                contrib,
                cfg["link_threshold"],
                lp.pk in hot,
                other_pl is not None and other_pl.linked_person_id in hot,
                reason,
            )
            ReviewPair.objects.update_or_create(person_a_id=a, person_b_id=b, defaults=fields)
    return pl


class _Households:
    """Co-residents for the household rule on arrival (``hard_negatives.household_conflict``),
    as ``veto.household_pairs`` reads them in the batch: the other linked persons with a
    registration at an address (the canonical address row: postcode, huisnummer, toevoeging)."""

    def __init__(self, person: Person, clusters):
        self.address = person.address_id
        self.pk = person.pk
        self._kin: dict[int, list] = {}  # address -> (cluster, features) of its registrations, read when needed
        self.day: int | None = None
        self.days: dict = {}
        self.own_reports, self.parties, self.reports = None, {}, {}
        self.by_cluster: dict[int, dict[int, set]] = {}  # cluster -> address -> BSN hashes there
        if self.address is None or not clusters:
            return
        rows = list(
            PersonLink.objects.filter(linked_person_id__in=list(clusters))
            .exclude(person_id=person.pk)
            .values_list("linked_person_id", "person__address_id", "person__bsn_hash", "person_id")
        )
        dates = {pid: first for pid, (first, _child) in _registration_dates([pid for *_, pid in rows] + [person.pk]).items()}
        self.day = _day(dates.get(person.pk))
        self.days: dict[tuple[int, int], list[int]] = {}  # (cluster, address) -> registration days
        # the other parties of the reports (hard_negatives.co_parties), as veto.household_pairs reads them
        reports, parties = _report_parties([pid for *_, pid in rows] + [person.pk])
        self.own_reports = reports.get(person.pk)
        self.parties = parties
        self.reports: dict[tuple[int, int], list[str]] = {}  # (cluster, address) -> its registrations' report ids
        for lp, addr, bsn, pid in rows:
            if addr is not None:
                self.by_cluster.setdefault(lp, {}).setdefault(addr, set()).update({bsn} if bsn else set())
                if _day(dates.get(pid)) is not None:
                    self.days.setdefault((lp, addr), []).append(_day(dates.get(pid)))
                self.reports.setdefault((lp, addr), []).append(reports.get(pid))
        addresses = {a for per in self.by_cluster.values() for a in per} | {self.address}
        self.occupants: dict[int, set] = {}
        for addr, lp in (
            PersonLink.objects.filter(person__address_id__in=list(addresses))
            .exclude(person_id=person.pk)
            .values_list("person__address_id", "linked_person_id")
        ):
            self.occupants.setdefault(addr, set()).add(lp)

    def conflict(self, cluster: int, own_bsn: str | None, person: list[dict] = ()) -> bool:
        """The new registration's address and an address of ``cluster`` hold two households.

        Only when the cluster is not yet seen at the new registration's address (then it is
        no move, and the batch reads the cluster's own address groups). ``person``: the
        registrations of the person it would be (the cluster's and the new one), for
        ``hard_negatives.parent_among`` (a parent at either address keeps a move a move)."""
        seen = self.by_cluster.get(cluster, {})
        if self.address is None or self.address in seen:
            return False
        here = self.occupants.get(self.address, set()) - {cluster}
        mine = {own_bsn} if own_bsn else set()
        mine_span = (self.day, self.day) if self.day is not None else None
        return any(
            hard_negatives.household_conflict(
                here,
                self.occupants.get(addr, set()) - {cluster},
                mine,
                bsns,
                span_a=mine_span,
                span_b=_span(self.days.get((cluster, addr))),
                parent=self._parent(list(person), cluster, (self.address, addr)),
                party_a=hard_negatives.co_parties([self.own_reports], self.parties, cluster),
                party_b=hard_negatives.co_parties(self.reports.get((cluster, addr), []), self.parties, cluster),
            )
            for addr, bsns in seen.items()
        )

    def _parent(self, person: list[dict], cluster: int, addresses) -> bool:
        if not person:
            return False
        for addr in addresses:
            if addr not in self._kin:
                qs = _persons_qs().filter(address_id=addr).exclude(pk=self.pk).select_related("link")
                persons = list(qs)
                links = {p.pk: getattr(getattr(p, "link", None), "linked_person_id", None) for p in persons}
                self._kin[addr] = [(links[r["unique_id"]], features.record_features(r)) for r in person_records(persons)]
            if hard_negatives.parent_among(person, [f for lp, f in self._kin[addr] if lp != cluster]):
                return True
        return False


def _day(value) -> int | None:
    return value.toordinal() if value is not None else None


def _span(days: list[int] | None) -> tuple[int, int] | None:
    return (min(days), max(days)) if days else None


def _bsn_sharers(bsn_hashes: set, exclude: int | None = None) -> list[dict]:
    """Features of every registration carrying one of these BSN hashes (for ``without_borrowed_bsns``)."""
    if not bsn_hashes:
        return []
    qs = _persons_qs().filter(bsn_hash__in=list(bsn_hashes))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return [features.record_features(rec) for rec in person_records(qs)]


def _effective_members(members: dict) -> dict:
    """The clusters' members with a borrowed BSN read as absent, judged over every registration with that BSN."""
    flat = [(c, m) for c, ms in members.items() for m in ms]
    if not flat:
        return members
    ids = {m["unique_id"] for _, m in flat}
    others = [r for r in _bsn_sharers({m["bsn_hash"] for _, m in flat if m.get("bsn_hash")}) if r["unique_id"] not in ids]
    effective = without_borrowed_bsns([m for _, m in flat] + others)
    out: dict = {c: [] for c in members}
    for (c, _), m in zip(flat, effective):
        out[c].append(m)
    return out


def _blind_links(person: Person, feat: dict, links, index) -> dict:
    """For ``matcher.arrival_cluster``: per linked registration without date of birth, marker or child
    role, its features and the other registrations at its address (the new one included when it
    lives there), so a link to one that fits two generations of its name is not followed, as in the batch."""
    blind = {s.other: index.record(int(s.other)) for s in links}
    blind = {pid: f for pid, f in blind.items() if f and hard_negatives.generation_blind(f)}
    if not blind:
        return {}
    address_of = dict(Person.objects.filter(pk__in=list(blind)).values_list("pk", "address_id"))
    out = {}
    for pid, f in blind.items():
        addr = address_of.get(pid)
        if addr is None:
            continue
        around = [
            features.record_features(r) for r in person_records(_persons_qs().filter(address_id=addr).exclude(pk__in=[pid, person.pk]))
        ]
        out[pid] = (f, around + ([feat] if addr == person.address_id else []))
    return out


def _address_neighbours(person: Person) -> list[dict]:
    """Features of the other registrations at the person's address."""
    if person.address_id is None:
        return []
    return [
        features.record_features(rec) for rec in person_records(_persons_qs().filter(address_id=person.address_id).exclude(pk=person.pk))
    ]


def _cluster_members(linked_person_ids) -> dict:
    """Features of every member of these linked persons (decrypted here, for the cluster check)."""
    out = {c: [] for c in linked_person_ids}
    if not out:
        return out
    persons = _persons_qs().filter(link__linked_person_id__in=list(out)).select_related("link")
    by_id = {p.pk: p.link.linked_person_id for p in persons}
    for rec in person_records(persons):
        out[by_id[rec["unique_id"]]].append(features.record_features(rec))
    return out


def link_batch_persons(batch, progress: bool = False) -> int:
    """Receiver work for registry.signals.batch_imported: link the persons the batch touched
    (``registry.postprocess.touched``).

    A delivery into a registry that already holds at least as many persons is linked in bulk
    against the persisted index (``incremental.link_delivery``: cost proportional to the
    delivery). An initial load (an empty or nearly empty registry) is linked by a batch run over
    the whole registry instead, which also trains the first model.
    """
    # Imported on use: incremental builds on this module's writers (a cycle at import time).
    from . import incremental

    found = touched(batch).persons
    gone = departed_persons(found)  # withdrawn records' and dropped parties' persons leave linkage
    persons = found - gone
    if persons:
        if incremental.is_initial_load(len(persons)):
            run_batch()
        else:
            incremental.link_delivery(persons, progress=progress)
    if gone:
        leave_linkage(gone)
    return len(found)


def leave_linkage(person_ids) -> int:
    """Take these registry persons out of linkage (their records are withdrawn, or the source
    dropped them: ``registry.corrections.departed_persons``): their PersonLink and blocking keys
    go, their open review pairs are superseded, so they never attract a candidate again; the
    clusters they were in are re-decided without them (``recluster``: a person that held two
    others together no longer does) and the households of those clusters follow. Their rows and
    history stay until retention. Delivered again (reinstated), they are linked as new persons."""
    from . import incremental  # imported on use: incremental builds on this module's writers (a cycle)

    gone = sorted({int(i) for i in person_ids})
    if not gone:
        return 0
    with transaction.atomic():
        lps = set(_scoped(PersonLink.objects.all(), "person_id", set(gone)).values_list("linked_person_id", flat=True))
        for i in range(0, len(gone), SCOPE_CHUNK):
            ids = gone[i : i + SCOPE_CHUNK]
            BlockingKey.objects.filter(person_id__in=ids).delete()
            ReviewPair.objects.filter(status="open").filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids)).update(status="superseded")
            PersonLink.objects.filter(person_id__in=ids).delete()
        rest = set(_scoped(PersonLink.objects.all(), "linked_person_id", lps).values_list("person_id", flat=True))
        if rest:
            _recluster_members(rest)
        now = set(_scoped(PersonLink.objects.all(), "person_id", rest).values_list("linked_person_id", flat=True))
        incremental.update_households(lps | now)
    log.info("linkage: %s persons left linkage, %s linked persons re-decided", len(gone), len(lps))
    return len(gone)


# --------------------------------------------------------------------------- decisions


def recluster(person_ids: set[int]) -> None:
    """Re-cluster the linked persons these registry persons belong to, with all active decisions.

    Scores every pair inside the affected clusters that shares a blocking key (as the
    batch would), so a decision takes effect at once without a full run.
    """
    lps = set(PersonLink.objects.filter(person_id__in=person_ids).values_list("linked_person_id", flat=True))
    members = set(PersonLink.objects.filter(linked_person_id__in=lps).values_list("person_id", flat=True)) | set(person_ids)
    with transaction.atomic():
        _recluster_members(members, scoped=False)
        rebuild_households()


def _recluster_members(members: set[int], *, scoped: bool = True) -> None:
    """Score every pair of ``members`` that shares a blocking key or a BSN, cluster them with the
    active decisions among them and write their PersonLinks (``scoped``: only theirs are read)."""
    cfg = config.load()
    params, _ = current_model()
    persons = list(_scoped(_persons_qs(), "pk", set(members)))
    recs = person_records(persons)
    feats = features_frame(pd.DataFrame(recs))
    rows = [features.record_features(r) for r in recs]
    matcher = Matcher(params, None, link_threshold=cfg["link_threshold"], review_threshold=cfg["review_threshold"])
    pairs = []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if not shares_block(rows[i], rows[j], params.rules) and not (
                rows[i]["bsn_hash"] and rows[i]["bsn_hash"] == rows[j]["bsn_hash"]
            ):
                continue
            s = matcher.score(rows[i], rows[j])
            pairs.append(
                {
                    "unique_id_l": rows[i]["unique_id"],
                    "unique_id_r": rows[j]["unique_id"],
                    "match_weight": s.weight,
                    "bsn_hash_l": rows[i]["bsn_hash"],
                    "bsn_hash_r": rows[j]["bsn_hash"],
                }
            )
    pairs_df = pd.DataFrame(pairs, columns=["unique_id_l", "unique_id_r", "match_weight", "bsn_hash_l", "bsn_hash_r"])
    decisions = {k: v for k, v in active_decisions().items() if k[0] in members and k[1] in members}
    labels = cluster_pairs(
        feats,
        pairs_df,
        cfg["link_threshold"],
        decisions,
        params=params,
        veto_weight=cfg.get("veto_weight"),
        ambiguity_margin=cfg.get("ambiguity_margin"),
    )
    _write_clusters(labels, pairs_df, cfg["link_threshold"], scope=set(members) if scoped else None)


def decide(review_pair: ReviewPair, *, accept: bool, reason: str, user) -> LinkDecision:
    """Record the ketenregisseur's decision on a review pair and apply it at once."""
    a, b = review_pair.person_a, review_pair.person_b
    if accept and a.bsn_hash and b.bsn_hash and a.bsn_hash != b.bsn_hash:
        raise ValueError(N_("Twee personen met verschillende geldige BSN worden nooit samengevoegd"))  # translated where shown
    d = LinkDecision.objects.create(
        person_a=a, person_b=b, kind="link" if accept else "no_link", review_pair=review_pair, reason=reason, decided_by=user
    )
    review_pair.status = "accepted" if accept else "rejected"
    review_pair.save(update_fields=["status", "updated_at"])
    recluster({a.pk, b.pk})
    return d


def split(person: Person, *, reason: str, user) -> list[LinkDecision]:
    """Take one registry person out of its linked person: a no-link decision against every other member."""
    pl = PersonLink.objects.get(person=person)
    others = list(
        PersonLink.objects.filter(linked_person_id=pl.linked_person_id).exclude(person=person).values_list("person_id", flat=True)
    )
    out = [
        LinkDecision.objects.create(person_a=person, person_b_id=o, kind="no_link", origin="split", reason=reason, decided_by=user)
        for o in others
    ]
    recluster({person.pk, *others})
    return out


def revoke(decision: LinkDecision, *, reason: str, user) -> None:
    """Undo a decision (kept, marked revoked) and re-cluster as the model alone would decide."""
    decision.revoked_at = timezone.now()
    decision.revoked_by = user
    decision.revoke_reason = reason
    decision.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    if decision.review_pair_id:
        ReviewPair.objects.filter(pk=decision.review_pair_id).update(status="open")
    recluster({decision.person_a_id, decision.person_b_id})


# --------------------------------------------------------------------------- households


def rebuild_households() -> int:
    """Derive households from co-reports and addresses (``households.derive``: chains of episodes;
    a person may be in several over time); existing households keep their id."""
    lp_of = dict(PersonLink.objects.values_list("person_id", "linked_person_id"))
    obs = []
    for person_id, rol, datum, address_id, report_id in ReportParty.objects.values_list(
        "person_id", "rol", "report__datum", "report__address_id", "report_id"
    ).iterator(chunk_size=20_000):
        lp = lp_of.get(person_id)
        if lp is None:
            continue
        obs.append(households.Observation(lp, address_id, datum, report_id, rol))
    derived = households.derive(obs)  # a person reported alone is a household of one
    day = connection.ops.adapt_datefield_value
    old: dict[int, set[int]] = {}
    for hid, lp in HouseholdMember.objects.values_list("household_id", "linked_person_id"):
        old.setdefault(hid, set()).add(lp)
    matched = households.match_existing([set(h.members) for h in derived], old)
    keep_ids = set()
    HouseholdMember.objects.all().delete()
    created = iter(_create_households(sum(1 for hid in matched if hid is None)))
    rows = []
    for h, hid in zip(derived, matched):
        if hid is None:
            hid = next(created)
        keep_ids.add(hid)
        for m in h.memberships:
            rows.append((hid, m.linked_person, m.address, day(m.since), day(m.until)))
    bulk_insert(HouseholdMember, ("household", "linked_person", "address", "since", "until"), rows)
    gone = sorted(set(Household.objects.values_list("pk", flat=True)) - keep_ids)
    for i in range(0, len(gone), SCOPE_CHUNK):
        Household.objects.filter(pk__in=gone[i : i + SCOPE_CHUNK]).delete()
    return len(keep_ids)


def _create_households(n: int) -> list[int]:
    """Ids of ``n`` new households, created in bulk (one statement)."""
    return new_ids(Household, n)


# --------------------------------------------------------------------------- signal registrations
# (casework's verwijsindex registers persons one at a time; kept in one block, apart from link_person)


def _norm_name(value: str | None) -> str:
    return " ".join((value or "").lower().split())


def _name_and_birth(person: Person) -> tuple:
    return (_norm_name(person.voornamen), _norm_name(person.tussenvoegsel), _norm_name(person.achternaam), person.geboortedatum)


def exact_match(person: Person) -> tuple[LinkedPerson | None, str]:
    """The same keyed BSN hash, else the exact name + date of birth among persons at the same
    address and persons of earlier signals (names are encrypted, so they cannot be searched in SQL)."""
    if person.bsn_hash:
        found = PersonLink.objects.filter(person__bsn_hash=person.bsn_hash).exclude(person=person).select_related("linked_person").first()
        if found:
            return found.linked_person, "bsn"
    wanted = _name_and_birth(person)
    scope = Q(signals__isnull=False)
    if person.address_id:
        scope |= Q(address_id=person.address_id)
    for other in Person.objects.filter(link__isnull=False).exclude(pk=person.pk).filter(scope).select_related("link").distinct():
        if _name_and_birth(other) == wanted:
            return other.link.linked_person, "naam_geboortedatum"
    return None, ""


def link_registered_person(person: Person) -> tuple[LinkedPerson, str]:
    """Link a person registered by hand (a verwijsindex signal) and say how: 'koppeling' when the
    engine joined a cluster, else an exact match ('bsn', 'naam_geboortedatum'), else 'nieuw'.

    The engine (``link_person``) always writes the person's PersonLink. An exact name match
    found afterwards is returned for the caller's own use only, never written to PersonLink:
    merging clusters is for the engine and its review queue to decide.
    """
    own = link_person(person)
    if own.method != "single":
        return own.linked_person, "koppeling"
    exact, how = exact_match(person)
    return (exact, how) if exact else (own.linked_person, "nieuw")
