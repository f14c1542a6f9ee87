"""Issue 13, item 3: a record delivered again with changed content is a correction (never lost),
the same content is "al aanwezig", and a withdrawn record leaves colour and figures but stays in
the history. File-level tests, on both import paths."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.transaction import atomic as transaction_atomic

from zicht.registry import pipeline
from zicht.registry.corrections import touched_addresses, touched_persons
from zicht.registry.domain.profile import find_profile, load_profile
from zicht.registry.models import ImportBatch, Person, RecordChange, Report, ReportParty

from .conftest import FIXTURES, politie_rows, write_politie

TODAY = date(2025, 6, 1)
PATHS = pytest.mark.parametrize("column_path", [True, False], ids=["column path", "row path"])


def _load(tmp_path: Path, name: str, rows: list[str], column_path: bool = True, profile="politie-bvh", header=None) -> ImportBatch:
    path = write_politie(tmp_path / name, rows, header=header)
    return pipeline.import_file(path, profile, column_path=column_path, today=TODAY)


def _person(rid: str, n: int) -> Person:
    return Person.objects.get(source_key=f"{rid}/{n}")


@pytest.mark.django_db
@PATHS
def test_a_changed_record_is_corrected_in_place_with_its_history(register, tmp_path, column_path, caplog):
    rows = politie_rows()
    first = _load(tmp_path, "first.csv", rows, column_path)
    assert first.reports_created == 3
    changed = list(rows)
    # record 101: aard corrected on all its rows; the victim's surname and the suspect's date of birth
    for i in range(3):
        changed[i] = changed[i].replace(";Partnergeweld;", ";Kindermishandeling;")
    changed[0] = changed[0].replace(";de;Vries;", ";de;Visser;")
    changed[1] = changed[1].replace("17-11-1987", "18-11-1987")
    caplog.set_level(logging.DEBUG)
    second = _load(tmp_path, "second.csv", changed, column_path)

    assert second.status == "loaded"
    assert (second.reports_created, second.reports_corrected, second.reports_already_present) == (0, 1, 2)
    assert "1 records gecorrigeerd (velden: " in second.message
    for word in ("aard", "achternaam", "geboortedatum"):
        assert word in second.message
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    assert report.aard == "kindermishandeling" and report.corrected_at is not None
    assert _person("PL2000-2024000101", 1).achternaam == "Visser"
    assert _person("PL2000-2024000101", 2).geboortedatum == "1987-11-18"
    assert Person.objects.count() == 7  # updated in place: no person added

    changes = {(c.party, c.kind): c for c in RecordChange.objects.filter(import_batch=second)}
    assert set(changes) == {("", "gewijzigd"), ("1", "gewijzigd"), ("2", "gewijzigd")}
    assert changes[("", "gewijzigd")].fields == ["aard"]
    assert changes[("1", "gewijzigd")].fields == ["persoon.achternaam"]
    assert json.loads(changes[("1", "gewijzigd")].previous) == {"persoon.achternaam": "Vries"}
    assert json.loads(changes[("2", "gewijzigd")].previous) == {"persoon.geboortedatum": "1987-11-17"}
    with connection.cursor() as cursor:  # the previous values are stored encrypted
        cursor.execute("SELECT previous FROM registry_recordchange")
        stored = " ".join(r[0] for r in cursor.fetchall())
    assert "Vries" not in stored and "1987" not in stored
    assert "Vries" not in caplog.text and "Visser" not in caplog.text
    # what post-processing re-links and recolours
    assert touched_persons(second) == set(ReportParty.objects.filter(report=report).values_list("person_id", flat=True))
    assert report.address_id in touched_addresses(second)


@pytest.mark.django_db
@PATHS
def test_the_same_records_in_another_row_order_are_already_present(register, tmp_path, column_path):
    rows = politie_rows()
    _load(tmp_path, "first.csv", rows, column_path)
    before = sorted((p.source_key, p.achternaam, p.geboortedatum, p.address_id) for p in Person.objects.all())
    again = _load(tmp_path, "reversed.csv", list(reversed(rows)), column_path)
    assert (again.reports_created, again.reports_corrected, again.reports_already_present, again.persons_created) == (0, 0, 3, 0)
    assert "gecorrigeerd" not in again.message
    assert not RecordChange.objects.exists()
    assert sorted((p.source_key, p.achternaam, p.geboortedatum, p.address_id) for p in Person.objects.all()) == before


@pytest.mark.django_db
@PATHS
def test_a_party_added_or_removed_is_a_correction(register, tmp_path, column_path):
    rows = politie_rows()  # 101: rows 0-2, 102: rows 3-4, 103: rows 5-6
    _load(tmp_path, "first.csv", rows, column_path)
    youssef = _person("PL2000-2024000103", 2)
    child = rows[3].replace(";Slachtoffer;;Lotte;", ";Kind;;Daan;").replace("21-01-2015", "03-03-2019")
    second = _load(tmp_path, "second.csv", rows[:6] + [child], column_path)  # 103 without Youssef, 102 with a child
    assert second.reports_corrected == 2 and second.persons_created == 1
    assert "betrokkene toegevoegd of vervallen" in second.message
    kinds = sorted((c.report.source_record_id, c.kind, c.party) for c in RecordChange.objects.filter(import_batch=second))
    assert kinds == [("PL2000-2024000102", "partij_toegevoegd", "3"), ("PL2000-2024000103", "partij_verwijderd", "2")]
    daan = _person("PL2000-2024000102", 3)
    assert daan.voornamen == "Daan" and daan.import_batch == second
    assert not ReportParty.objects.filter(person=youssef).exists()
    assert Person.objects.filter(pk=youssef.pk).exists()  # kept, with its history, until retention
    assert {daan.pk, youssef.pk} <= touched_persons(second)


@pytest.mark.django_db
def test_both_paths_correct_the_same_way(register, tmp_path):
    """A correction spread over the file (its rows apart) gives the same registry on both paths."""
    rows = politie_rows()
    changed = [r.replace(";Ex-partnergeweld;", ";Kindermishandeling;") for r in rows]
    changed = changed[5:6] + changed[:5] + changed[6:]  # record 103 split: first and last row of the file
    results = []
    for column_path in (True, False):
        from django.db import transaction

        with transaction.atomic():
            _load(tmp_path, f"first-{column_path}.csv", rows, column_path)
            batch = _load(tmp_path, f"second-{column_path}.csv", changed, column_path)
            results.append(
                (
                    batch.message,
                    sorted((c.report.source_record_id, c.kind, c.party, tuple(c.fields), c.previous) for c in RecordChange.objects.all()),
                    sorted(Report.objects.values_list("source_record_id", "aard")),
                )
            )
            transaction.set_rollback(True)
    assert results[0] == results[1]
    assert ("PL2000-2024000103", "gewijzigd", "", ("aard",), json.dumps({"aard": "ex_partnergeweld"})) in results[0][1]


# -- withdrawals -----------------------------------------------------------------------------------


def _colour_reports(address_id: int) -> int:
    from zicht.casework.colour.models import ColourResult
    from zicht.casework.colour.services import recolour

    recolour("address", [address_id])
    result = ColourResult.objects.filter(subject_type="address", address_id=address_id, is_current=True).first()
    return result.reports if result else 0


@pytest.mark.django_db
def test_a_deletion_list_withdraws_records_from_colour_and_figures_but_not_from_history(register, tmp_path):
    from zicht.areas.data import load_reports

    _load(tmp_path, "first.csv", politie_rows())
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    assert _colour_reports(report.address_id) == 1
    in_figures = load_reports("GM0855").column("report_id").to_pylist()
    assert report.pk in in_figures

    deletions = tmp_path / "ingetrokken.csv"
    deletions.write_text("\ufeffRegistratienummer;Reden\r\nPL2000-2024000101;vervallen\r\nPL2000-2099999999;dubbel\r\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("import", str(deletions), "--profile", "politie-bvh", "--withdrawals")
    refused = ImportBatch.objects.latest("pk")  # all-or-nothing, as an import: an unknown number refuses the list
    assert refused.status == "rejected" and refused.reports_withdrawn == 0 and Report.objects.filter(pk=report.pk).exists()
    assert "rij 3, registratienummer" in refused.message
    call_command("import", str(deletions), "--profile", "politie-bvh", "--withdrawals", "--accept-partial")
    batch = ImportBatch.objects.latest("pk")
    assert batch.reports_withdrawn == 1 and batch.status == "partial"
    assert "1 records ingetrokken" in batch.message and "1 registratienummers onbekend" in batch.message
    assert batch.rejects == [
        {"file": "ingetrokken.csv", "row": 3, "field": "registratienummer", "reason": "onbekend bij deze bron: niets ingetrokken"}
    ]

    assert not Report.objects.filter(pk=report.pk).exists()  # THE rule: Report.objects is the current records
    assert Report.all_objects.get(pk=report.pk).withdrawn_at is not None
    assert not ReportParty.objects.filter(report_id=report.pk).exists()
    assert ReportParty.all_objects.filter(report_id=report.pk).count() == 3
    assert _colour_reports(report.address_id) == 0
    assert report.pk not in load_reports("GM0855").column("report_id").to_pylist()
    assert RecordChange.objects.get(report_id=report.pk).kind == "ingetrokken"
    assert report.address_id in touched_addresses(batch)


@pytest.mark.django_db
@PATHS
def test_a_status_column_withdraws_and_a_later_delivery_reinstates(register, tmp_path, column_path):
    source = (FIXTURES.parent.parent / "profiles" / "politie-bvh.toml").read_text(encoding="utf-8")
    profile_path = tmp_path / "politie-status.toml"
    profile_path.write_text(
        source.replace('name = "politie-bvh"', 'name = "politie-status"')
        + '\n[withdrawals]\ncolumn = "Status"\nvalues = ["vervallen", "ingetrokken"]\n',
        encoding="utf-8",
    )
    profile = load_profile(profile_path)
    assert profile.withdrawal_values == ("vervallen", "ingetrokken") and find_profile("politie-bvh").withdrawal_column == ""
    header = (FIXTURES / "politie_incidenten.csv").read_text(encoding="utf-8-sig").splitlines()[0] + ";Status"
    rows = politie_rows()

    def status(rid_status: dict) -> list[str]:
        return [r + ";" + rid_status.get(r.split(";")[0], "actief") for r in rows]

    first = _load(tmp_path, "a.csv", status({"PL2000-2024000103": "Vervallen"}), column_path, profile=profile, header=header)
    assert first.reports_created == 3 and first.reports_withdrawn == 1  # loaded for the history, withdrawn at once
    assert set(Report.objects.values_list("source_record_id", flat=True)) == {"PL2000-2024000101", "PL2000-2024000102"}
    second = _load(tmp_path, "b.csv", status({"PL2000-2024000101": "ingetrokken"}), column_path, profile=profile, header=header)
    assert second.reports_withdrawn == 1 and "1 eerder ingetrokken records weer geldig" in second.message
    assert set(Report.objects.values_list("source_record_id", flat=True)) == {"PL2000-2024000102", "PL2000-2024000103"}
    kinds = sorted(RecordChange.objects.values_list("report__source_record_id", "kind"))
    assert kinds == [("PL2000-2024000101", "ingetrokken"), ("PL2000-2024000103", "hersteld"), ("PL2000-2024000103", "ingetrokken")]


@pytest.mark.django_db
def test_retention_takes_the_history_with_its_record(register, tmp_path):
    from zicht.registry.retention import RegistryPersonRule, RegistryReportRule

    rows = politie_rows()
    _load(tmp_path, "first.csv", rows)
    _load(tmp_path, "second.csv", [rows[0].replace(";de;Vries;", ";de;Visser;"), *rows[1:]])
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    assert RecordChange.objects.filter(report=report).count() == 1
    rule = RegistryReportRule()
    rule.apply([report.pk], TODAY)
    assert not RecordChange.objects.filter(report=report).exists()
    _load(tmp_path, "third.csv", [rows[3].replace(";Lotte;", ";Lot;"), *rows[4:]])
    lotte = _person("PL2000-2024000102", 1)
    assert RecordChange.objects.filter(person=lotte).exists()
    RegistryPersonRule(rule).apply([lotte.pk], TODAY)
    assert not RecordChange.objects.filter(person=lotte).exists()


# -- the pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_record_page_shows_the_history_and_previous_values_only_to_who_may_see_the_record(register, tmp_path):
    from django.test import Client
    from django.urls import reverse

    from zicht.access import roles
    from zicht.access.models import AccessLogEntry
    from zicht.core.testing import make_region, make_user
    from zicht.registry.models import Organisation

    rows = politie_rows()
    _load(tmp_path, "first.csv", rows)
    second = _load(tmp_path, "second.csv", [rows[0].replace(";de;Vries;", ";de;Visser;"), *rows[1:]])
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    region = make_region("Midden-Brabant", ["GM0855"])
    Organisation.objects.filter(code="politie").update(gemeente_id="GM0855", regio=region)

    keten = Client()
    keten.force_login(make_user(roles.KETENREGISSEUR, username="keten-mb", regio=region))
    batch_page = keten.get(reverse("registry:batch", args=[second.pk])).content.decode()
    assert "Gecorrigeerde en ingetrokken records" in batch_page and "PL2000-2024000101" in batch_page
    assert reverse("registry:record", args=[report.pk]) in batch_page and "Vries" not in batch_page and "Visser" not in batch_page

    page = keten.get(reverse("registry:record", args=[report.pk])).content.decode()
    assert "Historie van dit record" in page and f"#{second.pk}" in page and "achternaam" in page
    assert "achternaam: Vries" in page and "Visser" in page  # previous and current value, for the ketenregisseur
    entry = AccessLogEntry.objects.filter(record_type="report", record_id=str(report.pk)).latest("pk")
    assert entry.action == "view"

    beheerder = Client()
    beheerder.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    assert beheerder.get(reverse("registry:record", args=[report.pk])).status_code == 403
    page = beheerder.get(reverse("registry:batch", args=[second.pk])).content.decode()
    assert "PL2000-2024000101" in page and "achternaam" in page and "Vries" not in page and "Visser" not in page  # names, never values
    assert reverse("registry:record", args=[report.pk]) not in page

    elsewhere = Client()
    elsewhere.force_login(make_user(roles.KETENREGISSEUR, username="keten-bno", regio=make_region("Brabant-Noordoost")))
    assert elsewhere.get(reverse("registry:record", args=[report.pk])).status_code == 404
    professional = Client()
    professional.force_login(make_user(roles.PROFESSIONAL))
    assert professional.get(reverse("registry:record", args=[report.pk])).status_code == 403


@pytest.mark.django_db
def test_an_unchanged_record_compared_once_is_recognised_by_its_digest(register, tmp_path, monkeypatch):
    from zicht.registry.corrections import Corrector

    rows = politie_rows()
    _load(tmp_path, "first.csv", rows)
    compared = []
    monkeypatch.setattr(
        Corrector, "apply", lambda self, rid, *a, real=Corrector.apply, **k: compared.append(rid) or real(self, rid, *a, **k)
    )
    _load(tmp_path, "second.csv", list(reversed(rows)))
    assert len(compared) == 3  # the first re-delivery reads and compares each record
    assert all(Report.objects.values_list("content_digest", flat=True))
    compared.clear()
    changed = [rows[0].replace(";de;Vries;", ";de;Visser;"), *rows[2:], rows[1]]  # another order, one change
    third = _load(tmp_path, "third.csv", changed)
    assert compared == ["PL2000-2024000101"] and third.reports_corrected == 1 and third.reports_already_present == 2


@pytest.mark.django_db
def test_linkage_and_colour_follow_the_corrected_version(register, tmp_path, django_capture_on_commit_callbacks):
    """After the batch (``batch_imported``): a corrected person is linked again, the corrected
    record's old and new address are recoloured."""
    from zicht.casework.colour.models import ColourResult
    from zicht.linkage.models import PersonLink

    rows = politie_rows()
    with django_capture_on_commit_callbacks(execute=True):
        _load(tmp_path, "first.csv", rows)
    mark, peter = _person("PL2000-2024000101", 2), _person("PL2000-2024000102", 2)
    assert PersonLink.objects.get(person=mark).linked_person_id != PersonLink.objects.get(person=peter).linked_person_id
    old_address = Report.objects.get(source_record_id="PL2000-2024000102").address_id
    assert ColourResult.objects.filter(address_id=old_address, is_current=True, reports=1).exists()
    # record 102 corrected: Peter's BSN is Mark's (the same man), and the incident moves to Mark's address
    moved = [r.replace("886075002", "853194130").replace(";Ringbaan-West;101;;5041 LB;", ";Korvelseweg;12;a;5025 AB;") for r in rows[3:5]]
    with django_capture_on_commit_callbacks(execute=True):
        second = _load(tmp_path, "second.csv", rows[:3] + moved + rows[5:])
    second.refresh_from_db()
    assert second.reports_corrected == 1 and not second.postprocess_failed
    assert PersonLink.objects.get(person=mark).linked_person_id == PersonLink.objects.get(person=peter).linked_person_id
    new_address = Report.objects.get(source_record_id="PL2000-2024000102").address_id
    assert new_address != old_address
    assert not ColourResult.objects.filter(address_id=old_address, is_current=True, reports__gt=0).exists()
    assert ColourResult.objects.get(address_id=new_address, is_current=True).reports == 2


@pytest.mark.django_db
def test_a_withdrawn_records_persons_leave_linkage_and_their_clusters_are_decided_again(
    register, tmp_path, django_capture_on_commit_callbacks
):
    """A withdrawn record's persons lose their PersonLink, blocking keys and open review pairs (they
    never attract a candidate), the clusters they were in are re-decided without them, households
    and colour follow; a full batch run keeps them out, and a re-delivery brings them back."""
    from zicht.casework.colour.models import ColourResult
    from zicht.linkage import services
    from zicht.linkage.models import BlockingKey, HouseholdMember, PersonLink, ReviewPair

    rows = politie_rows()
    # record 102's suspect carries Mark's BSN (record 101): one linked person over both records
    same_man = [r.replace("886075002", "853194130") for r in rows[3:5]]
    with django_capture_on_commit_callbacks(execute=True):
        _load(tmp_path, "first.csv", rows[:3] + same_man + rows[5:])
    gone = list(Person.objects.filter(source_key__startswith="PL2000-2024000101/"))
    mark, peter, lotte = _person("PL2000-2024000101", 2), _person("PL2000-2024000102", 2), _person("PL2000-2024000102", 1)
    assert PersonLink.objects.get(person=mark).linked_person_id == PersonLink.objects.get(person=peter).linked_person_id
    assert PersonLink.objects.get(person=peter).method == "bsn"
    gone_lps = {PersonLink.objects.get(person=p).linked_person_id for p in gone if p != mark}
    assert HouseholdMember.objects.filter(linked_person_id__in=gone_lps).exists()
    pair = ReviewPair.objects.create(person_a=gone[0], person_b=lotte, match_weight=1.0)
    address = Report.objects.get(source_record_id="PL2000-2024000101").address_id
    assert ColourResult.objects.filter(address_id=address, is_current=True, reports=1).exists()

    deletions = tmp_path / "ingetrokken.csv"
    deletions.write_text("Registratienummer\r\nPL2000-2024000101\r\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", str(deletions), "--profile", "politie-bvh", "--withdrawals")
    batch = ImportBatch.objects.latest("pk")
    assert not batch.postprocess_failed and batch.linked_at is not None

    ids = [p.pk for p in gone]
    assert not PersonLink.objects.filter(person_id__in=ids).exists()
    assert not BlockingKey.objects.filter(person_id__in=ids).exists()
    pair.refresh_from_db()
    assert pair.status == "superseded"
    assert PersonLink.objects.get(person=peter).method == "single"  # the cluster decided again, without Mark
    assert not HouseholdMember.objects.filter(linked_person_id__in=gone_lps).exists()
    assert HouseholdMember.objects.filter(linked_person_id=PersonLink.objects.get(person=peter).linked_person_id).exists()
    assert not ColourResult.objects.filter(address_id=address, is_current=True, reports__gt=0).exists()

    services.run_batch()  # a full run does not link them again
    assert not PersonLink.objects.filter(person_id__in=ids).exists()
    assert not BlockingKey.objects.filter(person_id__in=ids).exists()
    assert PersonLink.objects.filter(person=peter).exists()

    with django_capture_on_commit_callbacks(execute=True):
        _load(tmp_path, "again.csv", rows[:3])  # delivered again without a withdrawal: current again
    assert Report.objects.filter(source_record_id="PL2000-2024000101").exists()
    assert PersonLink.objects.filter(person_id__in=ids).count() == 3 and BlockingKey.objects.filter(person_id__in=ids).exists()
    assert PersonLink.objects.get(person=mark).linked_person_id == PersonLink.objects.get(person=peter).linked_person_id


@pytest.mark.django_db
def test_departed_persons_are_those_no_current_record_names(register, tmp_path):
    from zicht.registry.corrections import departed_persons

    rows = politie_rows()
    _load(tmp_path, "first.csv", rows)
    assert departed_persons() == set()
    noah = _person("PL2000-2024000101", 3)
    _load(tmp_path, "second.csv", rows[:2] + rows[3:])  # Noah dropped from record 101 (betrokkene vervallen)
    assert departed_persons() == {noah.pk}
    with transaction_atomic():
        from zicht.registry.corrections import withdraw

        withdraw(ImportBatch.objects.latest("pk"), ["PL2000-2024000103"])
    fatima, youssef = _person("PL2000-2024000103", 1), _person("PL2000-2024000103", 2)
    assert departed_persons() == {noah.pk, fatima.pk, youssef.pk}
    assert departed_persons([fatima.pk, _person("PL2000-2024000101", 1).pk]) == {fatima.pk}
    signalled = Person.objects.create(source=Report.objects.first().source, source_key="handmatig/1")  # named by no report
    assert signalled.pk not in departed_persons()
