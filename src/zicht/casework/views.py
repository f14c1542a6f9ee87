"""Casework pages: addresses and households by colour, the address/household page, worklists,
signals (verwijsindex), the coordinator inbox and the Meldcode.

Access: address, household, list and worklist pages only for the ketenregisseur; signals and
Meldcode cases only for professionals of the organisation that owns them (another
organisation's signal is a 404, not a 403, so its existence leaks nothing). Every page that
shows personal data writes to the access log.
"""

from __future__ import annotations

import csv
import functools
import html
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from zicht.access.purpose import REASONS, with_purpose
from zicht.access.roles import FUNCTIONEEL_BEHEERDER, KETENREGISSEUR, PRIVACY_OFFICER, PROFESSIONAL
from zicht.access.domain.scope import REGION
from zicht.access.rules import log_access, requires, user_organisation
from zicht.access.scoping import address_scope_sql, get_visible_or_404, scope_for, visible_households, visible_linked_persons
from zicht.geo.models import Wijk
from zicht.linkage.models import Household, HouseholdMember, PersonLink
from zicht.registry.models import Address, Report, ReportParty

from . import caching, forms as f, queries
from .domain import meldcode as mc
from .domain.colour import COLOUR_LABELS, RANK
from .domain.stacking import is_active, SignalFact
from .domain.worklists import KINDS as WORK_KINDS
from .models import ColourResult, Hulptraject, MeldcodeCase, Signal, SignalMatch, WorklistItem, subject_key
from .rulesets import all_rulesets, current_ruleset, stacking_rules
from .services import household_report_ids, recolour
from .signals import counterpart_contacts, register_signal, withdraw_signal
from .workflow import answer_case

PAGE_SIZE = 50


class WijkChoice(NamedTuple):
    code: str
    naam: str


# --- small helpers -------------------------------------------------------------------------

def full_name(person) -> str:
    return " ".join(p for p in (person.voornamen, person.tussenvoegsel, person.achternaam) if p) or f"Persoon #{person.pk}"


def initials(person) -> str:
    parts = [p[0].upper() + "." for p in (person.voornamen or "").split()[:2]]
    tail = "".join(w[0] for w in f"{person.tussenvoegsel or ''} {person.achternaam or ''}".split())
    return ("".join(parts) + " " + tail).strip() or f"#{person.pk}"


def birth_date(person) -> date | None:
    try:
        return date.fromisoformat(person.geboortedatum) if person.geboortedatum else None
    except ValueError:
        return None


def age(person, today: date) -> int | None:
    return age_from(person.geboortedatum, today)


def _page(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _own_org(request):
    org = user_organisation(request.user)
    if org is None:
        raise PermissionDenied("Uw account is niet aan een organisatie gekoppeld.")
    return org


def _wijken(gemeenten: tuple[str, ...]):
    """Wijken of the user's region that have a colour result, as (code, naam) pairs.

    A DISTINCT over all current results: cached in the shared cache per region and casework
    version (not personal: area names only).
    """
    def build():
        codes = ColourResult.objects.filter(is_current=True, wijk__isnull=False).values_list("wijk_id", flat=True).distinct()
        return [WijkChoice(c, n) for c, n in Wijk.objects.filter(code__in=codes, gemeente_id__in=gemeenten).order_by("naam").values_list("code", "naam")]

    return caching.get_or_build(("wijken", ",".join(gemeenten)), build)


# --- colour list -----------------------------------------------------------------------------

def _region_codes(user) -> tuple[str, ...]:
    """The gemeenten a ketenregisseur may see (their Veilig Thuis region); empty = nothing."""
    scope = scope_for(user)
    return tuple(sorted(scope.gemeente_codes)) if scope.kind == REGION else ()


def _filtered_results(data: dict, codes: tuple[str, ...]):
    subject = data.get("subject") or "address"
    qs = ColourResult.objects.filter(is_current=True, subject_type=subject, gemeente_id__in=codes)
    if data.get("kleur"):
        qs = qs.filter(colour_rank=RANK[data["kleur"]])  # the rank is in the list indexes, the name is not
    if data.get("wijk"):
        qs = qs.filter(wijk_id=data["wijk"])
    if data.get("periode"):
        qs = qs.filter(last_report_date__gte=timezone.localdate() - timedelta(days=round(int(data["periode"]) * 30.44)))
    if data.get("aard"):
        qs = qs.filter(aarden__contains=f"|{data['aard']}|")
    return subject, qs


def _colour_counts(data: dict, codes: tuple[str, ...]) -> dict:
    """Counts per colour for the filter without the colour itself: a big GROUP BY, so cached
    (shared, per region and filter) until the next recolour changes something."""
    base = {k: v for k, v in data.items() if k != "kleur" and v}

    def build():
        _, qs = _filtered_results(base, codes)
        return {row["colour"]: row["n"] for row in qs.values("colour").annotate(n=Count("id")).order_by()}

    return caching.get_or_build(("counts", ",".join(codes), "&".join(f"{k}={v}" for k, v in sorted(base.items()))), build)


# Keyset pagination: the list is ordered by (colour_rank, last_report_date with the undated
# first, id), all descending, which is exactly a backward scan of colour_list_idx /
# colour_wijk_idx: PostgreSQL reads 51 index entries and stops, with no sort. The "Volgende"
# link carries the last row's key, so page 100 costs what page 1 costs (no OFFSET).
LIST_ORDER = ("-colour_rank", F("last_report_date").desc(nulls_first=True), "-id")


def parse_cursor(value: str | None) -> tuple[int, date | None, int] | None:
    """'rank.yyyy-mm-dd.id' (date empty for an undated result); None when absent or malformed."""
    try:
        rank, day, pk = (value or "").split(".")
        return int(rank), (date.fromisoformat(day) if day else None), int(pk)
    except ValueError:
        return None


def cursor_of(rank: int, day: date | None, pk: int) -> str:
    return f"{rank}.{day.isoformat() if day else ''}.{pk}"


def _after(qs, cursor: tuple[int, date | None, int]):
    """Rows after the cursor in LIST_ORDER."""
    rank, day, pk = cursor
    if day is not None:
        # A row comparison is an index condition: the scan starts at the cursor. Undated rows
        # sort before dated ones of their rank, and a NULL only matters once the ranks are equal,
        # so they are correctly left out here.
        table = connection.ops.quote_name(ColourResult._meta.db_table)
        columns = ", ".join(f"{table}.{connection.ops.quote_name(c)}" for c in ("colour_rank", "last_report_date", "id"))
        return qs.filter(RawSQL(f"({columns}) < (%s, %s, %s)", (rank, day, pk), output_field=BooleanField()))
    # Within the undated rows of a rank (rare: a subject whose reports were all removed).
    same_rank = Q(last_report_date__isnull=False) | Q(last_report_date__isnull=True, id__lt=pk)
    return qs.filter(Q(colour_rank__lt=rank) | (Q(colour_rank=rank) & same_rank), colour_rank__lte=rank)


def _e(value) -> str:
    """HTML-escape a cell (quotes included); the stdlib escape, without Django's lazy-string checks."""
    return html.escape(str(value))


def _list_rows_html(rows: list[dict]) -> str:
    """The list's 50 table rows, every value escaped (the template engine costs more per cell)."""
    return mark_safe("".join(
        f'<tr><td><a href="{_e(r["url"])}">{_e(r["label"])}</a></td><td>{_e(r["buurt"])}</td>'
        f'<td><span class="badge badge--{_e(r["colour"])}">{_e(r["colour"].capitalize())}</span></td><td>{_e(r["reason"])}</td>'
        f'<td class="num">{_e(r["events"])}</td><td>{_e(r["last"])}</td></tr>\n'
        for r in rows
    ))


def _options_html(choices, value: str) -> str:
    return mark_safe("".join(
        f'<option value="{_e(v)}"{" selected" if str(v) == value else ""}>{_e(text)}</option>' for v, text in choices
    ))


LIST_COLUMNS = ("id", "address_id", "household_id", "buurt__naam", "colour", "colour_rank", "events", "last_report_date",
                "address__straat", "address__huisnummer", "address__toevoeging", "address__postcode", "address__woonplaats")


@requires(KETENREGISSEUR, personal_data=True)
def colour_list(request):
    codes = _region_codes(request.user)
    form = f.ColourFilterForm(request.GET or None, wijken=_wijken(codes))
    data = form.cleaned_data if form.is_valid() else {}
    subject, qs = _filtered_results(data, codes)
    cursor = parse_cursor(request.GET.get("na"))
    page = 1
    if cursor:
        qs, page = _after(qs, cursor), max(2, _page(request))  # the page number only labels the caption
    found = list(qs.order_by(*LIST_ORDER).values(*LIST_COLUMNS, reason=KT("reasons__0__text"))[: PAGE_SIZE + 1])
    has_next = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    address_url, household_url = reverse("casework:address", args=[0])[:-2], reverse("casework:household", args=[0])[:-2]
    rows = [
        {
            "url": f"{address_url}{r['address_id']}/" if r["address_id"] else f"{household_url}{r['household_id']}/",
            "label": _address_label(r) if r["address_id"] else f"Huishouden #{r['household_id']}",
            "buurt": r["buurt__naam"] or "onbekend",
            "colour": r["colour"],
            "reason": r["reason"] or "",
            "events": r["events"],
            "last": _date_text(r["last_report_date"]) or "—",
        }
        for r in found
    ]
    counts = _colour_counts(data, codes)
    log_access(request, action="view", record_type="colour_list", record_id=f"{subject}:p{page}:{request.GET.get('na', '')}"[:80],
               reason="Overzicht adressen en huishoudens per kleur")
    query = request.GET.copy()
    for param in ("page", "na"):
        query.pop(param, None)
    last = found[-1] if found else None
    return render(
        request,
        "casework/colour_list.html",
        {
            "form": form,
            "rows": rows,
            "subject": subject,
            "page": page,
            "has_next": has_next,
            "next_cursor": cursor_of(last["colour_rank"], last["last_report_date"], last["id"]) if last else "",
            "query": query.urlencode(),
            "counts": [(c, COLOUR_LABELS[c], counts.get(c, 0)) for c in ("rood", "oranje", "geel", "groen")],
            # plain selects: Django's widget templates cost more than the whole result table
            "rows_html": _list_rows_html(rows),
            "filters": [
                {"name": name, "label": field.label, "value": str(data.get(name) or ""),
                 "options": _options_html(field.choices, str(data.get(name) or ""))}
                for name, field in form.fields.items()
            ],
            "export_reasons": REASONS,
        },
    )


@requires(KETENREGISSEUR, personal_data=True)
def colour_export(request):
    """CSV for the casusoverleg: colour, reasons, counts, persons (initials unless asked and logged)."""
    export = f.ExportForm(request.GET)
    if not export.is_valid():
        messages.error(request, "Kies de reden van de export.")
        return redirect(f"{reverse('casework:colour_list')}?{request.GET.urlencode()}")
    filters = f.ColourFilterForm(request.GET, wijken=_wijken(_region_codes(request.user)))
    data = filters.cleaned_data if filters.is_valid() else {}
    subject, qs = _filtered_results(data, _region_codes(request.user))
    qs = qs.select_related("address", "buurt", "wijk").order_by("-colour_rank", "-last_report_date", "id")[:5000]
    names = export.cleaned_data["namen"]
    reason = dict(REASONS)[export.cleaned_data["reason"]]
    log_access(request, action="export", record_type="colour_list", record_id=f"{subject}:{'namen' if names else 'initialen'}", reason=reason)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zicht-{subject}-kleuren-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["niveau", "id", "adres", "buurt", "wijk", "kleur", "regelset", "redenen", "gebeurtenissen", "registraties", "laatste registratie", "betrokkenen"])
    results = list(qs)
    persons = _persons_for_results(results)
    for r in results:
        label = str(r.address) if r.address_id else f"Huishouden #{r.household_id}"
        people = persons.get(r.subject_key, [])
        shown = ", ".join(f"{full_name(p) if names else initials(p)} ({rol})" for p, rol in people)
        writer.writerow([
            r.get_subject_type_display(), r.address_id or r.household_id, label, r.buurt.naam if r.buurt else "",
            r.wijk.naam if r.wijk else "", r.get_colour_display(), r.ruleset_version,
            " | ".join(x["text"] for x in r.reasons), r.events, r.reports,
            r.last_report_date.isoformat() if r.last_report_date else "", shown,
        ])
    return response


def _persons_for_results(results) -> dict[str, list]:
    from zicht.registry.models import ReportParty

    out: dict[str, list] = {}
    address_ids = [r.address_id for r in results if r.address_id]
    seen = set()
    for party in ReportParty.objects.filter(report__address_id__in=address_ids).select_related("person", "report").order_by("report__datum"):
        key = subject_key("address", party.report.address_id)
        if (key, party.person_id) in seen:
            continue
        seen.add((key, party.person_id))
        out.setdefault(key, []).append((party.person, party.get_rol_display().lower()))
    hh_ids = [r.household_id for r in results if r.household_id]
    for member in HouseholdMember.objects.filter(household_id__in=hh_ids).select_related("linked_person"):
        link = PersonLink.objects.filter(linked_person_id=member.linked_person_id).select_related("person").first()
        if link:
            out.setdefault(subject_key("household", member.household_id), []).append((link.person, "lid"))
    return out


# --- address and household pages ----------------------------------------------------------------
#
# One page view reads the address (scope-checked), its colour history (the current result
# among it), every report with its parties, persons and links in one joined query, and the
# small lists (households, open work items, help, signals): about ten queries whatever the
# number of reports. Rows are turned into ready-made strings here, so the template only
# prints them.

REPORT_COLUMNS = ("id", "datum", "kind", "aard", "vormen", "letsel", "wapen", "huisverbod", "kinderen_aanwezig", "created_at",
                  "source__naam", "address_id")
PARTY_COLUMNS = ("parties__id", "parties__rol", "parties__person_id", "parties__person__voornamen", "parties__person__tussenvoegsel",
                 "parties__person__achternaam", "parties__person__geboortedatum", "parties__person__link__linked_person_id")
ADDRESS_COLUMNS = ("address__straat", "address__huisnummer", "address__toevoeging", "address__postcode", "address__woonplaats")


@functools.cache
def _labels(model, field: str) -> dict:
    """Choice labels of a field (fixed per process)."""
    return {k: str(v) for k, v in model._meta.get_field(field).flatchoices}


def _date_text(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _datetime_text(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def age_from(geboortedatum: str | None, today: date) -> int | None:
    try:
        born = date.fromisoformat(geboortedatum) if geboortedatum else None
    except ValueError:
        return None
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _report_rows(qs, with_address: bool = False) -> list[dict]:
    """Reports with their parties (persons, links) from one LEFT-joined query, newest first."""
    columns = REPORT_COLUMNS + PARTY_COLUMNS + (ADDRESS_COLUMNS if with_address else ())
    reports: dict[int, dict] = {}
    for row in qs.order_by("-datum", "-id", "parties__id").values(*columns):
        report = reports.get(row["id"])
        if report is None:
            report = reports[row["id"]] = {**row, "parties": []}
        if row["parties__id"] is not None:
            report["parties"].append(row)
    return list(reports.values())


def _features_text(report: dict) -> str:
    parts = list(report["vormen"] or [])
    parts += [label for flag, label in (("letsel", "letsel"), ("wapen", "wapen"), ("huisverbod", "huisverbod"),
                                        ("kinderen_aanwezig", "kinderen aanwezig")) if report[flag]]
    return ", ".join(parts) or "—"


def _address_label(row: dict) -> str:
    """``str(Address)`` from ``address__*`` values without building a model (tested to match)."""
    pc = row["address__postcode"] or ""
    return (f"{row['address__straat'] or ''} {row['address__huisnummer'] or ''}{row['address__toevoeging'] or ''}, "
            f"{pc[:4]} {pc[4:]} {row['address__woonplaats'] or ''}").strip()


def _timeline(reports: list[dict], today: date, evidence_ids: set[int], with_address: bool = False):
    """Timeline rows and persons as ready-made strings: the page renders them without lookups."""
    kinds, aarden, rollen = _labels(Report, "kind"), _labels(Report, "aard"), _labels(ReportParty, "rol")
    rows, persons = [], {}
    address_url = reverse("casework:address", args=[0])[:-2]
    for report in reports:
        roles = []
        for party in report["parties"]:
            rol = rollen.get(party["parties__rol"], party["parties__rol"])
            entry = persons.get(party["parties__person_id"])
            if entry is None:
                pid = party["parties__person_id"]
                names = (party["parties__person__voornamen"], party["parties__person__tussenvoegsel"], party["parties__person__achternaam"])
                entry = persons[pid] = {
                    "id": pid, "name": " ".join(p for p in names if p) or f"Persoon #{pid}",
                    "age": age_from(party["parties__person__geboortedatum"], today), "roles": set(),
                    "linked": party["parties__person__link__linked_person_id"], "sources": set(),
                }
            entry["roles"].add(rol)
            entry["sources"].add(report["source__naam"])
            roles.append(rol)
        rows.append({
            "id": report["id"],
            "datum": _date_text(report["datum"]),
            "kind": kinds.get(report["kind"], report["kind"]),
            "source": report["source__naam"],
            "aard": aarden.get(report["aard"], report["aard"]),
            "features": _features_text(report),
            "roles": ", ".join(roles),
            "evidence": report["id"] in evidence_ids,
            "address": _address_label(report) if with_address and report["address_id"] else "",
            "address_url": f"{address_url}{report['address_id']}/" if report["address_id"] else "",
        })
    people = sorted(persons.values(), key=lambda p: (p["age"] is None, -(p["age"] or 0)))
    for person in people:
        person["roles"] = ", ".join(sorted(person["roles"]))
        person["sources"] = ", ".join(sorted(person["sources"]))
    children = [p for p in people if (p["age"] is not None and p["age"] < 18) or "Kind (betrokken)" in p["roles"]]
    return rows, people, children


def _timeline_rows(timeline: list[dict], with_address: bool) -> str:
    """The timeline's table rows, every value escaped: the page's longest loop, built here
    because the template engine costs several times more per cell."""
    rows = []
    for r in timeline:
        address = ""
        if with_address:
            link = f'<a href="{_e(r["address_url"])}">{_e(r["address"] or "adres")}</a>' if r["address_url"] else ""
            address = f"<td>{link}</td>"
        evidence = ' <span class="note">(telt mee voor de kleur)</span>' if r["evidence"] else ""
        rows.append(
            f'<tr id="melding-{_e(r["id"])}"><td>{_e(r["datum"])}{evidence}</td><td>{_e(r["kind"])}</td><td>{_e(r["source"])}</td>'
            f'<td>{_e(r["aard"])}</td><td>{_e(r["features"])}</td><td>{_e(r["roles"])}</td>{address}</tr>\n'
        )
    return mark_safe("".join(rows))


def _reasons_with_evidence(result: dict | None, reports_by_id: dict[int, dict]):
    if not result:
        return []
    kinds = _labels(Report, "kind")
    out = []
    for reason in result["reasons"]:
        evidence = [
            {"id": i, "text": f"{kinds.get(reports_by_id[i]['kind'])} {reports_by_id[i]['source__naam']} {_date_text(reports_by_id[i]['datum'])}"}
            for i in reason.get("reports", [])
            if i in reports_by_id
        ]
        evidence_html = mark_safe(", ".join(f'<a href="#melding-{_e(r["id"])}">{_e(r["text"])}</a>' for r in evidence))
        out.append({**reason, "evidence": evidence, "evidence_html": evidence_html, "label": COLOUR_LABELS.get(reason["colour"], reason["colour"])})
    return out


def _colour_state(subject_type: str, pk: int, reports: list[dict]):
    """Current result and history; re-evaluated first when from an earlier day or older than a report."""
    key = subject_key(subject_type, pk)
    result, history = queries.colour_history(key)
    stale = result is None or timezone.localdate(result["evaluated_at"]) < timezone.localdate()
    if not stale:
        stale = any(r["created_at"] and r["created_at"] > result["evaluated_at"] for r in reports)
    if stale:
        recolour(subject_type, [pk])
        result, history = queries.colour_history(key)
    return result, history


def _history_rows(history: list[dict]) -> str:
    """The colour history's table rows, every value escaped."""
    return mark_safe("".join(
        f'<tr><td>{_e(_datetime_text(h["evaluated_at"]))}</td><td><span class="badge badge--{_e(h["colour"])}">'
        f'{_e(COLOUR_LABELS.get(h["colour"], h["colour"]))}</span></td><td>{_e(h["ruleset_version"])}</td><td>{_e(h["rule_ids"])}</td>'
        f'<td>{_e(_datetime_text(h["superseded_at"]) or "huidig")}</td></tr>\n'
        for h in history
    ))


def _people_rows(people: list[dict]) -> str:
    """The persons table: names masked until 'Toon naam' (zicht.js), every value escaped."""
    if not people:
        return mark_safe('<tr><td colspan="5">Geen betrokkenen geregistreerd.</td></tr>\n')
    return mark_safe("".join(
        f'<tr><td><span class="masked" id="p-{p["id"]}">{_e(p["name"])}</span> <button type="button" class="button button--secondary" '
        f'data-reveal="p-{p["id"]}" aria-pressed="false">Toon naam</button></td>'
        f'<td class="num">{"?" if p["age"] is None else p["age"]}</td><td>{_e(p["roles"])}</td><td>{_e(p["sources"])}</td>'
        f'<td>{"#" + _e(p["linked"]) if p["linked"] else "niet gekoppeld"}</td></tr>\n'
        for p in people
    ))


def _help_rows(items: list[dict]) -> str:
    """Help trajectories (dicts of ``queries.address_help``) as table rows, each with its edit link."""
    if not items:
        return mark_safe('<tr><td colspan="6">Geen hulp vastgelegd.</td></tr>\n')
    soorten, uitkomsten = _labels(Hulptraject, "soort"), _labels(Hulptraject, "uitkomst")
    edit = reverse("casework:help_edit", args=[0])[:-2]
    return mark_safe("".join(
        f'<tr><td>{_e(soorten.get(h["soort"], h["soort"]))}</td><td>{_e(h["organisation"])}</td><td>{_date_text(h["start"])}</td>'
        f'<td>{_date_text(h["einde"]) or "loopt"}</td><td>{_e(uitkomsten.get(h["uitkomst"], h["uitkomst"]) or "—")}</td>'
        f'<td><a href="{edit}{h["id"]}/">Wijzigen of afsluiten</a></td></tr>\n'
        for h in items
    ))


def _subject_context(kind: str, pk: int, reports: list[dict], request, help_items: list[dict], with_address: bool = False) -> dict:
    today = timezone.localdate()
    result, history = _colour_state(kind, pk, reports)
    evidence_ids = {i for r in (result["reasons"] if result else []) for i in r.get("reports", [])}
    timeline, people, children = _timeline(reports, today, evidence_ids, with_address=with_address)
    kinds = dict(WORK_KINDS)
    return {
        "kind": kind,
        "result": result,
        "result_label": COLOUR_LABELS.get(result["colour"], result["colour"]) if result else "",
        "result_evaluated": _datetime_text(result["evaluated_at"]) if result else "",
        "reasons": _reasons_with_evidence(result, {r["id"]: r for r in reports}),
        "history_rows": _history_rows(history),
        "timeline": timeline,
        "timeline_rows": _timeline_rows(timeline, with_address),
        "people": people,
        "people_rows": _people_rows(people),
        "children": children,
        "help_rows": _help_rows(help_items),
        "work_items": [{"kind": kinds.get(k, k), "text": t} for k, t in queries.open_work_items(subject_key(kind, pk))],
        "reason_text": request.zicht_reason,
        "signal_orgs": queries.signal_organisations([p["linked"] for p in people], today),
    }


@requires(KETENREGISSEUR, personal_data=True)
@with_purpose("address", kwarg="pk")
def address_page(request, pk: int):
    """One query loads the address only if it lies in the user's region; the rest are fixed statements."""
    scope = address_scope_sql(scope_for(request.user), "a")
    address = queries.address_in_scope(pk, *scope) if scope else None
    if address is None:
        raise Http404("Adres niet gevonden")
    reports = queries.address_reports(pk)
    context = _subject_context("address", pk, reports, request, queries.address_help(pk))
    context.update({
        "title": queries.address_label(address),
        "address": address,
        "households": [{"id": h, "colour": c, "label": COLOUR_LABELS.get(c, "")} for h, c in queries.address_households(pk)],
        "help_url": f"{reverse('casework:help_new')}?adres={pk}",
    })
    return render(request, "casework/subject.html", context)


@requires(KETENREGISSEUR, personal_data=True)
@with_purpose("household", kwarg="pk")
def household_page(request, pk: int):
    household = get_visible_or_404(request.user, Household, pk)
    today = timezone.localdate()
    report_ids = household_report_ids([pk]).get(pk, set())
    reports = _report_rows(Report.objects.filter(id__in=report_ids), with_address=True)
    help_items = [
        {"id": h["id"], "soort": h["soort"], "organisation": h["organisation__naam"], "start": h["start"], "einde": h["einde"], "uitkomst": h["uitkomst"]}
        for h in Hulptraject.objects.filter(household=pk).values("id", "soort", "organisation__naam", "start", "einde", "uitkomst")
    ]
    context = _subject_context("household", pk, reports, request, help_items, with_address=True)
    members = list(household.members.select_related("address", "linked_person").order_by("-since"))
    persons = {
        link.linked_person_id: link.person
        for link in PersonLink.objects.filter(linked_person_id__in=[m.linked_person_id for m in members]).select_related("person").order_by("-id")
    }
    member_people = []
    for member in members:
        person = persons.get(member.linked_person_id)
        member_people.append({"member": member, "name": full_name(person) if person else f"Gekoppelde persoon #{member.linked_person_id}",
                              "age": age(person, today) if person else None})
    context.update({
        "title": f"Huishouden #{household.pk}",
        "household": household,
        "members": member_people,
        "signal_orgs": queries.signal_organisations([m["member"].linked_person_id for m in member_people], today),
        "help_url": f"{reverse('casework:help_new')}?huishouden={pk}",
    })
    return render(request, "casework/subject.html", context)


# --- help trajectories ---------------------------------------------------------------------------

def _help_subject(request, instance=None):
    if instance is not None:
        return ("address", instance.address_id) if instance.address_id else ("household", instance.household_id)
    for param, kind in (("adres", "address"), ("huishouden", "household")):
        value = request.GET.get(param) or request.POST.get(param)
        if value and value.isdigit():
            return kind, int(value)
    raise Http404("Geen adres of huishouden opgegeven")


@requires(KETENREGISSEUR, personal_data=True)
def help_form(request, pk: int | None = None):
    instance = get_object_or_404(Hulptraject, pk=pk) if pk else None  # its subject is scope-checked below
    kind, subject_id = _help_subject(request, instance)
    subject = get_visible_or_404(request.user, Address if kind == "address" else Household, subject_id)
    form = f.HulptrajectForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        traject = form.save(commit=False)
        if instance is None:
            traject.created_by = request.user
            setattr(traject, "address" if kind == "address" else "household", subject)
        traject.save()
        log_access(request, action="change" if instance else "create", record_type="hulptraject", record_id=traject.pk, reason="Hulptraject vastleggen")
        recolour(kind, [subject_id])
        messages.success(request, "Het hulptraject is opgeslagen; de kleur is opnieuw bepaald.")
        target = "casework:address" if kind == "address" else "casework:household"
        return redirect(target, pk=subject_id)
    return render(request, "casework/help_form.html", {"form": form, "subject": subject, "kind": kind, "instance": instance})


# --- worklists -----------------------------------------------------------------------------------

@requires(KETENREGISSEUR, personal_data=True)
def worklists(request):
    kind = request.GET.get("soort") or "recidive"
    if kind not in dict(WORK_KINDS):
        raise Http404("Onbekende werklijst")
    form = f.WorklistFilterForm(request.GET or None)
    form.fields["wijk"].queryset = Wijk.objects.filter(code__in=[w.code for w in _wijken(_region_codes(request.user))])
    status, wijk = "open", None
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        wijk = form.cleaned_data["wijk"]
    codes = _region_codes(request.user)
    qs = WorklistItem.objects.filter(kind=kind, status=status, gemeente_id__in=codes)
    if wijk:
        qs = qs.filter(wijk=wijk)
    page = _page(request)
    items = list(qs.select_related("address", "handled_by").order_by("-trigger_date", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    counts = dict(WorklistItem.objects.filter(status="open", gemeente_id__in=codes).values_list("kind").annotate(n=Count("id")).order_by())
    log_access(request, action="view", record_type="worklist", record_id=f"{kind}:p{page}", reason="Werklijst")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casework/worklists.html",
        {
            "kind": kind,
            "kinds": [(k, label, counts.get(k, 0)) for k, label in WORK_KINDS],
            "items": items[:PAGE_SIZE],
            "has_next": len(items) > PAGE_SIZE,
            "page": page,
            "form": form,
            "status": status,
            "query": query.urlencode(),
        },
    )


@requires(KETENREGISSEUR, personal_data=True)
@require_POST
def worklist_handle(request, pk: int):
    item = get_object_or_404(WorklistItem, pk=pk, gemeente_id__in=_region_codes(request.user))
    form = f.HandleForm(request.POST)
    if form.is_valid():
        item.status = "afgehandeld"
        item.handled_by = request.user
        item.handled_at = timezone.now()
        item.handled_note = form.cleaned_data["note"]
        item.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
        log_access(request, action="change", record_type="worklist_item", record_id=item.pk, reason="Werklijst-item afgehandeld")
        messages.success(request, "Het item is afgehandeld.")
    return redirect(f"{reverse('casework:worklists')}?soort={item.kind}")


# --- signals (verwijsindex) ------------------------------------------------------------------------

def _status(signal: Signal, today: date) -> str:
    if signal.withdrawn_on:
        return "Ingetrokken"
    fact = SignalFact(signal.id, signal.organisation_id, signal.datum, withdrawn_on=signal.withdrawn_on, expires_on=signal.expires_on)
    return "Actief" if is_active(fact, today, stacking_rules()) else "Verlopen"


@requires(PROFESSIONAL, KETENREGISSEUR, personal_data=True)
def signal_list(request):
    today = timezone.localdate()
    if request.user.zicht_profile.role == KETENREGISSEUR:
        active = Signal.objects.filter(withdrawn_on__isnull=True, expires_on__gt=today)
        by_org = active.values("organisation__naam").annotate(n=Count("id")).order_by("organisation__naam")
        matches = SignalMatch.objects.filter(ended_at__isnull=True).count()
        return render(request, "casework/signal_overview.html", {"by_org": by_org, "matches": matches, "rules": stacking_rules()})
    org = _own_org(request)
    page = _page(request)
    signals = list(
        Signal.objects.filter(organisation=org).prefetch_related("matches").order_by("-datum", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    rows = [{"signal": s, "status": _status(s, today), "contacts": counterpart_contacts(s)} for s in signals[:PAGE_SIZE]]
    log_access(request, action="view", record_type="signal_list", record_id=f"org:{org.pk}:p{page}", reason="Eigen signalen (verwijsindex)")
    return render(request, "casework/signal_list.html", {"rows": rows, "organisation": org, "page": page, "has_next": len(signals) > PAGE_SIZE, "rules": stacking_rules()})


@requires(PROFESSIONAL, personal_data=True)
def signal_new(request):
    org = _own_org(request)
    initial = {
        "datum": timezone.localdate(),
        "contact_naam": request.user.get_full_name() or org.contact_naam,
        "contact_telefoon": org.contact_telefoon,
        "contact_email": request.user.email or org.contact_email,
    }
    form = f.SignalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        from .domain.stacking import may_register

        ok, why = may_register(form.cleaned_data["geboortedatum"], form.cleaned_data["datum"], stacking_rules())
        if not ok:
            form.add_error("geboortedatum", why)
        else:
            signal = register_signal(user=request.user, organisation=org, data=form.cleaned_data)
            log_access(request, action="create", record_type="signal", record_id=signal.pk, reason="Signaal registreren (verwijsindex)")
            contacts = counterpart_contacts(signal)
            if contacts:
                messages.warning(request, f"Match: ook {', '.join(sorted({c['organisatie'] for c in contacts}))} is betrokken. Neem contact op en spreek af wie de regie neemt.")
            else:
                messages.success(request, "Het signaal is geregistreerd. U hoort het als een andere organisatie ook betrokken is.")
            return redirect("casework:signal_detail", pk=signal.pk)
    return render(request, "casework/signal_form.html", {"form": form, "organisation": org, "rules": stacking_rules()})


def _own_signal(request, pk: int) -> Signal:
    org = _own_org(request)
    signal = Signal.objects.select_related("person__address", "organisation").filter(pk=pk, organisation=org).first()
    if signal is None:
        raise Http404("Signaal niet gevonden")
    return signal


@requires(PROFESSIONAL, personal_data=True)
def signal_detail(request, pk: int):
    signal = _own_signal(request, pk)
    log_access(request, action="view", record_type="signal", record_id=signal.pk, reason="Eigen signaal (verwijsindex)")
    today = timezone.localdate()
    return render(
        request,
        "casework/signal_detail.html",
        {
            "signal": signal,
            "name": full_name(signal.person),
            "born": birth_date(signal.person),
            "status": _status(signal, today),
            "contacts": counterpart_contacts(signal),
            "withdraw_form": f.WithdrawForm(),
        },
    )


@requires(PROFESSIONAL, personal_data=True)
@require_POST
def signal_withdraw(request, pk: int):
    signal = _own_signal(request, pk)
    form = f.WithdrawForm(request.POST)
    if form.is_valid() and not signal.withdrawn_on:
        withdraw_signal(signal, user=request.user, reason=form.cleaned_data["reason"])
        log_access(request, action="change", record_type="signal", record_id=signal.pk, reason="Signaal ingetrokken")
        messages.success(request, "Het signaal is ingetrokken en telt niet meer mee voor matches.")
    return redirect("casework:signal_detail", pk=signal.pk)


def _visible_matches(user):
    """Matches on persons or households in the region, or signalled by an organisation of the region."""
    scope = scope_for(user)
    if scope.kind != REGION:
        return SignalMatch.objects.none()
    orgs = Q(gemeente_id__in=scope.gemeente_codes)
    if scope.region:
        orgs |= Q(vt_regio=scope.region)
    from zicht.registry.models import Organisation

    return SignalMatch.objects.filter(
        Q(linked_person__in=visible_linked_persons(user).values("pk"))
        | Q(household__in=visible_households(user).values("pk"))
        | Q(organisations__in=Organisation.objects.filter(orgs).values("pk"))
    ).distinct()


@requires(KETENREGISSEUR, personal_data=True)
def inbox(request):
    status = request.GET.get("status") or "open"
    qs = _visible_matches(request.user).filter(ended_at__isnull=True)
    qs = qs.exclude(status="regie_belegd") if status == "open" else qs.filter(status="regie_belegd")
    matches = list(qs.prefetch_related("organisations", "signals__organisation").select_related("regie_organisation")[:200])
    rows = []
    for match in matches:
        addresses = []
        if match.linked_person_id:
            addresses = list(Address.objects.filter(persons__link__linked_person_id=match.linked_person_id).distinct()[:5])
        contacts = [
            {"organisatie": s.organisation.naam, "contact_naam": s.contact_naam, "contact_telefoon": s.contact_telefoon}
            for s in match.signals.all()
        ]
        rows.append({"match": match, "addresses": addresses, "contacts": contacts, "form": f.InboxForm(initial={"status": match.status, "regie_organisation": match.regie_organisation_id}, organisations=match.organisations.all())})
    log_access(request, action="view", record_type="signal_inbox", record_id=status, reason="Inbox signaalmatches")
    return render(request, "casework/inbox.html", {"rows": rows, "status": status})


@requires(KETENREGISSEUR, personal_data=True)
@require_POST
def inbox_handle(request, pk: int):
    match = get_object_or_404(_visible_matches(request.user), pk=pk)
    form = f.InboxForm(request.POST, organisations=match.organisations.all())
    if form.is_valid():
        match.status = form.cleaned_data["status"]
        match.regie_organisation = form.cleaned_data["regie_organisation"]
        match.coordinator_note = form.cleaned_data["note"]
        match.handled_by = request.user
        match.handled_at = timezone.now()
        match.save()
        log_access(request, action="change", record_type="signal_match", record_id=match.pk, reason="Regie signaalmatch")
        messages.success(request, "De match is bijgewerkt.")
    return redirect("casework:inbox")


# --- Meldcode --------------------------------------------------------------------------------------

@requires(PROFESSIONAL, personal_data=True)
def meldcode_list(request):
    org = _own_org(request)
    today = timezone.localdate()
    cases = list(MeldcodeCase.objects.filter(organisation=org).select_related("professional").order_by("vervolgdatum", "-updated_at"))
    open_cases = [c for c in cases if c.is_open]
    per_professional: dict[str, list] = {}
    for case in open_cases:
        per_professional.setdefault(case.professional.get_full_name() or case.professional.get_username(), []).append(
            {"case": case, "step": dict(mc.STATES)[case.state], "overdue": bool(case.vervolgdatum and case.vervolgdatum < today)}
        )
    log_access(request, action="view", record_type="meldcode_list", record_id=f"org:{org.pk}", reason="Overzicht open Meldcode-stappen")
    return render(
        request,
        "casework/meldcode_list.html",
        {"per_professional": sorted(per_professional.items()), "closed": [c for c in cases if not c.is_open][:20], "organisation": org, "today": today},
    )


@requires(PROFESSIONAL, personal_data=True)
def meldcode_new(request):
    org = _own_org(request)
    signals = Signal.objects.filter(organisation=org, withdrawn_on__isnull=True)
    form = f.MeldcodeNewForm(request.POST or None, signals=signals)
    if request.method == "POST" and form.is_valid():
        case = MeldcodeCase.objects.create(organisation=org, professional=request.user, referentie=form.cleaned_data["referentie"], signal=form.cleaned_data["signal"])
        log_access(request, action="create", record_type="meldcode_case", record_id=case.pk, reason="Meldcode starten")
        return redirect("casework:meldcode_case", pk=case.pk)
    return render(request, "casework/meldcode_new.html", {"form": form})


@requires(PROFESSIONAL, personal_data=True)
def meldcode_case(request, pk: int):
    org = _own_org(request)
    case = MeldcodeCase.objects.filter(pk=pk, organisation=org).select_related("professional", "signal").first()
    if case is None:
        raise Http404("Casus niet gevonden")
    form = f.MeldcodeAnswerForm(request.POST or None, state=case.state) if case.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            answer_case(case, answer=form.cleaned_data["answer"], user=request.user, toelichting=form.cleaned_data["toelichting"], vervolgdatum=form.cleaned_data["vervolgdatum"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            log_access(request, action="change", record_type="meldcode_case", record_id=case.pk, reason="Meldcode-stap vastleggen")
            messages.success(request, "Het antwoord is vastgelegd.")
            return redirect("casework:meldcode_case", pk=case.pk)
    log_access(request, action="view", record_type="meldcode_case", record_id=case.pk, reason="Meldcode-casus")
    answers = list(case.answers.select_related("answered_by"))
    steps = []
    for code, label in mc.STATES[:8]:
        done = [a for a in answers if a.question == code]
        steps.append({"code": code, "label": label, "question": mc.QUESTIONS[code], "answers": done, "current": mc.question_for(case.state) == code})
    return render(
        request,
        "casework/meldcode_case.html",
        {
            "case": case,
            "steps": steps,
            "form": form,
            "state_label": dict(mc.STATES)[case.state],
            "question": mc.QUESTIONS.get(mc.question_for(case.state) or "", ""),
            "outcomes": [a for a in answers if a.outcome],
        },
    )


# --- rule sets ---------------------------------------------------------------------------------------

@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER, PRIVACY_OFFICER)
def rules(request):
    current = current_ruleset()
    versions = ColourResult.objects.values("ruleset_version").annotate(
        total=Count("id"), current=Count("id", filter=Q(is_current=True))
    ).order_by("ruleset_version")
    return render(request, "casework/rules.html", {"current": current, "rulesets": all_rulesets(), "versions": versions, "stacking": stacking_rules()})
