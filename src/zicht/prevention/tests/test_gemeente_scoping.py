"""Issue 12 item 4: prevention write views change only the user's own gemeente (or region)."""

import pytest
from django.urls import reverse

from zicht.access import roles
from zicht.access.domain.gemeente_scope import editable_gemeenten
from zicht.core.testing import make_organisation, make_user
from zicht.geo.models import Gemeente
from zicht.prevention.models import MatrixCell, PlanSection, PreventionPlan


@pytest.mark.parametrize(
    "profile_gemeente, region, org_gemeente, expected",
    [
        ("GM0855", {"GM0855", "GM0784"}, "GM0784", {"GM0855"}),  # the profile's gemeente wins
        (None, {"GM0855", "GM0784"}, "GM0855", {"GM0855", "GM0784"}),
        (None, set(), "GM0784", {"GM0784"}),
        (None, set(), None, set()),  # fails closed
    ],
)
def test_editable_gemeenten(profile_gemeente, region, org_gemeente, expected):
    got = editable_gemeenten(profile_gemeente=profile_gemeente, region_gemeenten=frozenset(region), organisation_gemeente=org_gemeente)
    assert got == expected


@pytest.fixture
def other(db, korvel):
    return Gemeente.objects.create(code="GM0796", naam="'s-Hertogenbosch", indeling_jaar=2024)


@pytest.fixture
def beleid(client, korvel):
    client.force_login(make_user(roles.BELEIDSMEDEWERKER, gemeente=korvel.gemeente))


def test_matrix_of_another_gemeente_cannot_be_changed(client, beleid, other):
    MatrixCell.objects.create(gemeente=other, partnertype="politie", bouwstenen=["taboe"])
    data = {"gemeente": other.code, "m-politie-vertrouwen": "on"}
    assert client.post(reverse("prevention:matrix_save"), data).status_code == 404
    assert client.post(reverse("prevention:matrix_reset"), {"gemeente": other.code}).status_code == 404
    assert list(MatrixCell.objects.filter(gemeente=other).values_list("bouwstenen", flat=True)) == [["taboe"]]
    assert client.post(reverse("prevention:matrix_save"), {"gemeente": "GM0855"}).status_code == 302


def test_plans_of_another_gemeente_cannot_be_created_or_changed(client, beleid, other):
    assert client.post(reverse("prevention:plan_create"), {"gemeente": other.code, "titel": "Overname"}).status_code == 404
    assert not PreventionPlan.objects.filter(gemeente=other).exists()
    plan = PreventionPlan.objects.create(titel="Plan Den Bosch", gemeente=other)
    for name, extra in [
        ("plan_sections", {"s-visie": "overschreven"}),
        ("plan_save_version", {"status": "vastgesteld"}),
        ("plan_indicator", {"ind-naam": "x"}),
        ("plan_add_suggestion", {"slug": "triple-p"}),
    ]:
        assert client.post(reverse(f"prevention:{name}", args=[plan.pk]), extra).status_code == 404, name
    assert client.get(reverse("prevention:plan_line_add", args=[plan.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.status == "concept" and not PlanSection.objects.filter(plan=plan).exists() and not plan.versions.exists()


def test_organisations_of_another_gemeente_cannot_be_edited(client, beleid, other):
    theirs = make_organisation("wijkteam-bosch", gemeente=other)
    response = client.post(reverse("prevention:organisation_edit", args=[theirs.code]), {"org-meldcode_stoplicht": "rood"})
    assert response.status_code == 404
    ours = make_organisation("wijkteam-tilburg", gemeente_id="GM0855")
    assert client.get(reverse("prevention:organisation_edit", args=[ours.code])).status_code == 200


def test_a_user_without_gemeente_or_region_changes_nothing(client, korvel):
    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    assert client.post(reverse("prevention:matrix_save"), {"gemeente": "GM0855"}).status_code == 404
