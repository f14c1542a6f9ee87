"""Issue 12 item 4: a household spans regions; what of it a user may see is their own scope only."""

import datetime as dt

import pytest

from zicht.access import roles
from zicht.access.scoping import visible_household_members
from zicht.core.testing import make_gemeente, make_organisation, make_region, make_user
from zicht.registry.scoping import visible_report_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_across_regions():
    from zicht.geo.models import Buurt, Wijk
    from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink
    from zicht.registry.models import Address, Person, Report, ReportParty

    household = Household.objects.create()
    out = {"household": household}
    for tag, gm, region in [("a", "GM0855", "Midden-Brabant"), ("b", "GM0796", "Brabant-Noordoost")]:
        gemeente = make_gemeente(code=gm, naam=gm, indeling_jaar=2024, regio=region)
        wijk = Wijk.objects.create(code=f"WK{gm[2:]}01", naam="W", gemeente=gemeente, indeling_jaar=2024)
        buurt = Buurt.objects.create(code=f"BU{gm[2:]}0101", naam="B", wijk=wijk, gemeente=gemeente, indeling_jaar=2024)
        org = make_organisation(f"org-{tag}", gemeente=gemeente, regio=make_region(region))
        postcode = {"a": "5011AA", "b": "5211BB"}[tag]
        address = Address.objects.create(key=f"{tag}|1|", postcode=postcode, huisnummer=1, buurt=buurt)
        report = Report.objects.create(
            source=org, source_record_id=f"R{tag}", soort="incident", datum=dt.date(2024, 1, 1), address=address, buurt=buurt
        )
        person = Person.objects.create(source=org, source_key=f"P{tag}", voornamen="T", achternaam=tag, address=address)
        ReportParty.objects.create(report=report, person=person, rol="slachtoffer")
        linked = LinkedPerson.objects.create()
        PersonLink.objects.create(person=person, linked_person=linked, method="single")
        member = HouseholdMember.objects.create(household=household, linked_person=linked, address=address)
        out[tag] = {"org": org, "report": report, "member": member, "region": region}
    return out


def test_reports_of_members_other_addresses_outside_the_region_are_not_visible(household_across_regions):
    a, b = household_across_regions["a"], household_across_regions["b"]
    keten_a = make_user(roles.KETENREGISSEUR, username="k-a", organisation=a["org"], regio=make_region(a["region"]))
    both = {a["report"].pk, b["report"].pk}
    assert visible_report_ids(keten_a, both) == {a["report"].pk}
    prof_b = make_user(roles.PROFESSIONAL, username="p-b", organisation=b["org"])
    assert visible_report_ids(prof_b, both) == {b["report"].pk}
    assert visible_report_ids(make_user(roles.BELEIDSMEDEWERKER, username="bm"), both) == set()


def test_members_at_addresses_outside_the_region_are_not_shown(household_across_regions):
    from zicht.linkage.models import HouseholdMember

    a, b = household_across_regions["a"], household_across_regions["b"]
    household = household_across_regions["household"]
    keten_a = make_user(roles.KETENREGISSEUR, username="k-a", organisation=a["org"], regio=make_region(a["region"]))
    members = HouseholdMember.objects.filter(household=household)
    assert list(visible_household_members(keten_a, members)) == [a["member"]]
    keten_b = make_user(roles.KETENREGISSEUR, username="k-b", organisation=b["org"], regio=make_region(b["region"]))
    assert list(visible_household_members(keten_b, members)) == [b["member"]]


def test_household_page_shows_only_the_users_region(household_across_regions, client):
    """The page-level check of the two rules above; passes once casework uses them."""
    a = household_across_regions["a"]
    household = household_across_regions["household"]
    client.force_login(make_user(roles.KETENREGISSEUR, username="k-a", organisation=a["org"], regio=make_region(a["region"])))
    session = client.session
    session["zicht_purposes"] = {f"household:{household.pk}": "Test"}
    session.save()
    response = client.get(f"/casus/huishouden/{household.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "5011" in html  # the member and report in the user's own region
    assert "5211" not in html  # not the report, party or address in the other region
