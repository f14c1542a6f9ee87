"""The colour list's keyset pages and the shared cache: fresh after every recolour, per region."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zicht.access import roles
from zicht.casework.colour import views
from zicht.casework.colour.services import recolour
from zicht.casework.models import ColourResult
from zicht.core.testing import make_user
from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.registry.models import Address

from . import factories as fx


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3.2026-01-02.5", (3, date(2026, 1, 2), 5)),
        ("0..17", (0, None, 17)),
        ("", None),
        (None, None),
        ("3.2026-01-02", None),
        ("x.2026-01-02.5", None),
        ("3.2026-13-40.5", None),
        ("3.2026-01-02.5.9", None),
    ],
)
def test_parse_cursor(value, expected):
    assert views.parse_cursor(value) == expected


@pytest.mark.parametrize("rank, day, pk", [(3, date(2026, 1, 2), 5), (0, None, 17)])
def test_cursor_round_trip(rank, day, pk):
    assert views.parse_cursor(views.cursor_of(rank, day, pk)) == (rank, day, pk)


@pytest.mark.parametrize(
    "postcode, huisnummer, toevoeging, straat",
    [
        ("5021AB", 12, "", "Heuvelstraat"),
        ("5021AB", 3, "A", "Korvelseweg"),
        ("", 1, "", ""),
        ("5021", 7, "-2", "Lange Nieuwstraat"),
    ],
)
def test_address_label_matches_the_model(postcode, huisnummer, toevoeging, straat):
    row = {
        "address__postcode": postcode,
        "address__huisnummer": huisnummer,
        "address__toevoeging": toevoeging,
        "address__straat": straat,
        "address__woonplaats": "Tilburg",
    }
    assert views.address_label(row) == str(
        Address(postcode=postcode, huisnummer=huisnummer, toevoeging=toevoeging, straat=straat, woonplaats="Tilburg")
    )


def _regie(gemeente, username="regie"):
    c = Client()
    c.force_login(make_user(roles.KETENREGISSEUR, username=username, gemeente=gemeente))
    return c


def _result(addr, colour, rank, last, gm, wk, bu):
    return ColourResult.objects.create(
        subject_type="address",
        subject_key=f"address:{addr.pk}",
        address=addr,
        colour=colour,
        colour_rank=rank,
        ruleset_version="test",
        ruleset_sha256="0" * 64,
        reasons=[{"text": f"reden {addr.huisnummer}", "colour": colour}],
        last_report_date=last,
        buurt=bu,
        wijk=wk,
        gemeente=gm,
        evaluated_at=timezone.now(),
    )


@pytest.mark.django_db
def test_keyset_pages_show_every_row_once_in_order(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    gm, wk, bu = fx.geography()
    day = date(2026, 3, 1)
    # equal dates, an undated result, every rank: the cases where a cursor can go wrong
    spec = [
        ("rood", 3, day),
        ("rood", 3, day),
        ("rood", 3, None),
        ("oranje", 2, day - timedelta(days=5)),
        ("oranje", 2, day),
        ("geel", 1, None),
        ("groen", 0, day),
        ("groen", 0, day),
    ]
    for n, (colour, rank, last) in enumerate(spec, start=1):
        _result(fx.address(huisnummer=n), colour, rank, last, gm, wk, bu)
    expected = [f"/casus/adres/{pk}/" for pk in ColourResult.objects.order_by(*views.LIST_ORDER).values_list("address_id", flat=True)]
    c = _regie(gm)
    seen, path, pages = [], reverse("casework:colour_list"), 0
    while path:
        html = c.get(path).content.decode()
        seen += re.findall(r'<tr><td><a href="(/casus/adres/\d+/)">', html)
        pages += 1
        nxt = re.search(r'href="\?([^"]*)" rel="next"', html)
        path = f"{reverse('casework:colour_list')}?{nxt.group(1).replace('&amp;', '&')}" if nxt else None
    assert seen == expected and len(seen) == len(spec)
    assert pages == 4
    # worst colour first; within a colour the undated result, then the newest date, then the newest result
    numbers = {f"/casus/adres/{a.pk}/": a.huisnummer for a in Address.objects.all()}
    assert [numbers[u] for u in seen] == [3, 2, 1, 5, 4, 6, 8, 7]


def _counts(html: str) -> dict[str, int]:
    return {
        colour: int(n)
        for n, colour in re.findall(r'card__value">(\d+)</div><div class="card__label"><span class="badge badge--(\w+)"', html)
    }


@pytest.mark.django_db
def test_a_colour_change_shows_on_the_next_request():
    politie = fx.organisation("politie", "politie")
    gm, _, _ = fx.geography()
    c = _regie(gm)
    first = fx.address(huisnummer=1)
    fx.report(politie, first, timezone.localdate() - timedelta(days=10), vormen=["lichamelijk"], wapen=True)
    recolour("address", [first.pk])
    assert _counts(c.get(reverse("casework:colour_list")).content.decode())["rood"] == 1  # now cached
    second = fx.address(huisnummer=2)
    fx.report(politie, second, timezone.localdate() - timedelta(days=3), vormen=["lichamelijk"], huisverbod=True)
    recolour("address", [second.pk])
    html = c.get(reverse("casework:colour_list")).content.decode()
    assert _counts(html)["rood"] == 2
    assert "Heuvelstraat 2," in html


@pytest.mark.django_db
def test_cached_counts_and_wijken_stay_within_the_region():
    politie = fx.organisation("politie", "politie")
    tilburg, _, _ = fx.geography()
    breda = Gemeente.objects.create(code="GM0758", naam="Breda", indeling_jaar=2024)
    wk = Wijk.objects.create(code="WK075801", naam="Breda Centrum", gemeente=breda, indeling_jaar=2024)
    bu = Buurt.objects.create(code="BU07580101", naam="Breda Binnenstad", wijk=wk, gemeente=breda, indeling_jaar=2024)
    for n, buurt in enumerate([None, bu, bu], start=1):
        addr = fx.address(huisnummer=n, buurt=buurt)
        fx.report(politie, addr, timezone.localdate() - timedelta(days=5), vormen=["lichamelijk"], wapen=True)
        recolour("address", [addr.pk])
    tilburg_html = _regie(tilburg, "regie-tilburg").get(reverse("casework:colour_list")).content.decode()
    breda_html = _regie(breda, "regie-breda").get(reverse("casework:colour_list")).content.decode()
    assert _counts(tilburg_html)["rood"] == 1 and _counts(breda_html)["rood"] == 2
    assert "Breda Centrum" in breda_html and "Breda Centrum" not in tilburg_html


@pytest.mark.django_db
def test_the_address_page_recolours_when_a_report_arrived_after_its_result():
    politie = fx.organisation("politie", "politie")
    gm, _, _ = fx.geography()
    c = _regie(gm)
    addr = fx.address(huisnummer=40)
    fx.report(politie, addr, timezone.localdate() - timedelta(days=900))
    recolour("address", [addr.pk])
    url = reverse("casework:address", args=[addr.pk])
    c.post(f"/account/reden/?type=address&id={addr.pk}&next={url}", {"reason": "casusoverleg"})
    before = c.get(url).content.decode()
    assert "badge--rood" not in before
    fx.report(politie, addr, timezone.localdate() - timedelta(days=2), vormen=["lichamelijk"], wapen=True)
    after = c.get(url).content.decode()  # no recolour was run: the page sees the newer report itself
    assert 'Huidige kleur: <span class="badge badge--rood">' in after
    assert ColourResult.objects.filter(subject_key=f"address:{addr.pk}").count() == 2  # the history keeps the old colour
