"""Colour pages: addresses and households by colour (list and CSV export), worklists, help trajectories.

Access: only for the ketenregisseur, within their region. Every page that shows personal data
writes to the access log. The address and household pages are in ``subject.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from django.contrib import messages
from django.db import connection
from django.db.models import BooleanField, Count, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from zicht.access.domain.scope import REGION
from zicht.access.purpose import REASONS
from zicht.access.roles import KETENREGISSEUR
from zicht.access.rules import log_access, requires
from zicht.access.scoping import get_visible_or_404, scope_for
from zicht.core.spreadsheet import csv_writer
from zicht.geo.models import Wijk
from zicht.linkage.models import Household, HouseholdMember, PersonLink
from zicht.registry.models import Address, ReportParty

from .. import caching
from ..domain.colour import COLOUR_LABELS, RANK
from ..domain.visibility import help_subject
from ..domain.worklists import KINDS as WORK_KINDS
from ..domain.worklists import shown_text
from ..pages import PAGE_SIZE, address_text, date_text, full_name, initials, page_number
from . import forms, list_html
from .models import ColourResult, Hulptraject, WorklistItem, subject_key
from .services import recolour


class WijkChoice(NamedTuple):
    code: str
    naam: str


def wijken(gemeenten: tuple[str, ...]):
    """Wijken of the user's region that have a colour result, as (code, naam) pairs.

    A DISTINCT over all current results: cached in the shared cache per region and casework
    version (not personal: area names only).
    """

    def build():
        codes = ColourResult.objects.filter(is_current=True, wijk__isnull=False).values_list("wijk_id", flat=True).distinct()
        return [
            WijkChoice(c, n)
            for c, n in Wijk.objects.filter(code__in=codes, gemeente_id__in=gemeenten).order_by("naam").values_list("code", "naam")
        ]

    return caching.get_or_build(("wijken", ",".join(gemeenten)), build)


def region_codes(user) -> tuple[str, ...]:
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


def address_label(row: dict) -> str:
    """``str(Address)`` from ``address__*`` values without building a model (tested to match)."""
    return address_text(
        row["address__straat"], row["address__huisnummer"], row["address__toevoeging"], row["address__postcode"], row["address__woonplaats"]
    )


LIST_COLUMNS = (
    "id",
    "address_id",
    "household_id",
    "buurt__naam",
    "colour",
    "colour_rank",
    "events",
    "last_report_date",
    "address__straat",
    "address__huisnummer",
    "address__toevoeging",
    "address__postcode",
    "address__woonplaats",
)


def shown_records(results) -> list[tuple[str, int]]:
    """The addresses and households of colour results (model instances or ``values()`` rows), for the access log."""
    out = []
    for r in results:
        address_id, household_id = (r["address_id"], r["household_id"]) if isinstance(r, dict) else (r.address_id, r.household_id)
        out.append(("address", address_id) if address_id else ("household", household_id))
    return out


@requires(KETENREGISSEUR, personal_data=True)
def colour_list(request):
    codes = region_codes(request.user)
    form = forms.ColourFilterForm(request.GET or None, wijken=wijken(codes))
    data = form.cleaned_data if form.is_valid() else {}
    subject, qs = _filtered_results(data, codes)
    cursor = parse_cursor(request.GET.get("na"))
    page = 1
    if cursor:
        qs, page = _after(qs, cursor), max(2, page_number(request))  # the page number only labels the caption
    found = list(qs.order_by(*LIST_ORDER).values(*LIST_COLUMNS, reason=KT("reasons__0__text"))[: PAGE_SIZE + 1])
    has_next = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    address_url, household_url = reverse("casework:address", args=[0])[:-2], reverse("casework:household", args=[0])[:-2]
    household_text, unknown = gettext("Huishouden #%(pk)s"), gettext("onbekend")
    rows = [
        {
            "url": f"{address_url}{r['address_id']}/" if r["address_id"] else f"{household_url}{r['household_id']}/",
            "label": address_label(r) if r["address_id"] else household_text % {"pk": r["household_id"]},
            "buurt": r["buurt__naam"] or unknown,
            "colour": r["colour"],
            "reason": gettext(r["reason"]) if r["reason"] else "",
            "events": r["events"],
            "last": date_text(r["last_report_date"]) or "—",
        }
        for r in found
    ]
    counts = _colour_counts(data, codes)
    log_access(
        request,
        action="view",
        record_type="colour_list",
        record_id=f"{subject}:p{page}:{request.GET.get('na', '')}"[:80],
        reason="Overzicht adressen en huishoudens per kleur",
        records=shown_records(found),
    )
    query = request.GET.copy()
    for param in ("page", "na"):
        query.pop(param, None)
    last = found[-1] if found else None
    return render(
        request,
        "casework/colour/colour_list.html",
        {
            "form": form,
            "rows": rows,
            "subject": subject,
            "page": page,
            "has_next": has_next,
            "next_cursor": cursor_of(last["colour_rank"], last["last_report_date"], last["id"]) if last else "",
            "query": query.urlencode(),
            "counts": [(c, gettext(COLOUR_LABELS[c]), counts.get(c, 0)) for c in ("rood", "oranje", "geel", "groen")],
            # plain selects: Django's widget templates cost more than the whole result table
            "rows_html": list_html.list_rows(rows),
            "filters": [
                {
                    "name": name,
                    "label": field.label,
                    "value": str(data.get(name) or ""),
                    "options": list_html.options(field.choices, str(data.get(name) or "")),
                }
                for name, field in form.fields.items()
            ],
            "export_reasons": [(code, gettext(text)) for code, text in REASONS],
        },
    )


@requires(KETENREGISSEUR, personal_data=True)
def colour_export(request):
    """CSV for the casusoverleg: colour, reasons, counts, persons (initials unless asked and logged)."""
    export = forms.ExportForm(request.GET)
    if not export.is_valid():
        messages.error(request, gettext("Kies de reden van de export."))
        return redirect(f"{reverse('casework:colour_list')}?{request.GET.urlencode()}")
    filters = forms.ColourFilterForm(request.GET, wijken=wijken(region_codes(request.user)))
    data = filters.cleaned_data if filters.is_valid() else {}
    subject, qs = _filtered_results(data, region_codes(request.user))
    qs = qs.select_related("address", "buurt", "wijk").order_by("-colour_rank", "-last_report_date", "id")[:5000]
    names = export.cleaned_data["namen"]
    reason = dict(REASONS)[export.cleaned_data["reason"]]
    results = list(qs)
    persons = _persons_for_results(results)
    exported = shown_records(results) + [("person", p.pk) for people in persons.values() for p, _ in people]
    log_access(
        request,
        action="export",
        record_type="colour_list",
        record_id=f"{subject}:{'namen' if names else 'initialen'}",
        reason=reason,
        records=list(dict.fromkeys(exported)),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zicht-{subject}-kleuren-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow(
        [
            "niveau",
            "id",
            "adres",
            "buurt",
            "wijk",
            "kleur",
            "regelset",
            "redenen",
            "gebeurtenissen",
            "registraties",
            "laatste registratie",
            "betrokkenen",
        ]
    )
    for r in results:
        label = str(r.address) if r.address_id else f"Huishouden #{r.household_id}"
        people = persons.get(r.subject_key, [])
        shown = ", ".join(f"{full_name(p) if names else initials(p)} ({rol})" for p, rol in people)
        writer.writerow(
            [
                r.get_subject_type_display(),
                r.address_id or r.household_id,
                label,
                r.buurt.naam if r.buurt else "",
                r.wijk.naam if r.wijk else "",
                r.get_colour_display(),
                r.ruleset_version,
                " | ".join(x["text"] for x in r.reasons),
                r.events,
                r.reports,
                r.last_report_date.isoformat() if r.last_report_date else "",
                shown,
            ]
        )
    return response


def _persons_for_results(results) -> dict[str, list]:
    out: dict[str, list] = {}
    address_ids = [r.address_id for r in results if r.address_id]
    seen = set()
    for party in (
        ReportParty.objects.filter(report__address_id__in=address_ids).select_related("person", "report").order_by("report__datum")
    ):
        key = subject_key("address", party.report.address_id)
        if (key, party.person_id) in seen:
            continue
        seen.add((key, party.person_id))
        out.setdefault(key, []).append((party.person, party.get_rol_display().lower()))
    hh_ids = [r.household_id for r in results if r.household_id]
    listed = set()
    for member in HouseholdMember.objects.filter(household_id__in=hh_ids).select_related("linked_person"):
        if (member.household_id, member.linked_person_id) in listed:
            continue  # one row per address of the member: listed once
        listed.add((member.household_id, member.linked_person_id))
        link = PersonLink.objects.filter(linked_person_id=member.linked_person_id).select_related("person").first()
        if link:
            out.setdefault(subject_key("household", member.household_id), []).append((link.person, "lid"))
    return out


# --- help trajectories ---------------------------------------------------------------------------


def _help_subject(request, instance=None):
    if instance is not None:
        return ("address", instance.address_id) if instance.address_id else ("household", instance.household_id)
    found = help_subject({p: request.GET.get(p) or request.POST.get(p) for p in ("adres", "huishouden")})
    if found is None:
        raise Http404("Geen adres of huishouden opgegeven")
    return found


@requires(KETENREGISSEUR, personal_data=True)
def help_form(request, pk: int | None = None):
    instance = get_object_or_404(Hulptraject, pk=pk) if pk else None  # its subject is scope-checked below
    kind, subject_id = _help_subject(request, instance)
    subject = get_visible_or_404(request.user, Address if kind == "address" else Household, subject_id)
    form = forms.HulptrajectForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        traject = form.save(commit=False)
        if instance is None:
            traject.created_by = request.user
            setattr(traject, "address" if kind == "address" else "household", subject)
        traject.save()
        log_access(
            request,
            action="change" if instance else "create",
            record_type="hulptraject",
            record_id=traject.pk,
            reason="Hulptraject vastleggen",
        )
        recolour(kind, [subject_id])
        messages.success(request, gettext("Het hulptraject is opgeslagen; de kleur is opnieuw bepaald."))
        target = "casework:address" if kind == "address" else "casework:household"
        return redirect(target, pk=subject_id)
    return render(request, "casework/colour/help_form.html", {"form": form, "subject": subject, "kind": kind, "instance": instance})


# --- worklists -----------------------------------------------------------------------------------


@requires(KETENREGISSEUR, personal_data=True)
def worklists(request):
    kind = request.GET.get("soort") or "recidive"
    if kind not in dict(WORK_KINDS):
        raise Http404("Onbekende werklijst")
    form = forms.WorklistFilterForm(request.GET or None)
    form.fields["wijk"].queryset = Wijk.objects.filter(code__in=[w.code for w in wijken(region_codes(request.user))])
    status, wijk = "open", None
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        wijk = form.cleaned_data["wijk"]
    codes = region_codes(request.user)
    qs = WorklistItem.objects.filter(kind=kind, status=status, gemeente_id__in=codes)
    if wijk:
        qs = qs.filter(wijk=wijk)
    page = page_number(request)
    items = list(qs.select_related("address", "handled_by").order_by("-trigger_date", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    for item in items:
        item.shown_text = shown_text(item.kind, item.text, item.evidence, gettext)
    counts = dict(WorklistItem.objects.filter(status="open", gemeente_id__in=codes).values_list("kind").annotate(n=Count("id")).order_by())
    log_access(
        request,
        action="view",
        record_type="worklist",
        record_id=f"{kind}:p{page}",
        reason="Werklijst",
        records=[("worklist_item", i.pk) for i in items[:PAGE_SIZE]]
        + [("address", i.address_id) if i.address_id else ("household", i.household_id) for i in items[:PAGE_SIZE]],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casework/colour/worklists.html",
        {
            "kind": kind,
            "kinds": [(k, gettext(label), counts.get(k, 0)) for k, label in WORK_KINDS],
            "items": items[:PAGE_SIZE],
            "has_next": len(items) > PAGE_SIZE,
            "page": page,
            "form": form,
            "status": status,
            "status_label": dict(forms.WorklistFilterForm.base_fields["status"].choices).get(status, status),
            "query": query.urlencode(),
        },
    )


@requires(KETENREGISSEUR, personal_data=True)
@require_POST
def worklist_handle(request, pk: int):
    item = get_object_or_404(WorklistItem, pk=pk, gemeente_id__in=region_codes(request.user))
    form = forms.HandleForm(request.POST)
    if form.is_valid():
        item.status = "afgehandeld"
        item.handled_by = request.user
        item.handled_at = timezone.now()
        item.handled_note = form.cleaned_data["note"]
        item.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
        log_access(request, action="change", record_type="worklist_item", record_id=item.pk, reason="Werklijst-item afgehandeld")
        messages.success(request, gettext("Het item is afgehandeld."))
    return redirect(f"{reverse('casework:worklists')}?soort={item.kind}")
