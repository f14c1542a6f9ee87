"""Pages of the registry: the import batches, one batch with its rejects, and the upload form.

No page here shows personal data: batches carry file names, counts and rejects (row,
field, reason), never values. Uploading a file creates personal data and is logged. A
ketenregisseur sees the batches of sources in their region (zicht.access.scoping) and the
ones they imported themselves; the functioneel beheerder sees all.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zicht.access.roles import FUNCTIONEEL_BEHEERDER, KETENREGISSEUR
from zicht.access.rules import log_access, requires
from zicht.access.scoping import visible_import_batches
from zicht.core.spreadsheet import csv_writer

from .domain.profile import ProfileError
from .domain.rows import defuse
from .domain.setaside import REASONS
from .forms import ImportForm
from .interrupted import mark_interrupted
from .models import ImportBatch, Organisation
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
    set_aside = [{**entry, "label": REASONS.get(entry.get("reason", ""), entry.get("reason", ""))} for entry in batch.set_aside]
    return render(request, "registry/batch.html", {"batch": batch, "set_aside": set_aside})


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
                    defer_postprocess=getattr(settings, "ZICHT_DEFER_POSTPROCESS", False),
                )
        except ProfileError as exc:
            form.add_error("profile", str(exc))
            return render(request, "registry/upload.html", {"form": form}, status=400)
        except Exception as exc:  # recorded on the batch as 'failed'; shown without values
            messages.error(request, f"De import is mislukt ({type(exc).__name__}); er is niets geladen.")
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
        messages.add_message(request, level, batch.message)
        return redirect("registry:batch", pk=batch.pk)
    return render(request, "registry/upload.html", {"form": form}, status=400 if request.method == "POST" else 200)
