"""Colour in bulk: the set-based SQL under ``services.recolour`` (issue 13 item 6).

Why not the ORM: colouring after an initial load of 200,000 rows spent most of its time in
Django, not in the rule: ``filter(id__in=<tens of thousands of ids>)`` prepares every id of the
list in Python, ``values()`` converts every row, and ``bulk_create`` of ``ColourResult`` builds a
model object and prepares every field of every row (measured at 20,000 persons, cProfile: of
10.5 profiled seconds, the rule ``evaluate`` took 0.9). Here the subjects go into a temporary id
table (``linkage.feature_store.load_ids``), their facts come back from one joined statement per
chunk as cursor tuples (the children of a report and the help trajectories joined in SQL), and
new results go out through ``linkage.services.bulk_insert`` (COPY on PostgreSQL, ``executemany``
on SQLite); superseded, refreshed and corrected rows each in one statement.

No rule lives here: which reports count, how they group, what colour they give is
``domain.colour.evaluate`` and ``domain.worklists.work_items``, called by ``services.recolour``
on the facts read here. The facts are the same ``ReportFact``/``HelpFact`` values the ORM readers
(``services.address_facts``/``household_facts``) give; ``tests/test_colour_bulk.py`` holds both
to it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction

from zicht.linkage.feature_store import copy_rows, join, load_ids
from zicht.linkage.models import HouseholdMember, PersonLink
from zicht.linkage.services import bulk_insert
from zicht.registry.models import Report, ReportParty, current_report_sql

from ..domain.colour import HelpFact, ReportFact
from ..domain.subjects import subject_key
from .models import ColourResult, Hulptraject, WorklistItem

SUBJECT_IDS = "zicht_colour_subject_ids"  # the chunk's addresses or households
REPORT_IDS = "zicht_colour_report_ids"  # a household chunk's reports
ROW_IDS = "zicht_colour_row_ids"  # ColourResult ids to supersede or refresh
PERSON_IDS = "zicht_colour_person_ids"  # recolour_batch: the batch's persons
UPDATES = "zicht_colour_updates"  # current results corrected in place

# The stored result's content, in this order (``current`` reads it, ``write`` writes it).
CONTENT = (
    "colour",
    "colour_rank",
    "ruleset_version",
    "ruleset_sha256",
    "reasons",
    "rule_ids",
    "events",
    "reports",
    "last_report_date",
    "aarden",
    "buurt",
    "wijk",
    "gemeente",
)
DETAILS = CONTENT[3:]  # what may change while colour, rule ids and rule-set version stay: corrected in place
COLUMNS = ("subject_type", "subject_key", "address", "household", *CONTENT, "evaluated_at", "is_current")


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


class _Values:
    """Database values to Python values as the ORM gives them (SQLite hands back text for dates
    and JSON); the few distinct dates and ``vormen`` lists are converted once."""

    def __init__(self):
        self.dates: dict = {}
        self.lists: dict = {}

    def date(self, value) -> date | None:
        if value is None or isinstance(value, date):
            return value
        out = self.dates.get(value)
        if out is None:
            out = self.dates[value] = date.fromisoformat(value)
        return out

    def vormen(self, value) -> tuple[str, ...]:
        if isinstance(value, list):
            return tuple(value)
        out = self.lists.get(value)
        if out is None:
            out = self.lists[value] = tuple(json.loads(value) or ()) if value else ()
        return out


def _report_select(by: str) -> str:
    """The columns of a ReportFact, and whether a child is party to the report, per report joined
    ``by`` the temporary id table ``t`` (``address``: reports at the addresses; ``id``: the reports)."""
    r, p = _t(Report), _t(ReportParty)
    on = f"r.{_c(Report, 'address')} = t.id" if by == "address" else "r.id = t.id"
    table = SUBJECT_IDS if by == "address" else REPORT_IDS
    cols = ", ".join(f"r.{_c(Report, f)}" for f in ("address", "datum", "source", "soort", "aard", "vormen"))
    flags = ", ".join(f"r.{_c(Report, f)}" for f in ("kinderen_aanwezig", "letsel", "wapen", "huisverbod"))
    child = f"EXISTS (SELECT 1 FROM {p} p WHERE p.{_c(ReportParty, 'report')} = r.id AND p.{_c(ReportParty, 'rol')} = 'kind')"
    return f"SELECT r.id, {cols}, {flags}, {child} FROM {table} t {join()} {r} r ON {on} WHERE {current_report_sql('r')}"


def _facts(cursor, sql: str, values: _Values) -> list[tuple[int | None, ReportFact]]:
    """(address id, fact) per report row of ``_report_select`` (the rule of ``services._fact``)."""
    cursor.execute(sql)
    out = []
    for rid, address_id, datum, source_id, soort, aard, vormen, kinderen, letsel, wapen, huisverbod, child in cursor.fetchall():
        fact = ReportFact(
            id=rid,
            datum=values.date(datum),
            source=str(source_id),
            soort=soort,
            aard=aard,
            vormen=values.vormen(vormen),
            kinderen=bool(kinderen) or bool(child) or aard == "kindermishandeling",
            letsel=bool(letsel),
            wapen=bool(wapen),
            huisverbod=bool(huisverbod),
        )
        out.append((address_id, fact))
    return out


def load_subjects(ids) -> None:
    """The chunk's addresses or households into the temporary id table the readers below join.

    Call inside a transaction: on SQLite each INSERT outside one is a transaction of its own on
    the temporary table's file (measured: 100,000 ids 2.2 CPU s and 14 s wall in autocommit,
    0.09 CPU s in a transaction)."""
    with connection.cursor() as cursor:
        load_ids(cursor, ids, SUBJECT_IDS)


def address_facts() -> dict[int, list[ReportFact]]:
    """The current reports at the loaded addresses, as facts per address (one statement)."""
    values = _Values()
    facts: dict[int, list[ReportFact]] = defaultdict(list)
    with connection.cursor() as cursor:
        for address_id, fact in _facts(cursor, _report_select("address"), values):
            facts[address_id].append(fact)
    return facts


def report_facts(report_ids) -> dict[int, ReportFact]:
    """These reports (the current ones among them) as facts by id (one statement)."""
    with connection.cursor() as cursor:
        load_ids(cursor, report_ids, REPORT_IDS)
        return {fact.id: fact for _, fact in _facts(cursor, _report_select("id"), _Values())}


def help_facts(subject_type: str) -> dict[int, list[HelpFact]]:
    """Help trajectories per loaded address or household (latest start first, as the ORM's ordering)."""
    field = "address" if subject_type == "address" else "household"
    h, col = _t(Hulptraject), _c(Hulptraject, field)
    values = _Values()
    out: dict[int, list[HelpFact]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.{col}, h.id, h.{_c(Hulptraject, 'start')}, h.{_c(Hulptraject, 'einde')} "
            f"FROM {SUBJECT_IDS} t {join()} {h} h ON h.{col} = t.id "
            f"ORDER BY h.{_c(Hulptraject, 'start')} DESC, h.id"
        )
        for subject, pk, start, einde in cursor.fetchall():
            out[subject].append(HelpFact(pk, values.date(start), values.date(einde)))
    return out


def current(subject_type: str) -> dict[int, tuple]:
    """The current result per loaded subject: (row id, *CONTENT) with Python values (``reasons`` a list)."""
    field = "address" if subject_type == "address" else "household"
    c, col = _t(ColourResult), _c(ColourResult, field)
    cols = ", ".join(f"c.{_c(ColourResult, f)}" for f in CONTENT)
    values = _Values()
    reasons_at, date_at = 1 + CONTENT.index("reasons"), 1 + CONTENT.index("last_report_date")
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.{col}, c.id, {cols} FROM {SUBJECT_IDS} t {join()} {c} c ON c.{col} = t.id "
            f"WHERE c.{_c(ColourResult, 'is_current')} AND c.{_c(ColourResult, 'subject_type')} = %s",
            [subject_type],
        )
        for subject, *row in cursor.fetchall():
            if isinstance(row[reasons_at], str):
                row[reasons_at] = json.loads(row[reasons_at])
            row[date_at] = values.date(row[date_at])
            out[subject] = tuple(row)
    return out


def known_items(subject_type: str) -> set[tuple[str, str, int]]:
    """(kind, subject key, trigger report) of the worklist items the loaded subjects already have."""
    field = "address" if subject_type == "address" else "household"
    w, col = _t(WorklistItem), _c(WorklistItem, field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.{_c(WorklistItem, 'kind')}, w.{_c(WorklistItem, 'subject_key')}, w.{_c(WorklistItem, 'trigger_report')} "
            f"FROM {SUBJECT_IDS} t {join()} {w} w ON w.{col} = t.id"
        )
        return {tuple(row) for row in cursor.fetchall()}


def _db_value(field: str, value):
    """A Python value as ``bulk_insert`` and the update statements take it."""
    if field == "reasons":
        return json.dumps(value)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def write(subject_type: str, new: list[tuple], superseded: list[int], refreshed: list[int], corrected: list[tuple], now: datetime) -> None:
    """Store one chunk's outcome: ``superseded`` rows stop being current, ``new`` results (``COLUMNS``
    order, the subject's id first instead of the columns before ``colour``) are inserted,
    ``corrected`` current rows ((row id, *DETAILS)) get their details and ``refreshed`` rows only the
    time of evaluation. Call inside the chunk's transaction."""
    t = ColourResult._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if superseded:
            load_ids(cursor, superseded, ROW_IDS)
            cursor.execute(
                f"UPDATE {t} SET {_c(ColourResult, 'is_current')} = %s, {_c(ColourResult, 'superseded_at')} = %s "
                f"WHERE id IN (SELECT id FROM {ROW_IDS})",
                [False, stamp],
            )
        if refreshed or corrected:
            load_ids(cursor, refreshed + [row[0] for row in corrected], ROW_IDS)
            cursor.execute(f"UPDATE {t} SET {_c(ColourResult, 'evaluated_at')} = %s WHERE id IN (SELECT id FROM {ROW_IDS})", [stamp])
        if corrected:
            _correct(cursor, t, corrected)
    rows = []
    address = subject_type == "address"
    for pk, *content in new:
        db = [_db_value(f, v) for f, v in zip(CONTENT, content, strict=True)]
        rows.append((subject_type, subject_key(subject_type, pk), pk if address else None, None if address else pk, *db, stamp, True))
    bulk_insert(ColourResult, COLUMNS, rows)


def _correct(cursor, table: str, corrected: list[tuple]) -> None:
    """The details of current rows in one ``UPDATE … FROM`` a temporary table of the same column
    types (the pattern of ``feature_store.write_links``)."""
    cols = [_c(ColourResult, f) for f in DETAILS]
    listed = ", ".join(cols)
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {UPDATES} AS SELECT id, {listed} FROM {table} WHERE 1 = 0")
    cursor.execute(f"DELETE FROM {UPDATES}")
    copy_rows(
        cursor, UPDATES, ("id", *cols), [(row[0], *(_db_value(f, v) for f, v in zip(DETAILS, row[1:], strict=True))) for row in corrected]
    )
    cursor.execute(f"UPDATE {table} SET {', '.join(f'{c} = u.{c}' for c in cols)} FROM {UPDATES} u WHERE {table}.id = u.id")


def batch_households(person_ids, address_ids) -> list[int]:
    """The households of these persons and of everyone reported at these addresses (current
    reports), through their linked persons: one statement (in a transaction: ``load_subjects``)."""
    r, p, pl, hm = _t(Report), _t(ReportParty), _t(PersonLink), _t(HouseholdMember)
    person, linked, household = _c(ReportParty, "person"), _c(PersonLink, "linked_person"), _c(HouseholdMember, "household")
    with transaction.atomic(), connection.cursor() as cursor:
        load_ids(cursor, person_ids, PERSON_IDS)
        load_ids(cursor, address_ids, SUBJECT_IDS)
        cursor.execute(
            f"SELECT DISTINCT hm.{household} FROM ("
            f"SELECT id AS person_id FROM {PERSON_IDS} UNION "
            f"SELECT p.{person} FROM {SUBJECT_IDS} t {join()} {r} r ON r.{_c(Report, 'address')} = t.id "
            f"{join()} {p} p ON p.{_c(ReportParty, 'report')} = r.id WHERE {current_report_sql('r')}"
            f") x {join()} {pl} pl ON pl.{_c(PersonLink, 'person')} = x.person_id "
            f"{join()} {hm} hm ON hm.{_c(HouseholdMember, 'linked_person')} = pl.{linked}"
        )
        return sorted(row[0] for row in cursor.fetchall())
