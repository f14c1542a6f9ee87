"""The infographic per gemeente and per region (issue 18): figures through disclosure only,
accessible SVG, PNG and SVG downloads, scoped like the pages it belongs to."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from zicht.access import roles
from zicht.areas.disclosure import control_total
from zicht.areas.figures import gemeente_figures
from zicht.areas.infographic import Fact, Infographic, gemeente_infographic, render_png, render_svg, top_facts
from zicht.areas.policy import default_policy
from zicht.core.testing import make_user
from zicht.geo.models import Gemeente

from .test_regions import TILBURG, region  # noqa: F401 -- the region fixture


def _info(**kw) -> Infographic:
    base = dict(
        kind="gemeente",
        code="GM0001",
        naam="Sint-Michielsgestel <&> Oost",
        period="2024",
        tiles=[("meldingen in het register", control_total(123)), ("per 1.000 inwoners", control_total(4))],
        trend=[("2023", control_total(50)), ("2024", control_total(7))],
        compare_title="Wijken vergeleken",
        compare=[("Een wijk met een heel erg lange naam die niet past", control_total(40), False), ("Gemeente", control_total(60), True)],
        facts=[Fact("Huiselijk geweld komt maar weinig voor.", "niet waar", "CBS", 2017, "https://example.org/")],
    )
    base.update(kw)
    return Infographic(**base)


def test_svg_has_title_desc_escaped_text_and_no_external_assets():
    svg = render_svg(_info(), today=date(2026, 1, 2))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="ig-title ig-desc"' in svg
    title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
    assert "Sint-Michielsgestel &lt;&amp;&gt; Oost" in title
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    # the description carries every figure, as published: 123 -> 125, 7 -> <10
    assert "meldingen in het register: 125" in desc and "2024 &lt;10" in desc and "Niet waar" in desc
    assert "<&>" not in svg  # escaped everywhere
    # local fonts only, no web font, no linked image or stylesheet
    assert "@font-face" not in svg and "<image" not in svg and "href=" not in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]
    assert "02-01-2026" in svg
    # a long area name is shortened in the bar's label only; the desc keeps it whole
    assert "Een wijk met een heel erg lange naam die niet past" in desc and "…" in svg


def test_suppressed_cells_are_marked_never_drawn_as_values():
    svg = render_svg(_info(trend=[("2024", control_total(3))]))
    assert "&lt;10" in svg and 'stroke-dasharray="6 4"' in svg
    assert ">3<" not in svg  # the raw count never appears


def test_png_is_a_png_of_the_svg_size():
    png = render_png(render_svg(_info()))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1080, 1350)


def test_top_facts_come_from_the_factchecker():
    from zicht.knowledge.domain.factcheck import top_facts as knowledge_top

    facts = top_facts(3)
    assert [f.statement for f in facts] == [s.statement for s in knowledge_top(3)]
    assert all(f.url.startswith("http") and f.year for f in facts)


@pytest.mark.django_db
def test_gemeente_infographic_shows_only_the_pages_published_cells(tilburg_reports):
    gm = Gemeente.objects.get(code="GM0855")
    policy = default_policy()
    info = gemeente_infographic(gm, 2024, policy)
    fig = gemeente_figures(gm, 2024, policy)
    assert [c for _label, c in info.tiles] == [fig.headline[k] for k in ("meldingen", "per1000", "herhaald", "inwoners")]
    published_rates = {r.label: r.cells[2] for r in fig.table("per1000").rows}
    for name, cell, ref in info.compare:
        assert cell == (fig.headline["per1000"] if ref else published_rates[name])
    assert [c for _y, c in info.trend] == fig.years_trend["series"][0]["cells"]
    for cell in [c for _label, c in info.tiles] + [c for _y, c in info.trend]:
        assert cell.value is None or cell.kind != "count" or cell.value % policy.rounding_base == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [(roles.BELEIDSMEDEWERKER, True), (roles.KETENREGISSEUR, True), (roles.PROFESSIONAL, False), (roles.FUNCTIONEEL_BEHEERDER, False)],
)
def test_gemeente_page_and_downloads_per_role(client, tilburg_reports, role, allowed):
    client.force_login(make_user(role))
    page = client.get("/gebied/infographic/GM0855/?jaar=2024")
    if not allowed:
        assert page.status_code == 403
        assert client.get("/gebied/infographic/GM0855.svg").status_code == 403
        return
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="ig-kern"' in html and 'class="table-scroll" tabindex="0"' in html
    svg = client.get("/gebied/infographic/GM0855.svg?jaar=2024")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == 'attachment; filename="infographic-tilburg-gm0855.svg"'
    assert b"Tilburg" in svg.content
    png = client.get("/gebied/infographic/GM0855.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert "tilburg" in png["Content-Disposition"]
    assert client.get("/gebied/infographic/GM0855.gif").status_code == 404
    # the gemeente page links to it
    assert "/gebied/infographic/GM0855/" in client.get("/gebied/").content.decode()


def test_region_infographic_scoped_to_the_own_region(region):  # noqa: F811
    beleid = Client()
    beleid.force_login(make_user(roles.BELEIDSMEDEWERKER, username="b-tilburg", gemeente_id=TILBURG))
    page = beleid.get("/gebied/regio/midden-brabant/infographic/?jaar=2024")
    html = page.content.decode()
    assert page.status_code == 200 and "Goirle" in html and "Hilvarenbeek" in html
    assert "/gebied/regio/midden-brabant/infographic/" in beleid.get("/gebied/regio/midden-brabant/").content.decode()
    svg = beleid.get("/gebied/regio/midden-brabant/infographic.svg?jaar=2024")
    assert svg.status_code == 200 and "midden-brabant" in svg["Content-Disposition"]
    assert beleid.get("/gebied/regio/brabant-noordoost/infographic/").status_code == 403
    assert beleid.get("/gebied/regio/brabant-noordoost/infographic.png").status_code == 403
