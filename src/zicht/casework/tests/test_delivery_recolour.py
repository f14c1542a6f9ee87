"""Issue 13 item 6: after a delivery only what it touched is recoloured (addresses and households)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zicht.casework.colour.models import ColourResult
from zicht.casework.colour.services import recolour_all
from zicht.core.testing import make_organisation
from zicht.linkage import services
from zicht.linkage.models import HouseholdMember, PersonLink
from zicht.linkage.tests.test_incremental import _batch, load_persons
from zicht.registry.models import Address, ImportBatch, Report
from zicht.registry.postprocess import run_pending, run_postprocessing
from zicht.synth.people import person_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    org = make_organisation("vt-kleur", type="veilig_thuis")
    load_persons(person_records(300, seed=3), org, _batch(org, "a"))
    services.run_batch()
    recolour_all()
    return org


def _delivery_at(org, addresses, name="b", prefix="d"):
    """Three new mentions, each at one of ``addresses`` (existing addresses of the registry)."""
    frame = person_records(3, seed=21).copy()
    frame["postcode"] = [a.postcode for a in addresses]
    frame["huisnummer"] = [str(a.huisnummer) for a in addresses]
    batch = _batch(org, name)
    new = load_persons(frame, org, batch, prefix=prefix)
    return batch, new


def test_a_delivery_at_three_addresses_recolours_those_and_no_others(registry):
    addresses = list(Address.objects.filter(reports__isnull=False).distinct().order_by("pk")[:3])
    assert Address.objects.filter(reports__isnull=False).distinct().count() >= 40
    batch, new = _delivery_at(registry, addresses)
    before = timezone.now()
    assert run_postprocessing(batch) == []
    written = ColourResult.objects.filter(subject_type="address", evaluated_at__gte=before)
    assert set(written.values_list("address_id", flat=True)) == {a.pk for a in addresses}
    # households: only those of the delivered persons and their co-residents at the three addresses
    lps = set(PersonLink.objects.filter(person__parties__report__address__in=addresses).values_list("linked_person_id", flat=True))
    lps |= set(PersonLink.objects.filter(person_id__in=new).values_list("linked_person_id", flat=True))
    allowed = set(HouseholdMember.objects.filter(linked_person_id__in=lps).values_list("household_id", flat=True))
    households = set(ColourResult.objects.filter(subject_type="household", evaluated_at__gte=before).values_list("household_id", flat=True))
    assert households and households <= allowed
    assert HouseholdMember.objects.values("household").distinct().count() > 10 * len(households)
    batch.refresh_from_db()
    assert batch.linked_at is not None and batch.coloured_at is not None and batch.linked_at <= batch.coloured_at
    assert PersonLink.objects.filter(person_id__in=new).count() == 3


def test_a_deferred_batch_waits_for_zicht_postprocess(registry, client):
    from django.core.management import call_command
    from django.urls import reverse

    from zicht.access import roles
    from zicht.core.testing import make_user
    from zicht.registry.postprocess import queue

    addresses = list(Address.objects.filter(reports__isnull=False).distinct().order_by("-pk")[:3])
    batch, new = _delivery_at(registry, addresses, name="c", prefix="q")
    queue(batch)
    batch.refresh_from_db()
    assert batch.postprocess_pending and not PersonLink.objects.filter(person_id__in=new).exists()
    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    page = client.get(reverse("registry:batch", args=[batch.pk])).content.decode()
    assert "Koppelen klaar" in page and "wacht op" in page
    call_command("postprocess", "--no-progress")
    batch.refresh_from_db()
    assert not batch.postprocess_pending and batch.coloured_at is not None
    assert PersonLink.objects.filter(person_id__in=new).count() == 3
    assert run_pending() == []  # nothing left in the queue
    page = client.get(reverse("registry:batch", args=[batch.pk])).content.decode()
    assert "wacht op" not in page and batch.coloured_at is not None
    assert Report.objects.filter(import_batch=batch).count() == 3
    assert ImportBatch.objects.get(pk=batch.pk).linked_at is not None
