"""Pages of the registry: the import batches, one batch with its rejects, and the upload form.

No page here shows personal data: batches carry file names, counts and rejects (row,
field, reason), never values. Uploading a file creates personal data and is logged. A
ketenregisseur sees the batches of sources in their region (zicht.access.scoping) and the
ones they imported themselves; the functioneel beheerder sees all.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext

from zicht.access.roles import FUNCTIONEEL_BEHEERDER, KETENREGISSEUR
from zicht.access.rules import log_access, requires, user_role
from zicht.access.scoping import visible_import_batches, visible_reports
from zicht.core.spreadsheet import csv_writer

from .corrections import import_withdrawals
from .domain.corrections import label, summary_fields
from .domain.profile import ProfileError, find_profile
from .domain.rows import defuse
from .domain.setaside import REASONS
from .forms import WITHDRAWALS, ImportForm
from .interrupted import mark_interrupted
from .models import ImportBatch, Organisation, RecordChange, Report, ReportParty
from .pipeline import import_file
from .uploads import stored_upload, upload_dir

STATUS_BADGE = {
    "loaded": "groen",
    "partial": "geel",
    "running": "oranje",
    "rejected": "rood",
    "failed": "rood",
    "duplicate": "onbekend",
    "interrupted": "rood",
}


def outcome_text(batch) -> str:
    """The batch's outcome in the user's language.

    The importer stores one Dutch sentence (``ImportBatch.message``; also what ``zicht import``
    prints, and what the rejects CSV and the tests read), built from many parts. In Dutch that
    sentence is shown as stored; in another language a translated summary of the batch's stored
    counts takes its place (the page shows the stored sentence beside it, marked as Dutch)."""
    if get_language() == settings.LANGUAGE_CODE or not batch.message:
        return batch.message
    values = {
        "pk": batch.duplicate_of_id or "?",
        "loaded": batch.rows_loaded,
        "total": batch.rows_total,
        "rejected": batch.rows_rejected,
        "reports": batch.reports_created,
        "persons": batch.persons_created,
        "addresses": batch.addresses_created,
        "set_aside": batch.rows_set_aside,
    }
    if batch.status in ("loaded", "partial"):
        text = gettext(
            "%(loaded)d van %(total)d rijen geladen: %(reports)d nieuwe records, %(persons)d personen, %(addresses)d nieuwe adressen."
        )
        if batch.rows_set_aside:
            text += " " + gettext("%(set_aside)d rijen geladen met een terzijde gelegde waarde.")
        if batch.rows_rejected:
            text += " " + gettext("%(rejected)d rijen afgewezen.")
        return text % values
    if batch.status == "rejected" and batch.rows_rejected:
        return gettext("Afgewezen: %(rejected)d van %(total)d rijen afgewezen. Er is niets geladen.") % values
    if batch.status == "rejected":
        return gettext("Het bestand is afgewezen; er is niets geladen.")
    if batch.status == "duplicate":
        return gettext("Dit bestand is al geladen (import #%(pk)s); er is niets toegevoegd.") % values
    if batch.status == "failed":
        return gettext("De import is mislukt; er is niets geladen.")
    return batch.message


def _visible_batches(user):
    """Batches in the user's scope (zicht.access.scoping), plus the ones this user imported."""
    qs = ImportBatch.objects.select_related("source", "imported_by", "duplicate_of")
    return (visible_import_batches(user, qs) | qs.filter(imported_by=user)).distinct()


def _with_badges(batches):
    for batch in batches:
        batch.badge = STATUS_BADGE.get(batch.status, "onbekend")
    return batches


@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER)
def imports(request):
    mark_interrupted()  # a killed import shows as 'Onderbroken', not 'Bezig' for ever
    queryset = _visible_batches(request.user).order_by("-started_at")
    source = request.GET.get("bron", "")
    if source:
        queryset = queryset.filter(source__code=source)
    page = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    _with_badges(page.object_list)
    sources = Organisation.objects.filter(import_batches__in=_visible_batches(request.user)).distinct().order_by("naam")
    return render(request, "registry/imports.html", {"page": page, "source": source, "sources": sources})


@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER)
def batch_detail(request, pk: int):
    mark_interrupted()
    batch = get_object_or_404(_visible_batches(request.user), pk=pk)
    batch.badge = STATUS_BADGE.get(batch.status, "onbekend")
    set_aside = [{**entry, "label": gettext(REASONS.get(entry.get("reason", ""), entry.get("reason", "")))} for entry in batch.set_aside]
    outcome = outcome_text(batch)
    context = {
        "batch": batch,
        "outcome": outcome,
        "recorded": batch.message if outcome != batch.message else "",
        "set_aside": set_aside,
        "changed": _changed_records(batch),
    }
    context["open_records"] = user_role(request.user) == KETENREGISSEUR  # the record page is the ketenregisseur's
    return render(request, "registry/batch.html", context)


MAX_LISTED_CHANGES = 200


def _changed_records(batch) -> list[dict]:
    """The records this batch corrected or withdrew: registratienummer, what (field names), a link.
    No values: the batch page shows none."""
    by_report: dict[int, dict] = {}
    changes = RecordChange.objects.filter(import_batch=batch).select_related("report").order_by("report_id", "id")
    for change in changes[: MAX_LISTED_CHANGES * 5]:
        entry = by_report.setdefault(change.report_id, {"report": change.report, "kinds": [], "fields": []})
        entry["kinds"].append(change.get_kind_display())
        entry["fields"].append(change.fields)
    out = []
    for entry in list(by_report.values())[:MAX_LISTED_CHANGES]:
        out.append(
            {**entry, "kinds": ", ".join(dict.fromkeys(entry["kinds"])), "fields": summary_fields(entry["fields"], limit=10, tr=gettext)}
        )
    return out


def _history(report, with_values: bool) -> list[dict]:
    """The record's changes, oldest first: date, batch, what, field labels and (``with_values``) the previous values."""
    rows = []
    for change in RecordChange.objects.filter(report=report).select_related("import_batch").order_by("created_at", "id"):
        previous = {}
        if with_values and change.previous:
            previous = json.loads(change.previous)
        rows.append(
            {
                "change": change,
                "fields": [label(f, gettext) for f in change.fields],
                "previous": [(label(f, gettext), "" if v is None else v) for f, v in previous.items() if not f.endswith("bsn")],
                "bsn": any(f.endswith("bsn") for f in change.fields),
            }
        )
    return rows


@requires(KETENREGISSEUR, personal_data=True)
def record_detail(request, pk: int):
    """One record (report) with its history of corrections and withdrawal (issue 13), for a
    ketenregisseur for whom the record is in scope: the parties and the previous values (decrypted
    here), and that read is logged. (The functioneel beheerder sees which fields of which records
    a batch changed on the batch page, never a value.)"""
    report = get_object_or_404(visible_reports(request.user, Report.all_objects.select_related("source", "import_batch")), pk=pk)
    with_values = True
    history = _history(report, with_values)
    parties = []
    if with_values:
        parties = list(ReportParty.all_objects.filter(report=report).select_related("person").order_by("person__source_key"))
        persons = [party.person_id for party in parties] + [h["change"].person_id for h in history if h["change"].person_id]
        log_access(
            request,
            action="view",
            record_type="report",
            record_id=report.pk,
            reason="record met wijzigingshistorie",
            records=[("report", report.pk), *(("person", p) for p in dict.fromkeys(persons))],
        )
    return render(
        request,
        "registry/record.html",
        {"report": report, "history": history, "parties": parties, "with_values": with_values},
    )


@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER)
def batch_rejects_csv(request, pk: int):
    """The stored rejects as CSV (row, field, reason; defused against spreadsheet formulas)."""
    batch = get_object_or_404(_visible_batches(request.user), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="afwijzingen-import-{batch.pk}.csv"'
    writer = csv_writer(response)
    writer.writerow(["file", "row", "field", "reason"])
    for reject in batch.rejects:
        writer.writerow(
            [
                defuse(reject.get("file", ""), 255),
                reject.get("row", ""),
                defuse(reject.get("field", ""), 60),
                defuse(reject.get("reason", ""), 300),
            ]
        )
    return response


@requires(KETENREGISSEUR, FUNCTIONEEL_BEHEERDER)
def upload(request):
    mark_interrupted()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if form.cleaned_data["kind"] == WITHDRAWALS:
            return _upload_withdrawals(request, form, upload_file)
        try:
            # An unnamed file on disk: a process killed mid-import leaves nothing readable (registry.uploads).
            with stored_upload(upload_file.chunks(), upload_dir(settings.DATA_DIR)) as tmp_path:
                batch = import_file(
                    tmp_path,
                    form.cleaned_data["profile"],
                    accept_partial=form.cleaned_data["accept_partial"],
                    user=request.user,
                    file_name=Path(upload_file.name).name[:255],
                    # linking and colouring outside the request when the installation runs `zicht postprocess`
                    defer_postprocess=settings.ZICHT_DEFER_POSTPROCESS,
                )
        except ProfileError as exc:
            form.add_error("profile", str(exc))
            return render(request, "registry/upload.html", {"form": form}, status=400)
        except Exception as exc:  # recorded on the batch as 'failed'; shown without values
            messages.error(request, gettext("De import is mislukt (%(error)s); er is niets geladen.") % {"error": type(exc).__name__})
            return redirect("registry:imports")
        if batch.status in ("loaded", "partial"):
            log_access(
                request,
                action="create",
                record_type="import_batch",
                record_id=batch.pk,
                reason=f"{batch.persons_created} personen geïmporteerd met profiel {batch.profile}",
            )
            level = messages.SUCCESS if batch.status == "loaded" else messages.WARNING
        else:
            level = messages.ERROR if batch.status == "rejected" else messages.INFO
        messages.add_message(request, level, outcome_text(batch))
        return redirect("registry:batch", pk=batch.pk)
    return render(request, "registry/upload.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _upload_withdrawals(request, form, upload_file):
    """A deletion list uploaded (issue 13): all-or-nothing unless 'deels laden', as an import; the
    batch page shows the summary and the rejects (file, row, field); the access log names the
    records withdrawn."""
    try:
        profile = find_profile(form.cleaned_data["profile"])
    except ProfileError as exc:
        form.add_error("profile", str(exc))
        return render(request, "registry/upload.html", {"form": form}, status=400)
    try:
        with stored_upload(upload_file.chunks(), upload_dir(settings.DATA_DIR)) as tmp_path:
            batch = import_withdrawals(
                tmp_path,
                profile,
                user=request.user,
                file_name=Path(upload_file.name).name[:255],
                accept_partial=form.cleaned_data["accept_partial"],
                defer_postprocess=settings.ZICHT_DEFER_POSTPROCESS,
            )
    except Exception as exc:  # nothing withdrawn (one transaction); shown without values
        messages.error(
            request, gettext("De intrekkingslijst is mislukt (%(error)s); er is niets ingetrokken.") % {"error": type(exc).__name__}
        )
        return redirect("registry:imports")
    if batch.status in ("loaded", "partial"):
        withdrawn = RecordChange.objects.filter(import_batch=batch, kind="ingetrokken").values_list("report_id", flat=True)
        log_access(
            request,
            action="update",
            record_type="import_batch",
            record_id=batch.pk,
            reason=gettext("%(n)s records ingetrokken met profiel %(profile)s") % {"n": batch.reports_withdrawn, "profile": batch.profile},
            records=[("report", pk) for pk in withdrawn],
        )
        level = messages.SUCCESS if batch.status == "loaded" else messages.WARNING
    else:
        level = messages.ERROR
    messages.add_message(request, level, withdrawal_outcome_text(batch))
    return redirect("registry:batch", pk=batch.pk)


def withdrawal_outcome_text(batch) -> str:
    """A deletion list's outcome in the user's language: the stored Dutch sentence in Dutch (also what
    ``zicht import --withdrawals`` prints), otherwise a translated summary of the batch's counts."""
    if get_language() == settings.LANGUAGE_CODE or not batch.message:
        return batch.message
    if batch.status == "rejected":
        return gettext("Afgewezen: %(rejected)d rijen afgekeurd. Er is niets ingetrokken.") % {"rejected": batch.rows_rejected}
    text = gettext("%(n)d records ingetrokken (uit kleur, werklijsten en cijfers; de historie blijft bewaard).") % {
        "n": batch.reports_withdrawn
    }
    if batch.rows_rejected:
        text += " " + gettext("%(rejected)d rijen afgekeurd.") % {"rejected": batch.rows_rejected}
    return text
