"""Recidive from the database: timelines of addresses, households and persons; disclosure; command; page."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from zicht.access import roles
from zicht.areas import sources
from zicht.areas.disclosure import OK, Policy
from zicht.areas.recidive import load_episodes, recidive_figures, twelve_month_rate
from zicht.areas.recidive_rules import kaplan_meier
from zicht.core.testing import make_user
from zicht.geo.models import Buurt
from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink
from zicht.registry.models import Address, Person, Report, ReportParty

from .conftest import KORVEL
from .helpers import organisations


@pytest.fixture
def no_trajectories():
    saved = sources._trajectory_ends
    sources.register_trajectory_ends(None)
    yield
    sources.register_trajectory_ends(saved)


@pytest.fixture
def timelines(tilburg):
    """Three addresses in Korvel with known timelines; two persons linked into one household."""
    orgs = organisations()
    buurt = Buurt.objects.filter(wijk_id=KORVEL).order_by("code").first().code
    adr = [Address.objects.create(key=f"T|{i}", postcode="5000AA", huisnummer=i + 1, buurt_id=buurt) for i in range(3)]

    def report(a, d, kind="incident", aard="partnergeweld", kinderen=True):
        return Report.objects.create(
            source=orgs["politie"],
            source_record_id=f"R{Report.objects.count()}",
            soort=kind,
            datum=date.fromisoformat(d),
            aard=aard,
            kinderen_aanwezig=kinderen,
            buurt_id=buurt,
            address=a,
        )

    r1 = report(adr[0], "2024-01-10")
    report(adr[0], "2024-01-15")  # same episode (within 14 days)
    r3 = report(adr[0], "2024-05-01")  # next registration after 112 days
    report(adr[1], "2024-03-01", kinderen=False)  # followed to the end of data, no recidive
    report(adr[1], "2024-09-01", kind="signaal")  # signals do not count
    report(adr[2], "2025-06-30", aard="kindermishandeling")  # the end of the data
    household = Household.objects.create()
    for i, rep in enumerate((r1, r3)):
        person = Person.objects.create(source=orgs["politie"], source_key=f"P{i}")
        lp = LinkedPerson.objects.create()
        PersonLink.objects.create(person=person, linked_person=lp, method="single")
        ReportParty.objects.create(report=rep, person=person, rol="pleger")
        HouseholdMember.objects.create(household=household, linked_person=lp)
    return {"addresses": adr, "household": household}


@pytest.mark.django_db
def test_episodes_from_the_registry(timelines, no_trajectories):
    eps = load_episodes("GM0855")
    assert eps.end_of_data == date(2025, 6, 30)
    first = {e.key: e for e in eps.select("adres", "eerste")}
    a0, a1, a2 = (a.id for a in timelines["addresses"])
    assert (first[a0].days, first[a0].event) == (112, True)
    assert (first[a1].days, first[a1].event, first[a1].kinderen) == ((date(2025, 6, 30) - date(2024, 3, 1)).days, False, False)
    assert (first[a2].days, first[a2].event, first[a2].aard) == (0, False, "kindermishandeling")
    assert first[a0].wijk == KORVEL
    # two persons, one registration each: no recidive per person; their household has two (112 days apart)
    assert sorted(e.event for e in eps.select("persoon", "eerste")) == [False, False]
    (hh,) = eps.select("huishouden", "eerste")
    assert (hh.days, hh.event) == (112, True)
    assert eps.help_available is False and eps.select("adres", "hulp") == []


@pytest.mark.django_db
def test_trajectory_ends_come_through_the_registered_source(timelines):
    a1 = timelines["addresses"][1]
    hh = timelines["household"]
    saved = sources._trajectory_ends
    sources.register_trajectory_ends(
        lambda gm: [sources.TrajectoryEnd(a1.id, None, date(2024, 4, 1)), sources.TrajectoryEnd(None, hh.id, date(2024, 2, 1))]
    )
    try:
        eps = load_episodes("GM0855")
    finally:
        sources.register_trajectory_ends(saved)
    (adres,) = eps.select("adres", "hulp")
    assert (adres.key, adres.event, adres.kinderen) == (a1.id, False, False)
    (household,) = eps.select("huishouden", "hulp")
    assert (household.days, household.event) == ((date(2024, 5, 1) - date(2024, 2, 1)).days, True)


@pytest.mark.django_db
def test_site_registers_casework_trajectories(timelines):
    from zicht.casework.colour.models import Hulptraject

    a0 = timelines["addresses"][0]
    Hulptraject.objects.create(
        address=a0, organisation=organisations()["wijkteam"], soort="wijkteam", start=date(2024, 1, 20), einde=date(2024, 3, 1)
    )
    Hulptraject.objects.create(address=a0, organisation=organisations()["wijkteam"], soort="wijkteam", start=date(2024, 6, 1))
    (episode,) = load_episodes("GM0855").select("adres", "hulp")
    assert (episode.index, episode.days, episode.event) == (date(2024, 3, 1), 61, True)


@pytest.mark.django_db
def test_small_numbers_publish_nothing(timelines, no_trajectories):
    fig = recidive_figures(load_episodes("GM0855"), Policy())
    cells = [c for rows in ("overview", "aard", "kinderen", "cohorts", "per_wijk") for r in fig[rows] for c in (*r.shares, *r.eligible)]
    assert cells and all(c.value is None for c in cells)
    points = [p for c in fig["curves"] + fig["curves_kinderen"] for p in c["points"]]
    assert points and all(p.share.value is None and p.at_risk.value is None for p in points)
    assert twelve_month_rate(load_episodes("GM0855"), Policy()).value is None


@pytest.mark.django_db
def test_every_published_figure_is_controlled(tilburg_reports, no_trajectories):
    policy = Policy()
    eps = load_episodes("GM0855")
    fig = recidive_figures(eps, policy)
    published = 0
    for name in ("overview", "aard", "kinderen", "cohorts", "per_wijk"):
        for row in fig[name]:
            for share, n in row.pairs:
                if n.value is not None:
                    assert n.value % 5 == 0 and n.value >= policy.threshold
                if share.value is not None:
                    published += 1
                    assert n.status == OK
    assert published > 0
    shown = 0
    for curve in fig["curves"]:  # one per year of first registration
        cohort = [e for e in eps.select("adres", "eerste") if str(e.cohort) == curve["label"]]
        for raw, p in zip(kaplan_meier(cohort, range(25)), curve["points"]):
            if p.share.value is not None:
                shown += 1
                assert raw.at_risk >= policy.threshold and raw.events >= policy.threshold
                assert p.at_risk.value % 5 == 0
                assert p.low <= raw.share <= p.high
    assert shown > 0
    # a higher threshold suppresses more, never less
    strict = recidive_figures(eps, Policy(threshold=10_000))
    assert all(s.value is None for r in strict["overview"] for s in r.shares)
    assert all(p.share.value is None for c in strict["curves"] for p in c["points"])


@pytest.mark.django_db
def test_command_json(tilburg_reports, no_trajectories):
    out = StringIO()
    call_command("recidive", "--gemeente", "GM0855", "--level", "wijk", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["gemeente"] == "GM0855" and data["windows_months"] == [6, 12, 24]
    assert {r["key"] for r in data["overview"]} >= {"adres/eerste", "huishouden/eerste", "persoon/eerste"}
    korvel = next(w for w in data["wijken"] if w["wijk"] == KORVEL)
    assert korvel["overview"][0]["windows"]["12"]["n"]["status"] in ("ok", "primary", "secondary")
    for curve in data["curves_by_year"]:
        for p in curve["points"]:
            assert (p["share"]["value"] is None) == (p["ci_low"] is None)
    text = StringIO()
    call_command("recidive", "--gemeente", "GM0855", stdout=text)
    assert "Adressen na een eerste registratie" in text.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        (roles.BELEIDSMEDEWERKER, 200),
        (roles.KETENREGISSEUR, 200),
        (roles.PROFESSIONAL, 403),
        (roles.FUNCTIONEEL_BEHEERDER, 403),
        (roles.PRIVACY_OFFICER, 403),
    ],
)
def test_page_roles(client, tilburg_reports, role, status):
    client.force_login(make_user(role))
    assert client.get("/gebied/recidive/?gemeente=GM0855").status_code == status


@pytest.mark.django_db
def test_page_gemeente_and_wijk(client, tilburg_reports):
    Address.objects.update(straat="Geheimstraat")
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    html = client.get("/gebied/recidive/?gemeente=GM0855").content.decode()
    assert "<svg" in html and 'id="tabel-recidive-jaren"' in html and 'id="tabel-recidive-wijken"' in html
    assert "Binnen 12 maanden" in html and "Geheimstraat" not in html
    assert 'data-dc="error"' not in html
    wijk = client.get(f"/gebied/recidive/?gemeente=GM0855&wijk={KORVEL}")
    assert wijk.status_code == 200 and "Recidive wijk" in wijk.content.decode()
    assert client.get("/gebied/recidive/?gemeente=GM0855&wijk=WK036301").status_code == 404
    assert client.get("/gebied/recidive/?gemeente=GM0855&wijk=xx").status_code == 404


@pytest.mark.django_db
def test_factsheet_has_a_recidive_section(client, tilburg_reports):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    html = client.get(f"/gebied/factsheet/{KORVEL}/").content.decode()
    assert 'id="tabel-fs-recidive"' in html and f"wijk={KORVEL}" in html and 'data-dc="error"' not in html
    pdf = client.get("/gebied/factsheet/GM0855.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_pdf_factsheet_renders_the_recidive_table():
    from zicht.areas.factsheet import render_pdf

    sheet = {
        "title": "T",
        "subtitle": "S",
        "tiles": [],
        "bars": [],
        "notes": [],
        "recidive_rows": [["Nieuwe registratie", "binnen 6 mnd"], ["Adressen na een eerste registratie", "20%"]],
    }
    assert render_pdf(sheet).startswith(b"%PDF")


@pytest.mark.django_db
def test_register_series_are_the_gebiedscan_cells(tilburg_reports, no_trajectories):
    from zicht.areas.data import cube_for, wijken_of
    from zicht.areas.figures import canonical
    from zicht.areas.indicators import register_series

    policy = Policy()
    wijken = [w.code for w in wijken_of("GM0855")]
    meldingen = register_series("meldingen", "GM0855", KORVEL, policy)
    assert [y for y, _ in meldingen] == ["2023", "2024"]
    for year, cell in meldingen:
        assert cell == canonical(cube_for("GM0855"), "GM0855", wijken, int(year), policy).totals.cell(KORVEL)
    quiet = dict(register_series("meldingen", "GM0855", tilburg_reports["quiet_wijk"], policy))
    assert quiet["2024"].value is None and quiet["2024"].display == "<10"
    assert all(c.kind == "percentage" for _, c in register_series("kinderen", "GM0855", None, policy))
    per1000 = register_series("per1000", "GM0855", KORVEL, policy)
    assert all(c.kind in ("rate", "missing", "count") or c.value is None for _, c in per1000)
    recidive = register_series("recidive12", "GM0855", None, policy)
    assert [y for y, _ in recidive] == ["2023", "2024"] and all(c.kind == "percentage" for _, c in recidive)
    with pytest.raises(ValueError):
        register_series("nope", "GM0855", None, policy)
