"""The meldcode organisation map of a Veilig Thuis region (the Zuid-Limburg scale: ~1,600
organisations): filters, counts per gemeente, an SVG map with its table beside it, the gaps, the
full list, and the import through a profile. No personal data (organisations only).

Who sees which region: a beleidsmedewerker or ketenregisseur their own region (the region of their
profile, organisation or gemeente); the functioneel beheerder any region (``?regio=``). Importing:
the functioneel beheerder for every gemeente, a beleidsmedewerker for the gemeenten whose reference
data they may change (``zicht.access.scoping.editable_gemeente_codes``).
"""

from __future__ import annotations

from html import escape

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zicht.access import roles
from zicht.access.rules import requires, user_role
from zicht.access.scoping import editable_gemeente_codes
from zicht.areas import maps
from zicht.areas.disclosure import Cell
from zicht.geo.models import Gemeente, VtRegio
from zicht.geo.regiodata import gemeenten_in_regio, regio_van_gemeente

from . import orgimport, services
from .domain import bouwstenen as bs
from .domain import gaps as gaps_mod
from .domain import meldcode_map as mm
from .domain import regional as reg
from .labels import tr
from .views import EDIT_REFERENCE, READ, user_regio


def visible_region(request) -> VtRegio:
    """The region in view; 404 for a region the user may not open (no hint that it exists)."""
    asked = request.GET.get("regio") or request.POST.get("regio") or ""
    own = user_regio(request.user) or regio_van_gemeente(settings.DEMO_GEMEENTE)
    if user_role(request.user) == roles.FUNCTIONEEL_BEHEERDER:
        code = asked or own
    else:
        if asked and asked != own:
            raise Http404("Onbekende regio")
        code = own
    region = VtRegio.objects.filter(code=code).first() if code else None
    if region is None:
        raise Http404("Geen Veilig Thuis-regio")
    return region


def _share_cell(count: dict | None) -> Cell:
    if not count or not count["n"]:
        return Cell(None, "missing", _("geen organisaties in kaart"), "–", "percentage")
    share = 100.0 * count["getraind"] / count["n"]
    return Cell(share, "ok", "", f"{share:.0f}%", "percentage")


@requires(*READ)
def meldcode_map(request):
    region = visible_region(request)
    codes = sorted(gemeenten_in_regio(region.code))
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=codes).only("code", "naam", "geometry")}
    names = {c: gemeenten[c].naam if c in gemeenten else c for c in codes}
    records = orgimport.map_records(codes)
    chosen = {k: request.GET.get(k, "") for k in ("sector", "gemeente", "status", "stoplicht")}
    if chosen["gemeente"] and chosen["gemeente"] not in names:
        chosen["gemeente"] = ""
    rows = [r for r in records if mm.matches(r, **chosen)]
    counts = mm.counts_per_gemeente(rows)
    count_rows = [
        {
            "code": c,
            "naam": names[c],
            "n": counts.get(c, {}).get("n", 0),
            "levels": [counts.get(c, {}).get("levels", {}).get(k, 0) for k, _label in mm.LEVELS],
            "share": _share_cell(counts.get(c)),
        }
        for c in codes
    ]
    totals = mm.counts_per_gemeente([{**r, "gemeente": "regio"} for r in rows]).get("regio")
    areas = [
        maps.MapArea(
            c,
            names[c],
            gemeenten[c].geometry if c in gemeenten else None,
            _share_cell(counts.get(c)),
            url=f"?regio={region.code}&gemeente={c}",
        )
        for c in codes
    ]
    svg, legend = maps.choropleth_svg(
        areas,
        _("Aandeel organisaties met een getrainde aandachtsfunctionaris, regio %(naam)s") % {"naam": region.naam},
        _("Kaart per gemeente; dezelfde cijfers staan in de tabel ernaast."),
        unit="%",
    )
    for entry in legend:
        entry["swatch"] = maps.swatch_svg(entry)
    levels = [(code, tr(label)) for code, label in mm.LEVELS]
    level_labels = dict(levels)
    gaps = mm.find_gaps(rows, [chosen["gemeente"]] if chosen["gemeente"] else codes)
    return render(
        request,
        "prevention/meldcode_map.html",
        {
            "region": region,
            "regions": VtRegio.objects.all() if user_role(request.user) == roles.FUNCTIONEEL_BEHEERDER else [region],
            "gemeenten": [(c, names[c]) for c in codes],
            "names": names,
            "sectors": [(code, tr(label)) for code, label in mm.SECTORS],
            "sector_labels": {code: tr(label) for code, label in mm.SECTOR_LABELS.items()},
            "levels": levels,
            "level_labels": level_labels,
            "status_fields": [(f, tr(mm.STATUS_LABELS[f])) for f in mm.STATUS_FIELDS],
            "chosen": chosen,
            "stoplichten": [(c, tr(mm.STOPLICHT_LABELS[c])) for c in mm.STOPLICHT_CODES],
            "rows": rows,
            "rows_html": organisation_rows_html(rows, names, level_labels),
            "total": len(records),
            "count_rows": count_rows,
            "totals": totals,
            "map_svg": svg,
            "legend": legend,
            "gaps": gaps,
            "can_import": user_role(request.user) in EDIT_REFERENCE,
        },
    )


def organisation_rows_html(rows: list[dict], names: dict[str, str], level_labels: dict[str, str]) -> str:
    """The list's table rows, escaped cell by cell. Built here rather than in a template loop: at
    1,600 organisations the template engine alone took ~300 ms of the page, this takes ~10 ms."""
    sector = mm.SECTOR_LABELS
    out = []
    for r in rows:
        cells = (
            names.get(r["gemeente"], r["gemeente"]),
            tr(sector[r["sector"]]),
            tr(mm.STOPLICHT_LABELS.get(r["stoplicht"], r["stoplicht"])),
            *(tr(mm.ANSWER_LABELS.get(r[f], r[f])) for f in mm.STATUS_FIELDS),
            level_labels[mm.level(r)],
        )
        out.append(f'<tr><th scope="row">{escape(r["naam"])}</th>' + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    return mark_safe("\n".join(out))  # every value is escaped above


class OrganisationImportForm(forms.Form):
    profiel = forms.ChoiceField(label=gettext_lazy("Importprofiel"))
    bestand = forms.FileField(label=gettext_lazy("Bestand (CSV of XLSX)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profiel"].choices = [(name, f"{name}: {p.description}") for name, p in orgimport.profiles().items()]


@requires(*EDIT_REFERENCE)
def meldcode_import(request):
    form = OrganisationImportForm(request.POST or None, request.FILES or None)
    errors = []
    allowed = None if user_role(request.user) == roles.FUNCTIONEEL_BEHEERDER else editable_gemeente_codes(request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bestand"]
        result = orgimport.import_organisations(upload, upload.name, orgimport.load_profile(form.cleaned_data["profiel"]), allowed)
        errors = result.errors
        if result.ok:
            messages.success(
                request,
                _("Geïmporteerd uit %(name)s: %(created)s nieuw, %(updated)s bijgewerkt, %(unchanged)s ongewijzigd.")
                % {"name": upload.name, "created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect(reverse("prevention:meldcode_map"))
    profile = next(iter(orgimport.profiles().values()))
    return render(
        request,
        "prevention/meldcode_import.html",
        {
            "form": form,
            "errors": errors[:200],
            "n_errors": len(errors),
            "profile": profile,
            "allowed": sorted(allowed) if allowed is not None else None,
        },
    )


@requires(*READ)
def matrix_region(request):
    """The bouwstenen × partners matrix at region level: every organisation of the region's gemeenten."""
    region = visible_region(request)
    codes = sorted(gemeenten_in_regio(region.code))
    names = dict(Gemeente.objects.filter(code__in=codes).values_list("code", "naam"))
    orgs = list(services.organisations_in_gemeenten(codes))
    contributions, _offered = services.contributions(orgs)
    bouw_codes = [b.code for b in bs.BOUWSTENEN]
    coverage = reg.coverage_by_gemeente({o.code: o.gemeente_id for o in orgs}, contributions, codes, bouw_codes)
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=codes)}
    agreement = reg.matrix_agreement({c: services.gemeente_matrix(gemeenten[c]) for c in codes if c in gemeenten})
    org_rows = [
        {"org": o, "gemeente": names.get(o.gemeente_id, o.gemeente_id), "cells": [b in contributions[o.code] for b in bouw_codes]}
        for o in orgs
        if o.code in contributions
    ]
    return render(
        request,
        "prevention/matrix_region.html",
        {
            "region": region,
            "bouwstenen": bs.BOUWSTENEN,
            "n_gemeenten": len(codes),
            "coverage_rows": [{"code": c, "naam": names.get(c, c), "cells": [coverage[c][b] for b in bouw_codes]} for c in codes],
            "agreement_rows": [
                {"label": tr(label), "cells": [agreement.get(code, {}).get(b, 0) for b in bouw_codes]} for code, label in bs.PARTNER_TYPES
            ],
            "org_rows": org_rows,
            "region_gaps": gaps_mod.bouwsteen_gaps(contributions),
            "bouwsteen_label": {b.code: tr(b.titel) for b in bs.BOUWSTENEN},
        },
    )
