"""The infographic pages and downloads (SVG, PNG) per gemeente and per Veilig Thuis-region.

Same roles and scope as the gemeente and region pages (``views.check_area``,
``region_views._region``): aggregates only, every figure through disclosure (see ``infographic``).
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from zicht.access.rules import requires
from zicht.geo.models import Gemeente

from . import region_views
from .infographic import Infographic, gemeente_infographic, region_infographic, render_png, render_svg
from .policy import default_policy
from .views import AREA_ONLY, AREA_ROLES, _year, check_area

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _gemeente(request, code: str) -> Infographic:
    code = code.upper()
    if not re.fullmatch(r"GM\d{4}", code):
        raise Http404("Onbekende gemeentecode")
    check_area(request, code)
    gm = get_object_or_404(Gemeente.objects.defer("geometry"), code=code)
    return gemeente_infographic(gm, _year(request), default_policy())


def _region(request, code: str) -> Infographic:
    regio = region_views._region(request, code)
    return region_infographic(region_views.figures_for(request, regio, _year(request)))


def _page(request, info: Infographic, download: str, back_url: str):
    query = f"?jaar={request.GET['jaar']}" if _year(request) else ""
    return render(
        request,
        "areas/infographic.html",
        {
            "info": info,
            "svg": mark_safe(render_svg(info)),  # every text in it is escaped by render_svg
            "svg_url": reverse(download, args=[info.code, "svg"]) + query,
            "png_url": reverse(download, args=[info.code, "png"]) + query,
            "back_url": back_url,
            "area_only": gettext(AREA_ONLY),
        },
    )


def _download(info: Infographic, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Onbekend formaat")
    svg = render_svg(info)
    body = svg.encode("utf-8") if fmt == "svg" else render_png(svg)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{info.filename}.{fmt}"'
    return response


@requires(*AREA_ROLES)
def gemeente_page(request, code: str):
    info = _gemeente(request, code)
    return _page(request, info, "areas:infographic_download", f"{reverse('areas:gemeente')}?gemeente={info.code}")


@requires(*AREA_ROLES)
def gemeente_download(request, code: str, fmt: str):
    return _download(_gemeente(request, code), fmt)


@requires(*AREA_ROLES)
def region_page(request, code: str):
    info = _region(request, code)
    return _page(request, info, "areas:region_infographic_download", reverse("areas:region", args=[info.code]))


@requires(*AREA_ROLES)
def region_download(request, code: str, fmt: str):
    return _download(_region(request, code), fmt)
