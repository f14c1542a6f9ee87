"""The imports pages: who may open them, the upload form running the same pipeline, no personal values shown."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zicht.access import roles
from zicht.access.models import AccessLogEntry
from zicht.core.testing import make_gemeente, make_region, make_user
from zicht.registry import urls as registry_urls
from zicht.registry.models import ImportBatch, Report

from .conftest import politie_rows, write_politie

pytestmark = pytest.mark.django_db


def client_for(role):
    user = make_user(role)
    client = Client()
    client.force_login(user)
    return client, user


def test_every_registry_view_declares_its_roles():
    for pattern in registry_urls.urlpatterns:
        # the record page (issue 13) shows names and previous values: the ketenregisseur's only
        expected = {roles.KETENREGISSEUR} if pattern.name == "record" else {roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER}
        assert pattern.callback.zicht_roles == frozenset(expected), pattern.name


@pytest.mark.parametrize("role", [roles.PROFESSIONAL, roles.BELEIDSMEDEWERKER, roles.PRIVACY_OFFICER])
def test_other_roles_are_refused(role, register, politie_file):
    from zicht.registry.pipeline import import_file

    batch = import_file(politie_file, "politie-bvh")
    client, _ = client_for(role)
    for name, args in [
        ("registry:imports", []),
        ("registry:upload", []),
        ("registry:batch", [batch.pk]),
        ("registry:batch_rejects_csv", [batch.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


@pytest.mark.parametrize("role", [roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER])
def test_upload_runs_the_pipeline_and_shows_the_outcome(role, register, politie_file):
    client, user = client_for(role)
    page = client.get(reverse("registry:upload"))
    assert page.status_code == 200 and b"politie-bvh" in page.content
    upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
    response = client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload}, follow=True)
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.status == "loaded" and batch.imported_by == user and batch.file_name == "politie_incidenten.csv"
    assert Report.objects.count() == 3
    content = response.content.decode()
    assert f"Import #{batch.pk}" in content and "Geladen" in content and "3 nieuwe records" in content
    entry = AccessLogEntry.objects.exclude(record_type__in=("user_role", "account")).get()  # role grants of client_for are logged too
    assert (entry.action, entry.record_type, entry.record_id, entry.username) == ("create", "import_batch", str(batch.pk), user.username)
    listing = client.get(reverse("registry:imports")).content.decode()
    assert "politie_incidenten.csv" in listing and "politie-bvh" in listing and user.username in listing


def test_rejected_upload_shows_rejects_without_personal_values(register, tmp_path):
    client, _ = client_for(roles.KETENREGISSEUR)
    rows = politie_rows()
    rows[1] = rows[1].replace("853194130", "853194131").replace(";Jansen;", ";=cmd|calc;")
    path = write_politie(tmp_path / "bad.csv", rows)
    upload = SimpleUploadedFile("bad.csv", path.read_bytes(), content_type="text/csv")
    response = client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload}, follow=True)
    content = response.content.decode()
    assert "Afgewezen" in content and "er is niets geladen" in content
    assert "person.achternaam" in content and "formuleteken" in content
    assert "853194131" not in content and "cmd|calc" not in content
    assert Report.objects.count() == 0
    assert not AccessLogEntry.objects.exclude(record_type__in=("user_role", "account")).exists()  # nothing was created
    batch = ImportBatch.objects.get()
    csv_text = client.get(reverse("registry:batch_rejects_csv", args=[batch.pk])).content.decode()
    assert csv_text.splitlines()[0] == "file,row,field,reason"
    assert 'bad.csv,3,person.achternaam,"begint met een formuleteken' in csv_text


def test_upload_form_errors(register):
    client, _ = client_for(roles.KETENREGISSEUR)
    response = client.post(reverse("registry:upload"), {"profile": "politie-bvh"})
    assert response.status_code == 400
    upload = SimpleUploadedFile("x.csv", b"a;b\r\n", content_type="text/csv")
    response = client.post(reverse("registry:upload"), {"profile": "bestaat-niet", "file": upload})
    assert response.status_code == 400 and not ImportBatch.objects.exists()


def test_same_upload_twice_is_reported_as_duplicate(register, politie_file):
    client, _ = client_for(roles.FUNCTIONEEL_BEHEERDER)
    for _ in range(2):
        upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
        response = client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload}, follow=True)
    assert "Al eerder geladen" in response.content.decode()
    assert Report.objects.count() == 3


def test_imports_list_filters_by_source(register, politie_file, vt_file):
    from zicht.registry.pipeline import import_file

    import_file(politie_file, "politie-bvh")
    import_file(vt_file, "veilig-thuis")
    client, _ = client_for(roles.FUNCTIONEEL_BEHEERDER)
    everything = client.get(reverse("registry:imports")).content.decode()
    assert "politie_incidenten.csv" in everything and "veilig_thuis_meldingen.csv" in everything
    only_vt = client.get(reverse("registry:imports") + "?bron=veilig-thuis").content.decode()
    assert "veilig_thuis_meldingen.csv" in only_vt and "politie_incidenten.csv" not in only_vt
    assert '<option value="politie">' in only_vt  # every source stays selectable


def test_ketenregisseur_sees_batches_of_own_region_and_own_imports_only(register, politie_file, vt_file):
    from zicht.registry.models import Organisation
    from zicht.registry.pipeline import import_file

    make_region("Midden-Brabant", ["GM0855"])
    other = make_gemeente(code="GM0796", naam="'s-Hertogenbosch", indeling_jaar=2024, regio="Brabant-Noordoost")
    own_batch = import_file(politie_file, "politie-bvh")
    other_batch = import_file(vt_file, "veilig-thuis")
    Organisation.objects.filter(code="politie").update(gemeente_id="GM0855", regio=make_region("Midden-Brabant"))
    Organisation.objects.filter(code="veilig-thuis").update(gemeente=other, regio=make_region("Brabant-Noordoost"))
    user = make_user(roles.KETENREGISSEUR, username="keten-mb", regio=make_region("Midden-Brabant"))
    client = Client()
    client.force_login(user)
    assert client.get(reverse("registry:batch", args=[own_batch.pk])).status_code == 200
    assert client.get(reverse("registry:batch", args=[other_batch.pk])).status_code == 404
    assert client.get(reverse("registry:batch_rejects_csv", args=[other_batch.pk])).status_code == 404
    listing = client.get(reverse("registry:imports")).content.decode()
    assert "politie_incidenten.csv" in listing and "veilig_thuis_meldingen.csv" not in listing
    beheerder, _ = client_for(roles.FUNCTIONEEL_BEHEERDER)
    assert beheerder.get(reverse("registry:batch", args=[other_batch.pk])).status_code == 200


def _deletion_list(*record_ids: str) -> SimpleUploadedFile:
    body = "Registratienummer;Reden\r\n" + "".join(f"{rid};vervallen\r\n" for rid in record_ids)
    return SimpleUploadedFile("ingetrokken.csv", ("\ufeff" + body).encode("utf-8"), content_type="text/csv")


@pytest.mark.parametrize("role", [roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER])
def test_a_deletion_list_uploaded_withdraws_its_records_and_is_logged(role, register, politie_file):
    """Issue 13: the upload page takes a source's deletion list too; the batch page shows the summary,
    the access log names the records withdrawn."""
    client, user = client_for(role)
    upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
    client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload})
    page = client.get(reverse("registry:upload")).content.decode()
    assert "Intrekkingslijst" in page
    data = {"kind": "withdrawals", "profile": "politie-bvh", "file": _deletion_list("PL2000-2024000101")}
    response = client.post(reverse("registry:upload"), data, follow=True)
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "loaded" and batch.reports_withdrawn == 1 and batch.imported_by == user
    assert set(Report.objects.values_list("source_record_id", flat=True)) == {"PL2000-2024000102", "PL2000-2024000103"}
    content = response.content.decode()
    assert f"Import #{batch.pk}" in content and "1 records ingetrokken" in content and "PL2000-2024000101" in content
    entry = AccessLogEntry.objects.filter(record_type="import_batch", action="update").get()
    assert (entry.record_id, entry.username) == (str(batch.pk), user.username)
    withdrawn = Report.all_objects.get(source_record_id="PL2000-2024000101")
    assert ("report", str(withdrawn.pk)) in set(entry.records.values_list("record_type", "record_id"))


def test_a_deletion_list_is_all_or_nothing_and_names_file_row_and_field(register, politie_file):
    client, _ = client_for(roles.KETENREGISSEUR)
    upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
    client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload})
    before = AccessLogEntry.objects.count()
    data = {"kind": "withdrawals", "profile": "politie-bvh", "file": _deletion_list("PL2000-2024000101", "PL2000-2099999999")}
    response = client.post(reverse("registry:upload"), data, follow=True)
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "rejected" and batch.reports_withdrawn == 0
    assert batch.rejects == [
        {"file": "ingetrokken.csv", "row": 3, "field": "registratienummer", "reason": "onbekend bij deze bron: niets ingetrokken"}
    ]
    assert Report.objects.count() == 3  # nothing withdrawn
    content = response.content.decode()
    assert "Afgewezen" in content and "rij 3" in content and "PL2000-2099999999" not in content
    assert AccessLogEntry.objects.count() == before  # nothing changed, nothing logged

    data = {"kind": "withdrawals", "profile": "politie-bvh", "accept_partial": "on"}
    data["file"] = _deletion_list("PL2000-2024000101", "PL2000-2099999999")
    client.post(reverse("registry:upload"), data)
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "partial" and batch.reports_withdrawn == 1 and len(batch.rejects) == 1
    assert Report.objects.count() == 2

    xlsx = SimpleUploadedFile("lijst.xlsx", b"PK\x03\x04", content_type="application/octet-stream")
    response = client.post(reverse("registry:upload"), {"kind": "withdrawals", "profile": "politie-bvh", "file": xlsx})
    assert response.status_code == 400 and "Een intrekkingslijst is een CSV-bestand." in response.content.decode()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_upload_outcome_and_errors_in_english_the_stored_sentence_stays_dutch(register, politie_file, tmp_path):
    """Issue 18: the batch's outcome is stored in Dutch (also the CLI's output); an English page
    shows a translated summary of its counts, with the stored sentence beside it marked lang=nl."""
    client, _ = client_for(roles.KETENREGISSEUR)
    _english(client)
    form = client.get(reverse("registry:upload")).content.decode()
    assert "Import profile" in form and "File (CSV or XLSX)" in form and "— choose a profile —" in form and "Importprofiel" not in form
    upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
    page = client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload}, follow=True).content.decode()
    batch = ImportBatch.objects.get()
    assert "3 nieuwe records" in batch.message  # stored in Dutch
    assert "7 of 7 rows loaded: 3 new records, 7 persons" in page and ">Loaded<" in page
    assert 'As the import recorded it: <span lang="nl">' in page

    rows = politie_rows()
    rows[1] = rows[1].replace("853194130", "853194131").replace(";Jansen;", ";=cmd|calc;")
    bad = SimpleUploadedFile("bad.csv", write_politie(tmp_path / "bad.csv", rows).read_bytes(), content_type="text/csv")
    page = client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": bad}, follow=True).content.decode()
    assert re.search(r"Rejected: \d+ of \d+ rows rejected\. Nothing has been loaded\.", page)
    assert '<td lang="nl">' in page  # the importer's reject reasons: Dutch, marked as such

    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # Dutch, the default
    dutch = client.get(reverse("registry:batch", args=[ImportBatch.objects.get(file_name="bad.csv").pk])).content.decode()
    assert "Afgewezen:" in dutch and "er is niets geladen" in dutch and "Zoals de import het vastlegde" not in dutch


def test_failed_upload_message_in_english(register, politie_file, monkeypatch):
    from zicht.registry import views

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(views, "import_file", broken)
    client, _ = client_for(roles.KETENREGISSEUR)
    upload = SimpleUploadedFile("x.csv", politie_file.read_bytes(), content_type="text/csv")
    page = _english(client).post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload}, follow=True).content.decode()
    assert "The import failed (RuntimeError); nothing has been loaded." in page and "disk full" not in page
