"""The pair page shows that a person's BSN was set aside at import (issue 19), the raw value only to
the reviewer (the ketenregisseur, the only role with this page) and with the read logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zicht.access.models import AccessLogEntry
from zicht.access.purpose import store_reason
from zicht.access.roles import KETENREGISSEUR
from zicht.core.testing import TEST_PASSWORD, make_region, make_user
from zicht.linkage import services
from zicht.linkage.models import ReviewPair
from zicht.registry.models import ImportBatch, SetAsideValue

from .test_services import REGION, make_registry, session_request

pytestmark = pytest.mark.django_db


def test_pair_page_shows_the_set_aside_bsn_and_logs_the_raw_read(client):
    make_registry()
    services.run_batch()
    rp = ReviewPair.objects.filter(status="open").select_related("person_a").first()
    person = rp.person_a
    batch = ImportBatch.objects.create(
        file_name="x.csv", file_sha256="0" * 64, profile="veilig-thuis", profile_sha256="0" * 64, source=person.source, status="loaded"
    )
    value = SetAsideValue.objects.create(
        import_batch=batch,
        source=person.source,
        source_record_id="R1",
        source_row=7,
        person=person,
        field="person.bsn",
        reason="bsn_11proef",
        raw_value="944117716",
    )
    SetAsideValue.objects.create(
        import_batch=batch,
        source=person.source,
        source_record_id="R1",
        source_row=7,
        person=person,
        field="person.geslacht",
        reason="geslacht_onbekend",
        raw_value="Q",
        resolved_at=batch.started_at,
    )  # resolved: no longer shown
    user = make_user(KETENREGISSEUR, username="kr", regio=make_region(REGION))
    client.login(username="kr", password=TEST_PASSWORD)
    session = client.session
    store_reason(session_request(session), "linkage_pair", rp.pk, "koppeling")
    session.save()
    page = client.get(reverse("linkage:pair_detail", args=[rp.pk])).content.decode()
    assert "BSN terzijde gelegd: ongeldig (11-proef)" in page
    assert "944117716" in page  # the reviewer sees the value as delivered
    assert "geslacht terzijde gelegd" not in page
    entry = AccessLogEntry.objects.get(record_type="set_aside_value")
    assert entry.user == user and entry.record_id == str(value.pk) and "944117716" not in entry.reason
    assert "944117716" not in str(value) and "944117716" not in value.description


def test_pair_page_in_english_the_access_log_keeps_dutch(client):
    """Issue 18: the pair page's texts built in Python (field rows, comparison levels stored with
    the pair, the set-aside description, the queue's reason) in English; the log stays Dutch."""
    from django.conf import settings
    from django.utils import translation

    make_registry()
    services.run_batch()
    rp = ReviewPair.objects.filter(status="open").select_related("person_a").first()
    person = rp.person_a
    batch = ImportBatch.objects.create(
        file_name="x.csv", file_sha256="0" * 64, profile="veilig-thuis", profile_sha256="0" * 64, source=person.source, status="loaded"
    )
    SetAsideValue.objects.create(
        import_batch=batch,
        source=person.source,
        source_record_id="R1",
        source_row=7,
        person=person,
        field="person.bsn",
        reason="bsn_11proef",
    )
    make_user(KETENREGISSEUR, username="kr", regio=make_region(REGION))
    client.login(username="kr", password=TEST_PASSWORD)
    session = client.session
    store_reason(session_request(session), "linkage_pair", rp.pk, "koppeling")
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("linkage:pair_detail", args=[rp.pk])).content.decode()
    assert "BSN set aside: invalid (eleven test)" in page and "terzijde gelegd" not in page
    assert ">First names<" in page and ">Surname<" in page and ">Voornamen<" not in page
    levels = {c["label"] for c in rp.contributions}  # stored with the pair in Dutch, shown translated
    with translation.override("en"):
        shown = {level: translation.gettext(level) for level in levels}
    assert levels and all(f"<td>{en}</td>" in page for en in shown.values())
    assert not [nl for nl, en in shown.items() if nl != en and f"<td>{nl}</td>" in page]
    queue = client.get(reverse("linkage:review_queue")).content.decode()
    assert rp.get_reason_display() not in ("", None)
    assert "Matchgewicht onder de koppeldrempel" not in queue and "onzeker" not in queue.split("<main", 1)[1]
    entry = AccessLogEntry.objects.get(record_type="set_aside_value")
    assert entry.reason.endswith("BSN terzijde gelegd: ongeldig (11-proef)")  # the log keeps the Dutch text
