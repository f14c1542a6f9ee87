"""``address_scope_sql`` (the address page's one-query authorisation) agrees with ``visible_addresses``."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from zicht.access import roles
from zicht.access.scoping import address_scope_sql, scope_for, visible_addresses
from zicht.core.testing import make_gemeente, make_region, make_user
from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.registry.models import Address, Organisation, Report

pytestmark = pytest.mark.django_db


def _buurt(gm_code: str, naam: str, region: str) -> Buurt:
    gm = make_gemeente(code=gm_code, naam=naam, indeling_jaar=2024, regio=region)
    wk = Wijk.objects.create(code=f"WK{gm_code[2:]}01", naam=f"{naam} Centrum", gemeente=gm, indeling_jaar=2024)
    return Buurt.objects.create(code=f"BU{gm_code[2:]}0101", naam=f"{naam} Binnenstad", wijk=wk, gemeente=gm, indeling_jaar=2024)


@pytest.fixture
def world():
    """Addresses inside, outside and on the edge of the Midden-Brabant region, by buurt and by report."""
    tilburg = _buurt("GM0855", "Tilburg", "Midden-Brabant")
    breda = _buurt("GM0758", "Breda", "West-Brabant")
    politie_tilburg = Organisation.objects.create(code="pol-t", naam="Politie Tilburg", type="politie", gemeente=tilburg.gemeente)
    vt_regio = Organisation.objects.create(code="vt-mb", naam="VT Midden-Brabant", type="veilig_thuis", regio=make_region("Midden-Brabant"))
    politie_breda = Organisation.objects.create(code="pol-b", naam="Politie Breda", type="politie", gemeente=breda.gemeente)
    n = iter(range(1, 100))

    def addr(buurt, *reports):
        a = Address.objects.create(key=f"k{next(n)}", postcode="5000AA", huisnummer=next(n), buurt=buurt)
        for source, report_buurt, *withdrawn in reports:
            Report.objects.create(
                source=source,
                source_record_id=f"r{next(n)}",
                soort="incident",
                datum=date(2026, 1, 5),
                address=a,
                buurt=report_buurt,
                withdrawn_at=timezone.now() if withdrawn else None,
            )
        return a

    return {
        "orgs": (politie_tilburg, vt_regio, politie_breda),
        "addresses": [
            addr(tilburg),  # in the region by its buurt, no reports
            addr(breda, (politie_breda, breda)),  # elsewhere
            addr(breda, (politie_breda, tilburg)),  # elsewhere, but a report placed it in the region
            addr(None, (politie_tilburg, None)),  # no buurt: the source's gemeente decides
            addr(None, (vt_regio, None)),  # no buurt: the source's region decides
            addr(None, (politie_breda, None)),  # no buurt, source elsewhere
            addr(None),  # nothing known
            addr(None, (politie_tilburg, None, "withdrawn")),  # only a withdrawn report: in no scope (issue 13)
            addr(breda, (politie_breda, tilburg, "withdrawn")),  # placed in the region by a withdrawn report only
        ],
    }


def _raw_visible(user) -> set[int]:
    condition = address_scope_sql(scope_for(user), "a")
    if condition is None:
        return set()
    sql, params = condition
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id FROM {Address._meta.db_table} a WHERE {sql}", params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("who", ["gemeente", "region", "region_org", "nothing", "professional_tilburg", "professional_breda", "beleid"])
def test_raw_condition_matches_the_queryset(world, who):
    politie_tilburg, vt_regio, politie_breda = world["orgs"]
    tilburg = Gemeente.objects.get(code="GM0855")
    user = {
        "gemeente": lambda: make_user(roles.KETENREGISSEUR, username="k1", gemeente=tilburg),
        "region": lambda: make_user(roles.KETENREGISSEUR, username="k2", regio=make_region("Midden-Brabant")),
        "region_org": lambda: make_user(roles.KETENREGISSEUR, username="k3", organisation=vt_regio),
        "nothing": lambda: make_user(roles.KETENREGISSEUR, username="k4"),
        "professional_tilburg": lambda: make_user(roles.PROFESSIONAL, username="p1", organisation=politie_tilburg),
        "professional_breda": lambda: make_user(roles.PROFESSIONAL, username="p2", organisation=politie_breda),
        "beleid": lambda: make_user(roles.BELEIDSMEDEWERKER, username="b1"),
    }[who]()
    expected = set(visible_addresses(user).values_list("id", flat=True))
    assert _raw_visible(user) == expected
    if who in ("gemeente", "region"):
        # the cases above really exercise every branch of the rule
        ids = [a.id for a in world["addresses"]]
        assert expected == {ids[0], ids[2], ids[3]} | ({ids[4]} if who == "region" else set())
