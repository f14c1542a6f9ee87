"""Veilig Thuis region pages: the region's gemeenten compared (figures, map, exports) and the
region table's maintenance page for the functioneel beheerder.

Who sees a region page: zicht.access.scoping.figure_region_codes (their own region only). The
gemeente rows link to the gemeente pages only where the user may open those
(figure_gemeente_codes); the region page itself publishes nothing a gemeente page does not,
except the region totals, which disclosure.control_stacked protects (see areas.regional).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from zicht.access import roles
from zicht.access.roles import N_
from zicht.access.rules import log_access, requires
from zicht.access.scoping import figure_gemeente_codes, figure_region_codes
from zicht.geo.models import Gemeente, VtRegio, VtRegioGemeente
from zicht.geo.regiodata import current_year, gemeenten_in_regio, memberships
from zicht.geo.regions import conflicts

from . import factsheet, maps
from .policy import default_policy
from .regional import region_figures
from .tables import cbs_cell, to_csv, to_xlsx

AREA_ROLES = (roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR)
SOURCE_NOTE = N_(
    "Bronnen: Zicht-register (meldingen van partners in de gemeenten van de regio, onthullingsbeveiligd: "
    "afgerond op 5, <10 onderdrukt, regiototalen samen met de gemeentecellen beveiligd); CBS (CC BY 4.0); "
    "regio-indeling: zicht/geo/data/vt_regios.csv."
)


def _year(request) -> int | None:
    value = request.GET.get("jaar", "")
    return int(value) if value.isdigit() else None


def _region(request, code: str) -> VtRegio:
    regio = get_object_or_404(VtRegio, code=code)
    if regio.code not in figure_region_codes(request.user):
        raise PermissionDenied("De cijfers van deze regio zijn niet voor uw account.")
    return regio


def figures_for(request, regio: VtRegio, year: int | None):
    """The region's figures for ``year``, with the membership of that year."""
    allowed = figure_gemeente_codes(request.user)
    probe = year or current_year()
    codes = gemeenten_in_regio(regio.code, probe)
    gemeenten = list(Gemeente.objects.filter(code__in=codes).defer("geometry").order_by("naam"))
    missing = sorted(codes - {g.code for g in gemeenten})
    if not gemeenten:
        raise Http404("Geen gemeenten van deze regio geladen (zicht load-geo)")

    def url(code):
        return f"{reverse('areas:gemeente')}?gemeente={code}" if code in allowed else None

    figures = region_figures(regio, gemeenten, missing, year, default_policy(), url)
    if year is None and figures.year != probe and gemeenten_in_regio(regio.code, figures.year) != codes:
        return figures_for(request, regio, figures.year)  # the newest data year has another membership
    return figures


@requires(*AREA_ROLES)
def own_region(request):
    regions = sorted(figure_region_codes(request.user))
    if not regions:
        raise PermissionDenied("Uw account hoort bij geen Veilig Thuis-regio.")
    return redirect("areas:region", code=regions[0])


@requires(*AREA_ROLES)
def region(request, code: str):
    regio = _region(request, code)
    figures = figures_for(request, regio, _year(request))
    areas = _map_areas(figures)
    svg, legend = maps.choropleth_svg(
        areas,
        gettext("Meldingen per 1.000 inwoners, regio %(regio)s, %(year)s") % {"regio": regio.naam, "year": figures.year},
        gettext("Kaart van de gemeenten van de regio; elke gemeente met haar cijfer."),
        gettext("per 1.000 inwoners"),
    )
    return render(
        request,
        "areas/region.html",
        {
            "regio": regio,
            "fig": figures,
            "map_svg": svg,
            "legend": legend,
            "policy": default_policy(),
            "year": figures.year,
        },
    )


def _map_areas(figures) -> list[maps.MapArea]:
    geo = {g.code: g.geometry for g in Gemeente.objects.filter(code__in=[g.code for g in figures.gemeenten]).only("code", "geometry")}
    return [
        maps.MapArea(g.code, g.naam, geo.get(g.code), figures.map_cells.get(g.code) or cbs_cell(None), figures.table("per1000").rows[i].url)
        for i, g in enumerate(figures.gemeenten)
    ]


FACTSHEET_TABLES = (
    ("per1000", N_("De gemeenten naast elkaar")),
    ("jaren", N_("Trend: meldingen per gemeente en jaar")),
    ("recidive", N_("Recidive binnen 12 maanden")),
    ("aard", N_("Aard van het geweld")),
    ("risico", N_("Risicofactoren (CBS)")),
)


@requires(*AREA_ROLES)
def region_factsheet_pdf(request, code: str):
    """The region's factsheet: tiles, the map, the gemeenten compared, the trend, recidive and risk factors."""
    regio = _region(request, code)
    figures = figures_for(request, regio, _year(request))
    head = figures.headline
    sheet = {
        "title": gettext("Factsheet Veilig Thuis-regio %(regio)s") % {"regio": regio.naam},
        "subtitle": gettext(
            "%(n)s gemeenten, %(year)s. Per gemeente dezelfde cijfers als op haar eigen pagina; de regiototalen zijn "
            "samen met die cijfers onthullingsbeveiligd. Dit blad beschrijft gebieden, nooit personen of huishoudens."
        )
        % {"n": len(figures.gemeenten), "year": figures.year},
        "tiles": [
            (head["meldingen"].display, gettext("meldingen in de regio"), str(figures.year)),
            (head["per1000"].display, gettext("per 1.000 inwoners"), gettext("regio")),
            (head["inwoners"].display, gettext("inwoners"), "CBS"),
            (str(head["gemeenten"]), gettext("gemeenten"), gettext("regio-indeling %(year)s") % {"year": figures.year}),
        ],
        "map": factsheet.map_drawing(_map_areas(figures), 178 * factsheet.mm),
        "map_heading": gettext("Meldingen per 1.000 inwoners per gemeente, %(year)s") % {"year": figures.year},
        "map_caption": gettext(
            "Klassen: kwartielen van de gepubliceerde waarden (licht: laag, donker: hoog); grijs: onderdrukt of "
            "geen gegevens. Elke gemeente draagt haar naam en cijfer. Gemeentegrenzen: CBS/PDOK, vereenvoudigd."
        ),
        "tables": [(gettext(heading), figures.table(tid)) for tid, heading in FACTSHEET_TABLES],
        "notes": [
            gettext(SOURCE_NOTE),
            gettext(
                "Onthullingsbeveiliging: aantallen afgerond op %(base)s, minder dan %(threshold)s niet getoond "
                "(<%(threshold)s); × = niet getoond omdat een verschil anders een onderdrukt cijfer zou teruggeven. "
                "Percentages uit gepubliceerde aantallen."
            )
            % {"base": default_policy().rounding_base, "threshold": default_policy().threshold},
        ],
    }
    response = HttpResponse(factsheet.render_region_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="factsheet-regio-{slugify(regio.code)}-{figures.year}.pdf"'
    return response


@requires(*AREA_ROLES)
def region_export(request, code: str, fmt: str):
    regio = _region(request, code)
    figures = figures_for(request, regio, _year(request))
    name = f"regio-{slugify(regio.code)}-{figures.year}"
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(figures.tables, gettext(SOURCE_NOTE)), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    wanted = request.GET.get("tabel") or figures.tables[0].id
    table = next((t for t in figures.tables if t.id == wanted), None)
    if table is None:
        raise Http404("Onbekende tabel")
    response = HttpResponse("\ufeff" + to_csv(table, gettext(SOURCE_NOTE)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.id}.csv"'
    return response


# --- maintenance of the region table (functioneel beheerder) ---------------------------------------


class MoveForm(forms.Form):
    gemeente_code = forms.RegexField(regex=r"^GM\d{4}$", label=gettext_lazy("Gemeentecode"), max_length=6)
    regio = forms.ModelChoiceField(VtRegio.objects.all(), label=gettext_lazy("Veilig Thuis-regio"))
    van_jaar = forms.IntegerField(min_value=2000, max_value=2100, label=gettext_lazy("Vanaf jaar"))
    bevestigd = forms.BooleanField(required=False, label=gettext_lazy("Bevestigd tegen een gepubliceerde lijst"))
    bron = forms.CharField(max_length=300, label=gettext_lazy("Bron"))


def move_gemeente(code: str, regio: VtRegio, van_jaar: int, bevestigd: bool, bron: str, naam: str = "") -> None:
    """Place gemeente ``code`` in ``regio`` from ``van_jaar``: the membership valid then ends the
    year before (or is replaced when it starts that year). Refuses an inconsistent result."""
    with transaction.atomic():
        rows = list(VtRegioGemeente.objects.select_for_update().filter(gemeente_code=code))
        naam = naam or next((r.gemeente_naam for r in rows), "") or code
        for r in rows:
            if r.van_jaar >= van_jaar:
                r.delete()
            elif r.tot_jaar is None or r.tot_jaar >= van_jaar:
                r.tot_jaar = van_jaar - 1
                r.handmatig = True
                r.save(update_fields=["tot_jaar", "handmatig"])
        VtRegioGemeente.objects.create(
            regio=regio, gemeente_code=code, gemeente_naam=naam, van_jaar=van_jaar, bevestigd=bevestigd, bron=bron, handmatig=True
        )
        problems = conflicts(memberships())
        if problems:
            raise ValueError("; ".join(problems[:3]))


@requires(roles.FUNCTIONEEL_BEHEERDER)
def manage(request):
    year = _year(request) or current_year()
    form = MoveForm(request.POST or None, initial={"van_jaar": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gemeente = Gemeente.objects.filter(code=data["gemeente_code"]).only("naam").first()
        try:
            move_gemeente(
                data["gemeente_code"], data["regio"], data["van_jaar"], data["bevestigd"], data["bron"], gemeente.naam if gemeente else ""
            )
        except ValueError as exc:
            form.add_error(None, gettext("Niet opgeslagen: %(reason)s") % {"reason": exc})
        else:
            log_access(
                request,
                action="change",
                record_type="vt_regio",
                record_id=data["gemeente_code"],
                reason=f"Regio-indeling: {data['gemeente_code']} naar {data['regio'].code} vanaf {data['van_jaar']}",
            )
            messages.success(request, gettext("De regio-indeling is opgeslagen."))
            return redirect(f"{reverse('areas:regions_manage')}?jaar={data['van_jaar']}")
    rows = [
        m
        for m in VtRegioGemeente.objects.select_related("regio").order_by("regio__naam", "gemeente_naam")
        if m.van_jaar <= year and (m.tot_jaar is None or year <= m.tot_jaar)
    ]
    by_region = {}
    for m in rows:
        by_region.setdefault(m.regio, []).append(m)
    return render(
        request,
        "areas/regions_manage.html",
        {
            "form": form,
            "year": year,
            "by_region": by_region.items(),
            "n_regions": VtRegio.objects.count(),
            "unconfirmed": sum(1 for m in rows if not m.bevestigd),
        },
    )
