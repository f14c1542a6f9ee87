"""The glue between the registry/linkage tables and the pure casework rules.

``recolour`` reads facts and writes results set-based, a chunk of subjects at a time
(``bulk``: temporary id tables, cursor tuples, one statement stream per write) so
``zicht recolour`` over a million reports stays a batch job, and a single page can re-evaluate
its own address in milliseconds. ``address_facts``/``household_facts`` are the ORM readers of
one subject's facts, the reference the bulk readers are tested against.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zicht.core.stageclock import Clock
from zicht.linkage.households import within
from zicht.linkage.models import Household, HouseholdMember, PersonLink
from zicht.registry.models import Address, Report, ReportParty
from zicht.registry.postprocess import touched

from ..domain.colour import RANK, HelpFact, ReportFact, RuleSet, evaluate
from ..domain.worklists import work_items
from ..rulesets import current_ruleset
from . import bulk
from .models import ColourResult, Hulptraject, WorklistItem, subject_key

REPORT_FIELDS = ("id", "datum", "source_id", "soort", "aard", "vormen", "kinderen_aanwezig", "letsel", "wapen", "huisverbod")
CHUNK = 2000  # households per chunk (their reports: ``household_report_ids``)
ADDRESS_CHUNK = 20_000  # addresses per chunk (temporary id tables: no parameter limit)


def _fact(row: dict, children: set[int]) -> ReportFact:
    return ReportFact(
        id=row["id"],
        datum=row["datum"],
        source=str(row["source_id"]),
        soort=row["soort"],
        aard=row["aard"],
        vormen=tuple(row["vormen"] or ()),
        kinderen=bool(row["kinderen_aanwezig"]) or row["id"] in children or row["aard"] == "kindermishandeling",
        letsel=bool(row["letsel"]),
        wapen=bool(row["wapen"]),
        huisverbod=bool(row["huisverbod"]),
    )


def _children_reports(report_ids=None, address_ids=None) -> set[int]:
    qs = ReportParty.objects.filter(rol="kind")
    qs = qs.filter(report__address_id__in=address_ids) if address_ids is not None else qs.filter(report_id__in=report_ids)
    return set(qs.values_list("report_id", flat=True))


def _help(filter_q: Q) -> dict[str, list[HelpFact]]:
    out: dict[str, list[HelpFact]] = defaultdict(list)
    for h in Hulptraject.objects.filter(filter_q).values("id", "start", "einde", "address_id", "household_id"):
        fact = HelpFact(h["id"], h["start"], h["einde"])
        if h["address_id"]:
            out[subject_key("address", h["address_id"])].append(fact)
        if h["household_id"]:
            out[subject_key("household", h["household_id"])].append(fact)
    return out


def address_facts(address_ids) -> tuple[dict[int, list[ReportFact]], dict[str, list[HelpFact]]]:
    rows = list(Report.objects.filter(address_id__in=address_ids).values("address_id", *REPORT_FIELDS))
    children = _children_reports(address_ids=address_ids)
    facts: dict[int, list[ReportFact]] = defaultdict(list)
    for row in rows:
        facts[row["address_id"]].append(_fact(row, children))
    return facts, _help(Q(address_id__in=address_ids))


def household_report_ids(household_ids) -> dict[int, set[int]]:
    """Reports with a party who is (linked to) a member of the household, wherever they lived, dated
    within that member's membership of it (``linkage.households.within``): a person is in several
    households over time, and a report from before they joined or after they left counts for the
    household they were in then, not for this one."""
    members = HouseholdMember.objects.filter(household_id__in=household_ids).values_list(
        "household_id", "linked_person_id", "since", "until"
    )
    periods: dict[int, list[tuple]] = defaultdict(list)  # linked person -> (household, since, until)
    for hh, lp, since, until in members:
        periods[lp].append((hh, since, until))
    persons = PersonLink.objects.filter(linked_person_id__in=list(periods)).values_list("person_id", "linked_person_id")
    periods_of_person: dict[int, list[tuple]] = {p: periods[lp] for p, lp in persons}
    out: dict[int, set[int]] = defaultdict(set)
    for person_id, report_id, datum in ReportParty.objects.filter(person_id__in=list(periods_of_person)).values_list(
        "person_id", "report_id", "report__datum"
    ):
        for hh, since, until in periods_of_person[person_id]:
            if within(datum, since, until):
                out[hh].add(report_id)
    return out


def household_facts(household_ids) -> tuple[dict[int, list[ReportFact]], dict[str, list[HelpFact]]]:
    by_hh = household_report_ids(household_ids)
    all_ids = {r for ids in by_hh.values() for r in ids}
    rows = {r["id"]: r for r in Report.objects.filter(id__in=all_ids).values("address_id", *REPORT_FIELDS)}
    children = _children_reports(report_ids=all_ids)
    facts = {hh: [_fact(rows[r], children) for r in ids if r in rows] for hh, ids in by_hh.items()}
    return facts, _help(Q(household_id__in=household_ids))


def _areas(subject_type: str, ids) -> dict[int, tuple[str | None, str | None, str | None]]:
    """(buurt, wijk, gemeente) per subject; a household takes its most recent member address."""
    if subject_type == "address":
        rows = Address.objects.filter(id__in=ids).values_list("id", "buurt_id", "buurt__wijk_id", "buurt__gemeente_id")
        return {pk: (b, w, g) for pk, b, w, g in rows}
    out = {}
    for hh, b, w, g in (
        HouseholdMember.objects.filter(household_id__in=ids, address__isnull=False)
        .order_by("household_id", "-since")
        .values_list("household_id", "address__buurt_id", "address__buurt__wijk_id", "address__buurt__gemeente_id")
    ):
        out.setdefault(hh, (b, w, g))
    return out


def _aarden(facts: list[ReportFact], ruleset: RuleSet) -> str:
    kinds = sorted({f.aard for f in facts if f.soort in ruleset.kinds and f.aard not in ruleset.exclude_aard})
    return ("|" + "|".join(kinds) + "|") if kinds else ""


def _facts(subject_type: str, chunk: list[int], lap=lambda step: None) -> dict[int, list[ReportFact]]:
    """Facts per loaded subject (``bulk.load_subjects``), read set-based; a household's reports
    through ``household_report_ids`` (``lap("households")`` after it)."""
    if subject_type == "address":
        return bulk.address_facts()
    by_hh = household_report_ids(chunk)
    lap("households")
    reports = bulk.report_facts({r for ids in by_hh.values() for r in ids})
    return {hh: [reports[r] for r in ids if r in reports] for hh, ids in by_hh.items()}


def recolour(subject_type: str, ids, ruleset: RuleSet | None = None, today: date | None = None, worklists: bool = True) -> dict:
    """Evaluate the given subjects; store a new current result where version, colour or reasons changed.

    Unchanged subjects keep their row (its ``evaluated_at`` is refreshed), so the history shows
    each change of colour or rule set, not every nightly run. A result whose colour, rules and
    rule set stay but whose details change (a new report among a reason's reports, the count,
    the last date, the area) is corrected in place. Facts are read and results written
    set-based, a chunk at a time (``bulk``); the rule is ``evaluate``.
    """
    ruleset = ruleset or current_ruleset(today)
    today = today or timezone.localdate()
    now = timezone.now()
    stats = {"evaluated": 0, "changed": 0, "unchanged": 0, "corrected": 0, "work_items": 0}
    clock = Clock()
    ids = sorted(set(ids))
    size = ADDRESS_CHUNK if subject_type == "address" else CHUNK
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        with transaction.atomic():  # one per chunk: consistent reads, and SQLite's temporary tables fast
            stored = _colour_chunk(subject_type, chunk, ruleset, today, now, worklists, clock)
        for name, n in stored.items():
            stats[name] += n
    if stats["changed"] or stats["corrected"] or stats["work_items"]:
        from ..caching import invalidate

        invalidate()  # cached counts per colour and wijk choices; again once the outer transaction commits
        transaction.on_commit(invalidate)
    steps = ("facts", "households", "areas", "evaluate", "write")
    stats["cpu_seconds"] = {step: round(clock.cpu.get(step, 0.0), 3) for step in steps}
    return stats


def _colour_chunk(subject_type: str, chunk: list[int], ruleset: RuleSet, today: date, now, worklists: bool, clock: Clock) -> dict:
    """Read, evaluate and store one chunk of subjects; the numbers for ``recolour``'s stats (each
    step's seconds added to ``clock``: where colouring spends its time)."""
    clock.mark()
    lap = clock.lap
    bulk.load_subjects(chunk)
    facts = _facts(subject_type, chunk, lap)
    help_by_id = bulk.help_facts(subject_type)
    current = bulk.current(subject_type)
    known_items = bulk.known_items(subject_type)
    lap("facts")
    areas = _areas(subject_type, chunk)
    lap("areas")
    new_rows, superseded, refreshed, corrected, items = [], [], [], [], []
    for pk in chunk:
        subject_facts = facts.get(pk, [])
        help_ = help_by_id.get(pk, [])
        result = evaluate(subject_facts, ruleset, today, help_)
        rule_ids = ",".join(r.rule_id for r in result.reasons)[:300]
        buurt, wijk, gemeente = areas.get(pk, (None, None, None))
        content = (
            result.colour,
            RANK[result.colour],
            ruleset.version,
            ruleset.sha256,
            [r.as_dict() for r in result.reasons],
            rule_ids,
            result.events,
            result.reports,
            result.last_date,
            _aarden(subject_facts, ruleset),
            buurt,
            wijk,
            gemeente,
        )
        old = current.get(pk)
        if old is None or (old[1], old[3], old[6]) != (result.colour, ruleset.version, rule_ids):
            if old is not None:
                superseded.append(old[0])
            new_rows.append((pk, *content))
        elif old[1:] == content:
            refreshed.append(old[0])
        else:
            corrected.append((old[0], *content[3:]))
        if worklists and subject_facts:
            key = subject_key(subject_type, pk)
            for item in work_items(subject_facts, ruleset, today, help_):
                if (item.kind, key, item.trigger_report_id) in known_items:
                    continue
                items.append(
                    WorklistItem(
                        kind=item.kind,
                        subject_type=subject_type,
                        subject_key=key,
                        address_id=pk if subject_type == "address" else None,
                        household_id=pk if subject_type == "household" else None,
                        trigger_report_id=item.trigger_report_id,
                        trigger_date=item.trigger_date,
                        text=item.text[:300],
                        evidence=item.evidence,
                        ruleset_version=ruleset.version,
                        wijk_id=wijk,
                        gemeente_id=gemeente,
                    )
                )
    lap("evaluate")
    bulk.write(subject_type, new_rows, superseded, refreshed, corrected, now)
    if items:  # few (recent events only): the ORM, conflicts ignored
        WorklistItem.objects.bulk_create(items, batch_size=1000, ignore_conflicts=True)
    lap("write")
    return {
        "evaluated": len(chunk),
        "changed": len(new_rows),
        "unchanged": len(refreshed),
        "corrected": len(corrected),
        "work_items": len(items),
    }


def recolour_all(ruleset: RuleSet | None = None, today: date | None = None) -> dict:
    """Every address with a report or a result, and every household with members."""
    address_ids = set(Report.objects.filter(address__isnull=False).values_list("address_id", flat=True).distinct())
    address_ids |= set(ColourResult.objects.filter(subject_type="address", is_current=True).values_list("address_id", flat=True))
    household_ids = list(Household.objects.values_list("id", flat=True))
    return {
        "address": recolour("address", sorted(address_ids), ruleset, today),
        "household": recolour("household", household_ids, ruleset, today),
    }


def current_result(subject_type: str, pk: int) -> ColourResult | None:
    """The current result, re-evaluated first when it is from an earlier day or older than a report."""
    key = subject_key(subject_type, pk)
    result = ColourResult.objects.filter(subject_key=key, is_current=True).first()
    stale = result is None or timezone.localdate(result.evaluated_at) < timezone.localdate()
    if not stale and subject_type == "address":
        stale = Report.objects.filter(address_id=pk, created_at__gt=result.evaluated_at).exists()
    if stale:
        recolour(subject_type, [pk])
        result = ColourResult.objects.filter(subject_key=key, is_current=True).first()
    return result


def recolour_batch(batch) -> dict:
    """After an import (and its linking): recolour what the batch touched (``registry.postprocess.touched``),
    and nothing else: its addresses, and the households of its persons and of everyone reported at
    those addresses (linking may have joined a new person to a co-resident's household)."""
    found = touched(batch)
    return {
        "address": recolour("address", sorted(found.addresses)),
        "household": recolour("household", bulk.batch_households(found.persons, found.addresses)),
    }
