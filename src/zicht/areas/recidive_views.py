"""The recidive page (gemeente or wijk): rates, Kaplan–Meier curves with their tables, disclosure-controlled.

Aggregates only, like the gebiedscan: open to the beleidsmedewerker and the ketenregisseur.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext

from zicht.access.rules import requires
from zicht.geo.models import Wijk

from .charts import LINE_STYLES, line_chart
from .effect_figures import comparison_candidates, default_comparison, estimate_for, quarterly_rates
from .effects import signed_pct
from .policy import default_policy
from .recidive import AARD_LABELS, load_episodes, recidive_figures
from .recidive_rules import EPISODE_DAYS
from .views import AREA_ONLY, AREA_ROLES, _gemeente_for


def survival_chart(curves: list[dict], title: str, width: int = 640, height: int = 280, months: int = 24) -> str:
    """Cumulative share with a next registration per month, with its 95% band; gaps where suppressed."""
    left, right, top, bottom = 44, 12, 14, 56
    pw, ph = width - left - right, height - top - bottom
    highs = [p.high for c in curves for p in c["points"] if p.share.value is not None and p.high is not None]
    ymax = max(10, min(100, (int(max(highs, default=0) * 100) // 10 + 1) * 10))

    def x(m):
        return left + pw * m / months

    def y(v):
        return top + ph - ph * v / ymax

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="line-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        v = ymax * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{v:g}%</text>'
        )
    for m in range(0, months + 1, 6):
        parts.append(f'<text x="{x(m):.1f}" y="{top + ph + 16}" text-anchor="middle" font-size="10">{m} mnd</text>')
    for ci, curve in enumerate(curves):
        colour, dash = LINE_STYLES[ci % len(LINE_STYLES)]
        segments, seg = [], []
        for p in curve["points"]:
            if p.share.value is None:
                if seg:
                    segments.append(seg)
                seg = []
            else:
                seg.append(p)
        if seg:
            segments.append(seg)
        for seg in segments:
            if len(seg) > 1 and seg[0].low is not None:
                upper = " ".join(f"{x(p.month):.1f},{y(100 * p.high):.1f}" for p in seg)
                lower = " ".join(f"{x(p.month):.1f},{y(100 * p.low):.1f}" for p in reversed(seg))
                parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.12" stroke="none"/>')
            pts = " ".join(f"{x(p.month):.1f},{y(p.share.value):.1f}" for p in seg)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if len(seg) == 1:
                parts.append(f'<circle cx="{x(seg[0].month):.1f}" cy="{y(seg[0].share.value):.1f}" r="2.5" fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
            for p in seg:
                parts.append(
                    f'<circle cx="{x(p.month):.1f}" cy="{y(p.share.value):.1f}" r="5" fill="transparent">'
                    f"<title>{escape(curve['label'])}, {p.month} maanden: {escape(p.share.display)} "
                    f"({escape(p.interval)})</title></circle>"
                )
    lx = left
    for ci, curve in enumerate(curves):
        colour, dash = LINE_STYLES[ci % len(LINE_STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{height - 12}" y2="{height - 12}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/><text x="{lx + 26}" y="{height - 8}" font-size="11">'
            f"{escape(curve['label'])}</text>"
        )
        lx += 34 + 7 * len(curve["label"])
    parts.append("</svg>")
    return "".join(parts)


def curve_table(curves: list[dict], months) -> dict:
    """Rows per month of the table beside a chart: per curve the share, its interval and the number followed."""
    by_month = []
    for m in months:
        row = []
        for c in curves:
            p = next(p for p in c["points"] if p.month == m)
            row.append(p)
        by_month.append((m, row))
    return {"labels": [c["label"] for c in curves], "rows": by_month}


@requires(*AREA_ROLES)
def recidive(request):
    gm = _gemeente_for(request)
    wijk_code = (request.GET.get("wijk") or "").upper() or None
    wijk = None
    if wijk_code:
        if not re.fullmatch(r"WK\d{6}", wijk_code):
            raise Http404("Onbekende wijkcode")
        wijk = get_object_or_404(Wijk.objects.defer("geometry"), code=wijk_code, gemeente_id=gm.code)
    policy = default_policy()
    figures = recidive_figures(load_episodes(gm.code), policy, wijk=wijk_code)
    naam = wijk.naam if wijk else gm.naam
    return render(
        request,
        "areas/recidive.html",
        {
            "gemeente": gm,
            "wijk": wijk,
            "naam": naam,
            "fig": figures,
            "policy": policy,
            "area_only": gettext(AREA_ONLY),
            "overview": figures["overview"],
            "aard": figures["aard"],
            "kinderen": figures["kinderen"],
            "cohorts": figures["cohorts"],
            "per_wijk": figures["per_wijk"],
            "episode_days": EPISODE_DAYS,
            "wijken": Wijk.objects.filter(gemeente_id=gm.code).order_by("naam").only("code", "naam"),
            "curve_svg": survival_chart(
                figures["curves"],
                gettext("Aandeel adressen met een nieuwe registratie na een eerste, per jaar van de eerste registratie, %(area)s")
                % {"area": naam},
            ),
            "curve_table": curve_table(figures["curves"], figures["table_months"]),
            "kinderen_svg": survival_chart(
                figures["curves_kinderen"],
                gettext("Aandeel adressen met een nieuwe registratie, met en zonder kinderen, %(area)s") % {"area": naam},
            ),
            "kinderen_table": curve_table(figures["curves_kinderen"], figures["table_months"]),
        },
    )


@requires(*AREA_ROLES)
def effect(request):
    """Before/after of a wijk against comparison wijken (editable; default the five most similar by CBS profile
    and pre-period trend, ``effect_figures.comparison_candidates``), with the parallel-trends warning."""
    gm = _gemeente_for(request)
    wijken = list(Wijk.objects.filter(gemeente_id=gm.code).order_by("naam").only("code", "naam"))
    names = {w.code: w.naam for w in wijken}
    code = (request.GET.get("wijk") or "").upper()
    context = {
        "gemeente": gm,
        "wijken": wijken,
        "area_only": gettext(AREA_ONLY),
        "policy": default_policy(),
        "code": code,
        "start": request.GET.get("start", ""),
        "aard": request.GET.get("aard", ""),
        "aarden": [(k, gettext(v)) for k, v in AARD_LABELS.items()],
    }
    if code:
        if code not in names:
            raise Http404("Onbekende wijkcode")
        try:
            start = date.fromisoformat(context["start"])
        except ValueError:
            start = None
        aard = context["aard"] if context["aard"] in AARD_LABELS else None
        ranked = comparison_candidates(gm.code, code, list(names), start, aard)
        suggested = default_comparison(ranked)
        chosen = [c for c in request.GET.getlist("vergelijk") if c in names and c != code]
        comparison = chosen or suggested
        context.update(
            {
                "naam": names[code],
                "comparison": comparison,
                "similar": suggested,
                "edited": bool(chosen) and set(chosen) != set(suggested),
                "comparison_names": [names[c] for c in comparison],
                "candidates": [
                    {"code": r.code, "naam": names[r.code], "rank": i + 1, "reason": r.reason, "suggested": r.code in suggested}
                    for i, r in enumerate(ranked)
                ],
            }
        )
        series = quarterly_rates(gm.code, code, comparison, default_policy(), aard)
        context["rates"] = series["rows"]
        context["chart"] = line_chart(
            series["quarters"],
            [
                {"label": names[code], "cells": [r[1] for r in series["rows"]]},
                {"label": gettext("Vergelijkingswijken samen"), "cells": [r[2] for r in series["rows"]]},
            ],
            gettext("Registraties per 1.000 inwoners per kwartaal: %(wijk)s en vergelijkingswijken") % {"wijk": names[code]},
        )
        if start is not None:
            result = estimate_for(gm.code, code, comparison, start, aard)
            result["tekst"] = result["tekst"].replace(code, names[code])
            for c in comparison:
                result["tekst"] = result["tekst"].replace(c, names[c])
            if result["estimate"] is not None:
                result.update(
                    estimate_pct=signed_pct(result["estimate"]),
                    ci_low_pct=signed_pct(result["ci_low"]),
                    ci_high_pct=signed_pct(result["ci_high"]),
                )
            if result["pre_trend"]["verschil_per_jaar"] is not None:
                result["pre_trend_pct"] = signed_pct(result["pre_trend"]["verschil_per_jaar"])
            if result["waarschuwing"]:
                result["waarschuwing"] = result["waarschuwing"].replace(gettext("het gebied"), names[code])
            context["result"] = result
    return render(request, "areas/effect.html", context)
