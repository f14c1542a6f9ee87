"""The address and household page.

One page view reads the address (scope-checked), its colour history (the current result among
it), every report with its parties, persons and links in one joined query, and the small lists
(households, open work items, help, signals): about ten queries whatever the number of reports.
Rows are turned into ready-made strings here (``subject_html``), so the template only prints them.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from zicht.access.purpose import with_purpose
from zicht.access.roles import KETENREGISSEUR
from zicht.access.rules import requires
from zicht.access.scoping import address_scope_sql, get_visible_or_404, scope_for, visible_household_members
from zicht.core.dates import age_from
from zicht.core.i18n import translated
from zicht.linkage.models import Household, PersonLink
from zicht.registry.models import Report, ReportParty
from zicht.registry.scoping import visible_report_ids

from ..domain.colour import BUILT_IN_RULES, COLOUR_LABELS
from ..domain.people import full_name as name_of
from ..domain.people import is_child, oldest_first
from ..domain.worklists import KINDS as WORK_KINDS
from ..domain.worklists import shown_text
from ..pages import choice_labels, date_text, datetime_text, full_name
from . import queries, subject_html
from .models import Hulptraject, subject_key
from .services import household_report_ids, recolour
from .views import address_label

REPORT_COLUMNS = (
    "id",
    "datum",
    "soort",
    "aard",
    "vormen",
    "letsel",
    "wapen",
    "huisverbod",
    "kinderen_aanwezig",
    "created_at",
    "source__naam",
    "address_id",
)
PARTY_COLUMNS = (
    "parties__id",
    "parties__rol",
    "parties__person_id",
    "parties__person__voornamen",
    "parties__person__tussenvoegsel",
    "parties__person__achternaam",
    "parties__person__geboortedatum",
    "parties__person__link__linked_person_id",
)
ADDRESS_COLUMNS = ("address__straat", "address__huisnummer", "address__toevoeging", "address__postcode", "address__woonplaats")


def report_rows(qs, with_address: bool = False) -> list[dict]:
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


# The words of the timeline's 'kenmerken' column: the vormen's codes and the flags, as words.
FEATURE_WORDS = {
    "lichamelijk": N_("lichamelijk"),
    "psychisch": N_("psychisch"),
    "seksueel": N_("seksueel"),
    "verwaarlozing": N_("verwaarlozing"),
    "getuige": N_("getuige"),
    "letsel": N_("letsel"),
    "wapen": N_("wapen"),
    "huisverbod": N_("huisverbod"),
    "kinderen_aanwezig": N_("kinderen aanwezig"),
}


def _features_text(report: dict, words: dict) -> str:
    parts = list(report["vormen"] or [])
    parts += [flag for flag in ("letsel", "wapen", "huisverbod", "kinderen_aanwezig") if report[flag]]
    return ", ".join(words.get(p, p) for p in parts) or "—"


def timeline(reports: list[dict], today: date, evidence_ids: set[int], with_address: bool = False):
    """Timeline rows, persons and children as ready-made strings: the page renders them without lookups."""
    soorten, aarden, rollen = choice_labels(Report, "soort"), choice_labels(Report, "aard"), choice_labels(ReportParty, "rol")
    words = translated(FEATURE_WORDS)
    rows, persons = [], {}
    address_url = reverse("casework:address", args=[0])[:-2]
    for report in reports:
        roles = []
        for party in report["parties"]:
            rol = rollen.get(party["parties__rol"], party["parties__rol"])
            entry = persons.get(party["parties__person_id"])
            if entry is None:
                pid = party["parties__person_id"]
                entry = persons[pid] = {
                    "id": pid,
                    "name": name_of(
                        party["parties__person__voornamen"],
                        party["parties__person__tussenvoegsel"],
                        party["parties__person__achternaam"],
                        pid,
                    ),
                    "age": age_from(party["parties__person__geboortedatum"], today),
                    "roles": set(),
                    "role_codes": set(),
                    "linked": party["parties__person__link__linked_person_id"],
                    "sources": set(),
                }
            entry["roles"].add(rol)
            entry["role_codes"].add(party["parties__rol"])
            entry["sources"].add(report["source__naam"])
            roles.append(rol)
        rows.append(
            {
                "id": report["id"],
                "datum": date_text(report["datum"]),
                "soort": soorten.get(report["soort"], report["soort"]),
                "source": report["source__naam"],
                "aard": aarden.get(report["aard"], report["aard"]),
                "features": _features_text(report, words),
                "roles": ", ".join(roles),
                "evidence": report["id"] in evidence_ids,
                "address": address_label(report) if with_address and report["address_id"] else "",
                "address_url": f"{address_url}{report['address_id']}/" if report["address_id"] else "",
            }
        )
    people = sorted(persons.values(), key=lambda p: oldest_first(p["age"]))
    children = []
    for person in people:
        if is_child(person["age"], person.pop("role_codes")):
            children.append(person)
        person["roles"] = ", ".join(sorted(person["roles"]))
        person["sources"] = ", ".join(sorted(person["sources"]))
    return rows, people, children


def _reasons_with_evidence(result: dict | None, reports_by_id: dict[int, dict]):
    if not result:
        return []
    soorten, labels = choice_labels(Report, "soort"), translated(COLOUR_LABELS)
    out = []
    for reason in result["reasons"]:
        evidence = [
            {
                "id": i,
                "text": f"{soorten.get(reports_by_id[i]['soort'])} {reports_by_id[i]['source__naam']} {date_text(reports_by_id[i]['datum'])}",
            }
            for i in reason.get("reports", [])
            if i in reports_by_id
        ]
        out.append(
            {
                **reason,
                # the stored text is Dutch; a fixed text (not a rule set's, which is configuration) is in the catalogue
                "text": gettext(reason["text"]) if reason.get("text") else "",
                "evidence": evidence,
                "evidence_html": subject_html.evidence_links(evidence),
                "label": labels.get(reason["colour"], reason["colour"]),
                # the two built-in rule ids (the rule set's own ids are configuration, shown as they are)
                "rule": gettext(BUILT_IN_RULES[reason["rule"]]) if reason.get("rule") in BUILT_IN_RULES else reason.get("rule", ""),
            }
        )
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


def _subject_context(kind: str, pk: int, reports: list[dict], request, help_items: list[dict], with_address: bool = False) -> dict:
    today = timezone.localdate()
    result, history = _colour_state(kind, pk, reports)
    evidence_ids = {i for r in (result["reasons"] if result else []) for i in r.get("reports", [])}
    rows, people, children = timeline(reports, today, evidence_ids, with_address=with_address)
    kinds = translated(dict(WORK_KINDS))
    return {
        "kind": kind,
        "result": result,
        "result_label": gettext(COLOUR_LABELS.get(result["colour"], result["colour"])) if result else "",
        "result_evaluated": datetime_text(result["evaluated_at"]) if result else "",
        "reasons": _reasons_with_evidence(result, {r["id"]: r for r in reports}),
        "history_rows": subject_html.history_rows(history),
        "timeline": rows,
        "timeline_rows": subject_html.timeline_rows(rows, with_address),
        "people": people,
        "people_rows": subject_html.people_rows(people),
        "children": children,
        "help_rows": subject_html.help_rows(help_items),
        "work_items": [
            {"kind": kinds.get(k, k), "text": shown_text(k, t, ev, gettext)} for k, t, ev in queries.open_work_items(subject_key(kind, pk))
        ],
        "reason_text": request.zicht_reason,
        "signal_orgs": queries.signal_organisations([p["linked"] for p in people], today),
    }


def shown_records(reports: list[dict], people: list[dict], *, persons=(), households=(), addresses=()) -> list[tuple[str, int]]:
    """What an address or household page shows, for the access log (``with_purpose`` writes it):
    the reports, the persons (parties and members), the households and the addresses."""
    records = [("report", r["id"]) for r in reports]
    records += [("person", p["id"]) for p in people] + [("person", p) for p in persons]
    records += [("household", h) for h in households] + [("address", a) for a in addresses]
    return list(dict.fromkeys(records))


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
    context.update(
        {
            "title": queries.address_label(address),
            "address": address,
            "households": [{"id": h, "colour": c, "label": gettext(COLOUR_LABELS.get(c, ""))} for h, c in queries.address_households(pk)],
            "help_url": f"{reverse('casework:help_new')}?adres={pk}",
        }
    )
    request.zicht_records = shown_records(reports, context["people"], households=[h["id"] for h in context["households"]])
    return render(request, "casework/colour/subject.html", context)


@requires(KETENREGISSEUR, personal_data=True)
@with_purpose("household", kwarg="pk")
def household_page(request, pk: int):
    household = get_visible_or_404(request.user, Household, pk)
    today = timezone.localdate()
    # Members' other addresses may lie outside the user's region or organisation: only what the
    # user may see of the household is shown (issue 12 item 4).
    report_ids = visible_report_ids(request.user, household_report_ids([pk]).get(pk, set()))
    reports = report_rows(Report.objects.filter(id__in=report_ids), with_address=True)
    help_items = [
        {
            "id": h["id"],
            "soort": h["soort"],
            "organisation": h["organisation__naam"],
            "start": h["start"],
            "einde": h["einde"],
            "uitkomst": h["uitkomst"],
        }
        for h in Hulptraject.objects.filter(household=pk).values("id", "soort", "organisation__naam", "start", "einde", "uitkomst")
    ]
    context = _subject_context("household", pk, reports, request, help_items, with_address=True)
    members = list(
        visible_household_members(request.user, household.members.all()).select_related("address", "linked_person").order_by("-since")
    )
    persons = {
        link.linked_person_id: link.person
        for link in PersonLink.objects.filter(linked_person_id__in=[m.linked_person_id for m in members])
        .select_related("person")
        .order_by("-id")
    }
    member_people = []
    for member in members:
        person = persons.get(member.linked_person_id)
        member_people.append(
            {
                "member": member,
                "name": full_name(person) if person else gettext("Gekoppelde persoon #%(pk)s") % {"pk": member.linked_person_id},
                "age": age_from(person.geboortedatum, today) if person else None,
            }
        )
    context.update(
        {
            "title": gettext("Huishouden #%(pk)s") % {"pk": household.pk},
            "household": household,
            "members": member_people,
            "signal_orgs": queries.signal_organisations([m["member"].linked_person_id for m in member_people], today),
            "help_url": f"{reverse('casework:help_new')}?huishouden={pk}",
        }
    )
    request.zicht_records = shown_records(
        reports, context["people"], persons=[p.pk for p in persons.values()], addresses=[m.address_id for m in members if m.address_id]
    )
    return render(request, "casework/colour/subject.html", context)
