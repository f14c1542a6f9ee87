"""The address page's reads as a few fixed SQL statements (SQLite and PostgreSQL, parameters bound).

The address page is the most opened page with personal data. Built with the ORM, its seven
small queries cost more Python than the database needs to answer them; these statements are
written once, and their rows are turned into plain dicts here. What they read and the rules
they apply are the same as the ORM versions (the region scope comes from
``zicht.access.scoping.address_scope_sql``; the active-signal condition from
``Signal.active_sql``). ``tests/test_queries_equivalence.py`` compares every statement with an ORM
reference on a fixed data set, scoped-out addresses included.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache

from django.conf import settings
from django.db import connection

from zicht.core.crypto import cipher
from zicht.geo.models import Buurt, Wijk
from zicht.linkage.models import HouseholdMember, PersonLink
from zicht.registry.models import Address, Organisation, Person, Report, ReportParty, current_report_sql

from ..pages import address_text
from ..verwijsindex.models import Signal
from .models import ColourResult, Hulptraject, WorklistItem


@cache
def _tables() -> dict[str, str]:
    models = {
        "address": Address,
        "buurt": Buurt,
        "wijk": Wijk,
        "report": Report,
        "party": ReportParty,
        "person": Person,
        "org": Organisation,
        "link": PersonLink,
        "member": HouseholdMember,
        "colour": ColourResult,
        "help": Hulptraject,
        "work": WorklistItem,
        "signal": Signal,
    }
    return {name: model._meta.db_table for name, model in models.items()}


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def aware(value):
    """A DateTimeField value from a raw row: SQLite returns it naive (stored in UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and settings.USE_TZ and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def as_bool(value):
    return None if value is None else bool(value)


def address_in_scope(pk: int, scope_sql: str, scope_params: list) -> dict | None:
    """The address with its buurt and wijk, only if the scope condition holds: one query loads and authorises."""
    t = _tables()
    rows = _rows(
        f"SELECT a.id, a.postcode, a.huisnummer, a.toevoeging, a.straat, a.woonplaats, b.naam, w.naam "
        f"FROM {t['address']} a LEFT JOIN {t['buurt']} b ON b.code = a.buurt_id LEFT JOIN {t['wijk']} w ON w.code = b.wijk_id "
        f"WHERE a.id = %s AND {scope_sql}",
        [pk, *scope_params],
    )
    if not rows:
        return None
    r = rows[0]
    return {
        "id": r[0],
        "postcode": r[1],
        "huisnummer": r[2],
        "toevoeging": r[3],
        "straat": r[4],
        "woonplaats": r[5],
        "buurt": r[6],
        "wijk": r[7],
    }


def address_label(a: dict) -> str:
    """``str(Address)`` from the row above (tested to match)."""
    return address_text(a["straat"], a["huisnummer"], a["toevoeging"], a["postcode"], a["woonplaats"])


PERSON_FIELDS = ("voornamen", "tussenvoegsel", "achternaam", "geboortedatum")


def address_reports(pk: int) -> list[dict]:
    """The address's reports, newest first, each with its parties; every person is decrypted once.

    The same shape as ``subject.report_rows`` (``parties__*`` keys), so the timeline code is shared.
    """
    t = _tables()
    rows = _rows(
        f"SELECT r.id, r.datum, r.soort, r.aard, r.vormen, r.letsel, r.wapen, r.huisverbod, r.kinderen_aanwezig, r.created_at, o.naam, "
        f"p.id, p.rol, p.person_id, pe.voornamen, pe.tussenvoegsel, pe.achternaam, pe.geboortedatum, l.linked_person_id "
        f"FROM {t['report']} r INNER JOIN {t['org']} o ON o.id = r.source_id "
        f"LEFT JOIN {t['party']} p ON p.report_id = r.id LEFT JOIN {t['person']} pe ON pe.id = p.person_id "
        f"LEFT JOIN {t['link']} l ON l.person_id = pe.id "
        f"WHERE r.address_id = %s AND {current_report_sql('r')} ORDER BY r.datum DESC, r.id DESC, p.id",
        [pk],
    )
    decrypt = cipher().decrypt
    places = [Person._meta.get_field(name).place for name in PERSON_FIELDS]
    persons: dict[int, tuple] = {}
    reports: dict[int, dict] = {}
    for (
        rid,
        datum,
        soort,
        aard,
        vormen,
        letsel,
        wapen,
        huisverbod,
        kinderen,
        created,
        source,
        party_id,
        rol,
        person_id,
        voornamen,
        tussenvoegsel,
        achternaam,
        geboortedatum,
        linked,
    ) in rows:
        report = reports.get(rid)
        if report is None:
            report = reports[rid] = {
                "id": rid,
                "datum": as_date(datum),
                "soort": soort,
                "aard": aard,
                "vormen": as_json(vormen),
                "letsel": as_bool(letsel),
                "wapen": as_bool(wapen),
                "huisverbod": as_bool(huisverbod),
                "kinderen_aanwezig": as_bool(kinderen),
                "created_at": aware(created),
                "source__naam": source,
                "address_id": pk,
                "parties": [],
            }
        if party_id is None:
            continue
        person = persons.get(person_id)
        if person is None:
            # Checked against the column and row, as the ORM field would: a token moved here from another row fails.
            person = persons[person_id] = tuple(
                decrypt(value, where, person_id)
                for value, where in zip((voornamen, tussenvoegsel, achternaam, geboortedatum), places, strict=True)
            )
        report["parties"].append(
            {
                "parties__id": party_id,
                "parties__rol": rol,
                "parties__person_id": person_id,
                "parties__person__voornamen": person[0],
                "parties__person__tussenvoegsel": person[1],
                "parties__person__achternaam": person[2],
                "parties__person__geboortedatum": person[3],
                "parties__person__link__linked_person_id": linked,
            }
        )
    return list(reports.values())


HISTORY_LIMIT = 20


def colour_history(key: str, limit: int = HISTORY_LIMIT) -> tuple[dict | None, list[dict]]:
    """The last ``limit`` colour results, newest first, and the current one (with its reasons) among them."""
    t = _tables()
    rows = _rows(
        f"SELECT id, colour, ruleset_version, rule_ids, evaluated_at, superseded_at, is_current, events, reports, reasons "
        f"FROM {t['colour']} WHERE subject_key = %s ORDER BY evaluated_at DESC, id DESC LIMIT {int(limit)}",
        [key],
    )
    history, current = [], None
    for rid, colour, version, rule_ids, evaluated, superseded, is_current, events, n_reports, reasons in rows:
        item = {
            "id": rid,
            "colour": colour,
            "ruleset_version": version,
            "rule_ids": rule_ids,
            "evaluated_at": aware(evaluated),
            "superseded_at": aware(superseded),
            "is_current": bool(is_current),
        }
        if item["is_current"] and current is None:
            current = {**item, "events": events, "reports": n_reports, "reasons": as_json(reasons) or []}
        history.append(item)
    if current is None and history:  # never expected: a history longer than the limit must not hide the current result
        found = _rows(f"SELECT id FROM {t['colour']} WHERE subject_key = %s AND is_current = %s", [key, True])
        if found:
            return colour_history(key, limit=10_000)
    return current, history


def open_work_items(key: str) -> list[tuple[str, str, dict]]:
    """(kind, stored text, evidence) of the subject's open work items, newest first."""
    t = _tables()
    rows = _rows(
        f"SELECT kind, text, evidence FROM {t['work']} WHERE subject_key = %s AND status = %s ORDER BY trigger_date DESC, id DESC",
        [key, "open"],
    )
    return [(kind, text, json.loads(evidence) if isinstance(evidence, str) else evidence) for kind, text, evidence in rows]


def address_help(pk: int) -> list[dict]:
    """Help trajectories at the address, the latest start first (the model's ordering)."""
    t = _tables()
    rows = _rows(
        f"SELECT h.id, h.soort, o.naam, h.start, h.einde, h.uitkomst FROM {t['help']} h INNER JOIN {t['org']} o ON o.id = h.organisation_id "
        f"WHERE h.address_id = %s ORDER BY h.start DESC, h.id",
        [pk],
    )
    return [
        {"id": r[0], "soort": r[1], "organisation": r[2], "start": as_date(r[3]), "einde": as_date(r[4]), "uitkomst": r[5]} for r in rows
    ]


def address_households(pk: int) -> list[tuple[int, str | None]]:
    """Households with a member at the address, with their current colour (None before the first)."""
    t = _tables()
    return _rows(
        f"SELECT DISTINCT m.household_id, c.colour FROM {t['member']} m "
        f"LEFT JOIN {t['colour']} c ON c.household_id = m.household_id AND c.is_current = %s "
        f"WHERE m.address_id = %s ORDER BY m.household_id",
        [True, pk],
    )


def signal_organisations(linked_ids, today: date) -> list[str]:
    """Organisations with an active verwijsindex signal about any of these linked persons."""
    ids = sorted({int(i) for i in linked_ids if i})
    if not ids:
        return []
    t = _tables()
    active_sql, active_params = Signal.active_sql("s", today)
    rows = _rows(
        f"SELECT DISTINCT o.naam FROM {t['signal']} s INNER JOIN {t['org']} o ON o.id = s.organisation_id "
        f"WHERE s.linked_person_id IN ({', '.join(['%s'] * len(ids))}) AND {active_sql}",
        [*ids, *active_params],
    )
    return sorted(r[0] for r in rows)
