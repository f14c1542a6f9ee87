"""Issue 12 item 5: a failed linking or recolouring after an import is flagged, and can be retried."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.linkage.models import PersonLink
from zicht.registry.models import ImportBatch
from zicht.registry.pipeline import import_file
from zicht.registry.postprocess import failure_text

pytestmark = pytest.mark.django_db


def test_failure_text_names_step_and_error_class_only():
    assert failure_text([("koppelen", "OperationalError"), ("kleuren", "KeyError")]) == "koppelen: OperationalError; kleuren: KeyError"
    assert failure_text([]) == ""


def test_failed_linking_flags_the_batch_and_retry_batch_completes_it(
    register, politie_file, monkeypatch, django_capture_on_commit_callbacks, client
):
    from zicht.linkage import services as linkage_services

    real = linkage_services.link_batch_persons

    def broken(batch, **kwargs):
        raise RuntimeError("Jansen, Korvelseweg 12")  # a message with values must never reach the batch

    monkeypatch.setattr(linkage_services, "link_batch_persons", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(politie_file, "politie-bvh")
    batch.refresh_from_db()
    assert batch.status == "loaded" and batch.postprocess_failed
    assert batch.postprocess_error == "koppelen: RuntimeError"
    assert not PersonLink.objects.filter(person__import_batch=batch).exists()

    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    assert "Nabewerking mislukt" in client.get(reverse("registry:batch", args=[batch.pk])).content.decode()

    with pytest.raises(CommandError, match="opnieuw mislukt"):
        call_command("retry-batch", str(batch.pk))
    monkeypatch.setattr(linkage_services, "link_batch_persons", real)
    call_command("retry-batch", str(batch.pk))
    batch.refresh_from_db()
    assert not batch.postprocess_failed
    assert PersonLink.objects.filter(person__import_batch=batch).exists()


def test_retry_batch_refuses_a_batch_that_loaded_nothing(register, politie_file):
    batch = ImportBatch.objects.create(
        file_name="x.csv",
        file_sha256="0" * 64,
        profile="politie-bvh",
        profile_sha256="0",
        source=import_file(politie_file, "politie-bvh").source,
        status="rejected",
    )
    with pytest.raises(CommandError, match="niets na te bewerken"):
        call_command("retry-batch", str(batch.pk))
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("retry-batch", "999999")
