"""Gebiedscan pages: gemeente overview, wijk page, map, factsheet (HTML and PDF), exports.

Aggregates only: these views never list or link to an individual, an address or a
household, so they are open to the beleidsmedewerker as well as the ketenregisseur.
Every figure is built in ``figures`` through ``disclosure``.
"""

from __future__ import annotations

import hashlib
import os
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext

from zicht.access import roles
from zicht.access.roles import N_
from zicht.access.rules import requires, user_role
from zicht.access.scoping import figure_gemeente_codes
from zicht.geo.cbs import INDICATORS
from zicht.geo.models import Gemeente, Kerncijfer, Wijk

from . import charts, maps
from .data import data_version, wijken_of
from .disclosure import Cell
from .factsheet import render_pdf
from .figures import AreaFigures, gemeente_figures, wijk_figures, wijk_rate_cells
from .infographic import add_to_sheet, gemeente_infographic
from .policy import default_policy
from .recidive import load_episodes, recidive_figures
from .risk import area_risk_profile, context_profile
from .similar import similar_wijken
from .tables import FigureRow, FigureTable, cbs_cell, to_csv, to_xlsx

AREA_ROLES = (roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR)
# Dutch msgids (N_): the API publishes them as they are; the pages, exports and PDFs translate them.
SOURCE_NOTE = N_(
    "Bronnen: Zicht-register (meldingen van partners, onthullingsbeveiligd: afgerond op 5, <10 onderdrukt); "
    "CBS Kerncijfers wijken en buurten, PDOK/Kadaster (CC BY 4.0)."
)
MAP_INDICATORS = ("per1000", "pct_rond_sociaal_min", "pct_hh_laag_inkomen", "pct_65plus", "bevolkingsdichtheid", "pct_0_15", "inwoners")
AREA_ONLY = N_(
    "Deze gebiedscan beschrijft gebieden, nooit personen of huishoudens. Sociaal-economische cijfers worden "
    "alleen op gebiedsniveau gebruikt en nooit om inwoners te selecteren."
)


def _year(request) -> int | None:
    value = request.GET.get("jaar", "")
    return int(value) if value.isdigit() else None


def check_area(request, code: str) -> None:
    """Refuse a gemeente or wijk outside the user's figure scope (zicht.access.scoping.figure_gemeente_codes):
    a beleidsmedewerker sees their own gemeente in detail, other gemeenten only on their region page."""
    gemeente = "GM" + code[2:6] if re.fullmatch(r"(GM\d{4}|WK\d{6})", code) else code
    if gemeente not in figure_gemeente_codes(request.user):
        raise PermissionDenied("De registercijfers van deze gemeente zijn niet voor uw account; zie de regiopagina.")


def _gemeente_for(request) -> Gemeente:
    code = (request.GET.get("gemeente") or "").upper()
    if not code:
        profile = getattr(request.user, "zicht_profile", None)
        allowed = figure_gemeente_codes(request.user)
        code = getattr(profile, "gemeente_id", None) or (
            settings.DEMO_GEMEENTE if settings.DEMO_GEMEENTE in allowed or not allowed else min(allowed)
        )
    if not re.fullmatch(r"GM\d{4}", code):
        raise Http404("Onbekende gemeentecode")
    check_area(request, code)
    return get_object_or_404(Gemeente.objects.defer("geometry"), code=code)


def _figures_for(code: str, year: int | None) -> tuple[AreaFigures, object]:
    policy = default_policy()
    if re.fullmatch(r"GM\d{4}", code):
        gemeente = get_object_or_404(Gemeente, code=code)
        return gemeente_figures(gemeente, year, policy, wijk_url=lambda c: reverse("areas:wijk", args=[c])), gemeente
    if re.fullmatch(r"WK\d{6}", code):
        wijk = get_object_or_404(Wijk.objects.select_related("gemeente"), code=code)
        return wijk_figures(wijk, year, policy), wijk
    raise Http404("Onbekende gebiedscode")


def _risk_table(code: str) -> tuple[list, FigureTable]:
    scores = area_risk_profile(code)
    is_gm = code.startswith("GM")
    rows = []
    for s in scores:
        cells = [cbs_cell(s.value, s.unit, f"CBS {s.year or ''}".strip())]
        if not is_gm:
            cells.append(cbs_cell(s.gemeente_value, s.unit, f"CBS {s.year or ''}".strip()))
        cells.append(cbs_cell(s.national_value, s.unit, f"CBS {s.year or ''}".strip()))
        rows.append(FigureRow(f"{s.label}: {s.indicator_label}", cells, code=s.indicator))
    columns = [gettext("Gebied")] + ([] if is_gm else [gettext("Gemeente")]) + [gettext("Nederland")]
    table = FigureTable(
        "risicoprofiel",
        gettext("Risicofactoren uit CBS-cijfers"),
        gettext("Risicofactor en indicator"),
        columns,
        rows,
        note=gettext(
            "Per indicator het nieuwste jaar waarin het gebied een waarde heeft; gemeente en Nederland "
            "uit hetzelfde jaar. Verhoogd = meer dan 10% boven de referentie."
        ),
    )
    return scores, table


def _context_table(code: str) -> FigureTable:
    rows = []
    is_gm = code.startswith("GM")
    for r in context_profile(code):
        cells = [cbs_cell(r["value"], r["unit"], f"CBS {r['year']}")]
        if not is_gm:
            cells.append(cbs_cell(r["gemeente_value"], r["unit"], f"CBS {r['year']}"))
        cells.append(cbs_cell(r["national_value"], r["unit"], f"CBS {r['year']}"))
        rows.append(FigureRow(f"{r['label']} ({r['unit']}, {r['year']})", cells, code=r["indicator"]))
    columns = [gettext("Gebied")] + ([] if is_gm else [gettext("Gemeente")]) + [gettext("Nederland")]
    return FigureTable(
        "kenmerken",
        gettext("Bevolking, leeftijdsopbouw en dichtheid (CBS)"),
        gettext("Kenmerk"),
        columns,
        rows,
        note=gettext("Landelijke waarden voor 2022–2024 zijn afgeleid uit de gemeenten (som of gewogen gemiddelde)."),
    )


def _map(gemeente: Gemeente, cells: dict, unit: str, title: str, highlight: str | None = None):
    areas = [
        maps.MapArea(
            w.code,
            w.naam,
            w.geometry,
            cells.get(w.code) or cbs_cell(None),
            reverse("areas:wijk", args=[w.code]),
            highlight=w.code == highlight,
        )
        for w in wijken_of(gemeente.code)
        if w.geometry
    ]
    svg, legend = maps.choropleth_svg(
        areas,
        title,
        gettext(
            "Kaart van de wijken van %(gemeente)s; elke wijk is een link naar de wijkpagina. "
            "De tabel naast de kaart bevat dezelfde cijfers."
        )
        % {"gemeente": gemeente.naam},
        unit,
    )
    for entry in legend:
        entry["swatch"] = maps.swatch_svg(entry)
    return svg, legend


def _cbs_map_cells(gemeente: Gemeente, indicator: str) -> tuple[dict, int | None]:
    qs = Kerncijfer.objects.filter(area_code__startswith=f"WK{gemeente.code[2:6]}", indicator=indicator)
    years = sorted(set(qs.values_list("jaar", flat=True)))
    if not years:
        return {}, None
    year = years[-1]
    unit = INDICATORS[indicator].unit
    return {c: cbs_cell(v, unit, f"CBS {year}") for c, v in qs.filter(jaar=year).values_list("area_code", "value")}, year


# Page bodies hold only controlled aggregates (no user data, no CSRF token), so one cached copy
# serves every user of a role; 0 disables. The cache is the shared one (settings.CACHES): one
# worker computes a page, the others reuse it.
FRAGMENT_SECONDS = int(os.environ.get("ZICHT_AREAS_FRAGMENT_SECONDS", "300"))


def _fragment(request, parts: tuple, build):
    """A user-independent page part, cached per role and data version.

    The role is part of the key although both roles see the same aggregates today: a page that
    ever shows a role more must never be served from another role's copy. The UI language is part
    of it too: an English page never comes from a Dutch copy (issue 18).
    """
    raw = repr((*parts, user_role(request.user), get_language(), default_policy(), data_version()))
    key = f"areas:{parts[0]}:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key) if FRAGMENT_SECONDS else None
    if value is None:
        value = build()
        if FRAGMENT_SECONDS:
            cache.set(key, value, FRAGMENT_SECONDS)
    return value


@requires(*AREA_ROLES)
def gemeente(request):
    gm = _gemeente_for(request)
    year = _year(request)
    body = _fragment(
        request, ("gemeente", gm.code, year), lambda: render_to_string("areas/_gemeente_body.html", _gemeente_context(gm, year))
    )
    return render(request, "areas/gemeente.html", {"gemeente": gm, "body": mark_safe(body)})


def _gemeente_context(gm, year):
    figures, _ = _figures_for(gm.code, year)
    svg, legend = _map(
        gm,
        figures.map_cells,
        gettext("per 1.000 inwoners"),
        gettext("Meldingen per 1.000 inwoners, %(period)s") % {"period": figures.period.label},
    )
    scores, risk_table = _risk_table(gm.code)
    return {
        "gemeente": gm,
        "fig": figures,
        "policy": default_policy(),
        "map_svg": svg,
        "legend": legend,
        "map_table": figures.table("per1000"),
        "trend_svg": charts.line_chart(
            figures.trend["x"], figures.trend["series"], gettext("Meldingen per maand, %(area)s") % {"area": gm.naam}
        ),
        "years_svg": charts.line_chart(
            figures.years_trend["x"], figures.years_trend["series"], gettext("Meldingen per jaar, %(area)s") % {"area": gm.naam}
        ),
        "years_table": figures.table("jaren"),
        "aard_svg": charts.bar_chart(
            [(label, cell) for label, cell, _ in figures.headline["aard"]], gettext("Meldingen naar aard van het geweld")
        ),
        "tables": [t for t in figures.tables if t.id not in ("per1000", "maanden", "jaren")],
        "trend_table": figures.table("maanden"),
        "risk_rows": list(zip(scores, risk_table.rows)),
        "risk_table": risk_table,
        "context_table": _context_table(gm.code),
        "gemeenten": Gemeente.objects.filter(geometry__isnull=False).only("code", "naam"),
        "area_only": gettext(AREA_ONLY),
    }


def _similar(code: str, scope: str) -> dict:
    """Similar wijken with their indicators as CBS cells and the distance as a score cell."""
    result = similar_wijken(code, 6, scope)
    units = [unit for _, _, unit in result["indicators"]]
    result["target_cells"] = [cbs_cell(v, u) for v, u in zip(result["target_values"], units)] if result["target_values"] else None
    for row in result["rows"]:
        row["cells"] = [cbs_cell(v, u) for v, u in zip(row["values"], units)]
        row["distance_cell"] = Cell(
            round(row["distance"], 2),
            "ok",
            gettext("Afstand in het gestandaardiseerde indicatorprofiel (z-scores, euclidisch); kleiner is meer gelijk."),
            f"{row['distance']:.2f}".replace(".", ","),
            "score",
        )
    result["zero"] = Cell(0.0, "ok", gettext("Deze wijk zelf."), "0", "score")
    return result


@requires(*AREA_ROLES)
def wijk(request, code: str):
    check_area(request, code.upper())
    code = code.upper()
    if not re.fullmatch(r"WK\d{6}", code):
        raise Http404("Onbekende wijkcode")
    year = _year(request)
    scope = "gemeente" if request.GET.get("vergelijk") == "gemeente" else "nl"

    def build() -> dict:
        wk = get_object_or_404(Wijk.objects.select_related("gemeente").defer("geometry", "gemeente__geometry"), code=code)
        return {"naam": wk.naam, "body": render_to_string("areas/_wijk_body.html", _wijk_context(wk, year, scope))}

    # The wijk's name travels with its body: a cached page needs no query of its own.
    page = _fragment(request, ("wijk", code, year, scope), build)
    return render(request, "areas/wijk.html", {"wijk": {"naam": page["naam"]}, "body": mark_safe(page["body"])})


def _wijk_context(wk, year, scope):
    figures, _ = _figures_for(wk.code, year)
    scores, risk_table = _risk_table(wk.code)
    cells, _ = wijk_rate_cells(wk.gemeente_id, figures.period.year, default_policy())
    svg, legend = _map(
        wk.gemeente,
        cells,
        gettext("per 1.000 inwoners"),
        gettext("Meldingen per 1.000 inwoners per wijk, %(period)s; %(wijk)s met dikke rand")
        % {"period": figures.period.label, "wijk": wk.naam},
        highlight=wk.code,
    )
    return {
        "wijk": wk,
        "fig": figures,
        "policy": default_policy(),
        "risk_rows": list(zip(scores, risk_table.rows)),
        "risk_table": risk_table,
        "context_table": _context_table(wk.code),
        "similar": _similar(wk.code, scope),
        "trend_svg": charts.line_chart(
            figures.trend["x"], figures.trend["series"], gettext("Meldingen per maand, %(area)s") % {"area": wk.naam}
        ),
        "trend_table": figures.table("maanden"),
        "years_svg": charts.line_chart(
            figures.years_trend["x"], figures.years_trend["series"], gettext("Meldingen per jaar, %(area)s") % {"area": wk.naam}
        ),
        "years_table": figures.table("jaren"),
        "aard_svg": charts.bar_chart(
            [(label, cell) for label, cell, _ in figures.headline["aard"]], gettext("Meldingen naar aard van het geweld")
        ),
        "tables": [t for t in figures.tables if t.id not in ("maanden", "jaren")],
        "map_svg": svg,
        "legend": legend,
        "area_only": gettext(AREA_ONLY),
    }


@requires(*AREA_ROLES)
def kaart(request):
    gm = _gemeente_for(request)
    indicator = request.GET.get("indicator", "per1000")
    if indicator not in MAP_INDICATORS:
        indicator = "per1000"
    if indicator == "per1000":
        figures, _ = _figures_for(gm.code, _year(request))
        cells, unit = figures.map_cells, gettext("per 1.000 inwoners")
        title = gettext("Meldingen per 1.000 inwoners, %(period)s") % {"period": figures.period.label}
        table = figures.table("per1000")
        period = figures.period
    else:
        cells, year = _cbs_map_cells(gm, indicator)
        unit = INDICATORS[indicator].unit
        title = f"{gettext(INDICATORS[indicator].label)} ({unit}), CBS {year or ''}".strip()
        names = {w.code: w for w in wijken_of(gm.code)}
        table = FigureTable(
            "kaart",
            title,
            gettext("Wijk"),
            [gettext(INDICATORS[indicator].label)],
            [FigureRow(w.naam, [cells.get(c) or cbs_cell(None)], url=reverse("areas:wijk", args=[c]), code=c) for c, w in names.items()],
        )
        period = None
    svg, legend = _map(gm, cells, unit, title)
    return render(
        request,
        "areas/kaart.html",
        {
            "gemeente": gm,
            "map_svg": svg,
            "legend": legend,
            "table": table,
            "title": title,
            "indicator": indicator,
            "indicators": [
                (k, gettext("Meldingen per 1.000 inwoners") if k == "per1000" else gettext(INDICATORS[k].label)) for k in MAP_INDICATORS
            ],
            "policy": default_policy(),
            "period": period,
            "area_only": gettext(AREA_ONLY),
        },
    )


def _sheet(code: str, year: int | None) -> dict:
    figures, area = _figures_for(code, year)
    h = figures.headline
    is_wijk = figures.level == "wijk"
    tiles = [
        (h["meldingen"].display, gettext("meldingen"), figures.period.label),
        (
            h["per1000"].display,
            gettext("per 1.000 inwoners"),
            gettext("gemeente: %(value)s") % {"value": h["gemeente_per1000"].display}
            if is_wijk
            else gettext("%(value)s inwoners") % {"value": h["inwoners"].display},
        ),
        (h["herhaald"].display, gettext("herhaalde meldingen"), gettext("zelfde adres binnen 12 maanden")),
    ]
    if is_wijk:
        tiles.append((h["kinderen"].display, gettext("met kinderen in het gezin"), gettext("van de meldingen")))
    scores, _ = _risk_table(code)

    def fmt(v, unit):
        return cbs_cell(v, unit).display

    header = [gettext("Risicofactor"), gettext("Indicator"), gettext("Gebied")]
    header += [gettext("Gemeente") if is_wijk else gettext("Nederland"), gettext("Verhoogd")]
    risk_rows = [header] + [
        [
            s.label,
            s.indicator_label,
            fmt(s.value, s.unit),
            fmt(s.gemeente_value if is_wijk else s.national_value, s.unit),
            gettext("ja") if s.elevated else gettext("nee"),
        ]
        for s in scores
        if s.value is not None
    ]
    gm_code = "GM" + figures.code[2:6]
    recidive = recidive_figures(load_episodes(gm_code), default_policy(), wijk=figures.code if is_wijk else None)
    recidive_rows = [[gettext("Nieuwe registratie"), *(gettext("binnen %(months)s mnd") % {"months": m} for m in recidive["windows"])]]
    recidive_rows += [[r.label, *(s.display for s in r.shares)] for r in recidive["overview"]]
    compare = figures.tables[0]
    key_rows = [["", *compare.columns[:3]]] + [[r.label, *(c.display for c in r.cells[:3])] for r in compare.body()]
    return {
        "figures": figures,
        "area": area,
        "title": (gettext("Factsheet wijk %(name)s") if is_wijk else gettext("Factsheet gemeente %(name)s")) % {"name": figures.naam},
        "subtitle": (
            figures.code
            + (gettext(" · gemeente %(name)s") % {"name": area.gemeente.naam} if is_wijk else "")
            + gettext(" · periode %(period)s. ") % {"period": figures.period.label}
            + gettext(AREA_ONLY)
        ),
        "tiles": tiles,
        "bars": [(label, cell) for label, cell, _ in h["aard"]],
        "key_rows": key_rows,
        "risk_rows": risk_rows if len(risk_rows) > 1 else [],
        "recidive": recidive["overview"],
        "recidive_windows": recidive["windows"],
        "recidive_rows": recidive_rows,
        "recidive_query": f"gemeente={gm_code}" + (f"&wijk={figures.code}" if is_wijk else ""),
        "notes": [
            gettext(
                "Onthullingsbeveiliging: aantallen afgerond op 5; aantallen onder de %(threshold)s getoond als "
                "<%(threshold)s; × = weggelaten zodat een onderdrukt getal niet via een totaal terug te rekenen is. "
                "Percentages en rates zijn berekend uit de afgeronde aantallen."
            )
            % {"threshold": default_policy().threshold},
            gettext(SOURCE_NOTE),
        ],
    }


@requires(*AREA_ROLES)
def factsheet(request, code: str):
    check_area(request, code.upper())
    sheet = _sheet(code.upper(), _year(request))
    figures = sheet["figures"]
    return render(
        request,
        "areas/factsheet.html",
        {
            "sheet": sheet,
            "fig": figures,
            "policy": default_policy(),
            "aard_svg": charts.bar_chart(sheet["bars"], gettext("Meldingen naar aard van het geweld")),
            "compare": figures.tables[0],
            "risk": [s for s in area_risk_profile(code.upper()) if s.value is not None],
            "area_only": gettext(AREA_ONLY),
        },
    )


@requires(*AREA_ROLES)
def factsheet_pdf(request, code: str):
    check_area(request, code.upper())
    sheet = _sheet(code.upper(), _year(request))
    if sheet["figures"].level == "gemeente":
        add_to_sheet(sheet, gemeente_infographic(sheet["area"], _year(request), default_policy()))
    response = HttpResponse(render_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="factsheet-{slugify(sheet["figures"].naam)}-{sheet["figures"].code}.pdf"'
    return response


@requires(*AREA_ROLES)
def export(request, code: str, fmt: str):
    code = code.upper()
    if not re.fullmatch(r"GM\d{4}|WK\d{6}", code):
        raise Http404("Onbekende gebiedscode")
    check_area(request, code)
    figures, _ = _figures_for(code, _year(request))
    tables = list(figures.tables)
    tables.append(_risk_table(code)[1])
    tables.append(_context_table(code))
    name = f"gebiedscan-{code}-{figures.period.year}"
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(tables, gettext(SOURCE_NOTE)), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    wanted = request.GET.get("tabel") or tables[0].id
    table = next((t for t in tables if t.id == wanted), None)
    if table is None:
        raise Http404("Onbekende tabel")
    response = HttpResponse("\ufeff" + to_csv(table, gettext(SOURCE_NOTE)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.id}.csv"'
    return response
