"""The import pipeline against the database: each profile's fixture, idempotence, atomicity,
partial loads, provenance, encryption at rest and hostile input."""

from __future__ import annotations

import csv
import dataclasses
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from zicht.core.crypto import bsn_hash, cipher
from zicht.registry import pipeline, records
from zicht.registry.domain.profile import find_profile
from zicht.registry.models import Address, ImportBatch, Person, Report, ReportParty
from zicht.registry.pipeline import import_file
from zicht.registry.signals import batch_imported

from .conftest import WIJKTEAM_ROWS, politie_rows, write_politie, write_xlsx

pytestmark = pytest.mark.django_db


def counts():
    return (Report.objects.count(), Person.objects.count(), ReportParty.objects.count(), Address.objects.count())


def raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# -- each profile imports its fixture ------------------------------------------------------------


def test_politie_fixture(register, politie_file):
    batch = import_file(politie_file, "politie-bvh")
    assert batch.status == "loaded", batch.message
    assert (batch.rows_total, batch.rows_loaded, batch.rows_rejected) == (7, 7, 0)
    assert (batch.reports_created, batch.persons_created, batch.addresses_created, batch.addresses_unmatched) == (3, 7, 3, 1)
    assert batch.source.code == "politie" and batch.source.type == "politie"

    incident = Report.objects.get(source_record_id="PL2000-2024000101")
    assert (incident.soort, incident.aard, incident.relatie) == ("incident", "ex_partnergeweld", "partner")
    assert incident.vormen == ["lichamelijk", "psychisch"]
    assert (incident.letsel, incident.wapen, incident.huisverbod, incident.kinderen_aanwezig) == (True, False, True, True)
    assert incident.buurt_id == "BU08551700"  # from the police geocoding in the file
    assert incident.address.key == "5025AB|12|A"
    assert incident.source_rows == "2-4" and incident.import_batch == batch
    assert sorted(incident.parties.values_list("rol", flat=True)) == ["kind", "pleger", "slachtoffer"]
    pleger = incident.parties.get(rol="pleger").person
    assert (pleger.voornamen, pleger.voorletters, pleger.achternaam, pleger.geslacht) == ("Mark", "M.", "Jansen", "m")
    assert pleger.geboortedatum == "1987-11-17" and pleger.source_row == 3 and pleger.import_batch == batch
    assert pleger.bsn_hash == bsn_hash("853194130")
    # no buurt code in the file: the address register decides (PC6 + huisnummer)
    assert Report.objects.get(source_record_id="PL2000-2024000102").buurt_id == "BU08550110"
    # neither: kept without buurt and counted
    unmatched = Report.objects.get(source_record_id="PL2000-2024000103")
    assert unmatched.buurt_id is None and unmatched.address.buurt_id is None
    assert unmatched.toelichting == "Belt herhaaldelijk; bedreigt via app"


def test_veilig_thuis_fixture(register, vt_file):
    batch = import_file(vt_file, "veilig-thuis")
    assert batch.status == "loaded", batch.message
    assert (batch.rows_total, batch.reports_created, batch.persons_created) == (6, 3, 6)
    kinds = dict(Report.objects.values_list("source_record_id", "soort"))
    assert kinds == {"VT-2024-0001": "melding", "VT-2024-0002": "advies", "VT-2024-0003": "melding"}
    melding = Report.objects.get(source_record_id="VT-2024-0001")
    assert melding.hoedanigheid_melder == "politie" and melding.kinderen_aanwezig is True
    # three spellings of one address are one address
    assert {p.person.address.key for p in melding.parties.all()} == {"5025AB|12|A"}
    slachtoffer = melding.parties.get(rol="slachtoffer").person
    assert (slachtoffer.voorletters, slachtoffer.tussenvoegsel, slachtoffer.achternaam) == ("S.", "de", "Vries")
    amrani = Report.objects.get(source_record_id="VT-2024-0003").parties.get().person
    assert (amrani.voornamen, amrani.tussenvoegsel, amrani.achternaam) == ("Mohamed", "el", "Amrani")
    assert amrani.address.key == "5014NK|3|II" and amrani.address.buurt_id == "BU08550110"


def test_wijkteam_fixture(register, wijkteam_file):
    batch = import_file(wijkteam_file, "wijkteam-signalen")
    assert batch.status == "loaded", batch.message
    assert (batch.rows_total, batch.reports_created, batch.persons_created) == (3, 2, 3)
    signaal = Report.objects.get(source_record_id="WT-24-0001")
    assert signaal.soort == "signaal" and signaal.categorie == "zorg om veiligheid"
    assert str(signaal.datum) == "2024-04-02"  # Excel date cell
    assert signaal.contact_medewerker == "Ilse Wouters" and signaal.contact_telefoon == "013-5550101"
    assert raw("registry_report", "contact_medewerker", signaal.pk) != "Ilse Wouters"
    text_dated = Report.objects.get(source_record_id="WT-24-0002")
    assert str(text_dated.datum) == "2024-07-15"  # a text date dd-mm-jjjj in the same sheet
    ouder = signaal.parties.get(rol="betrokkene").person
    assert ouder.bsn_hash == bsn_hash("944117715") and ouder.voorletters == "S."
    assert signaal.parties.get(rol="kind").person.address.key == "5025AB|12|A"


# -- idempotence -----------------------------------------------------------------------------------


def test_same_file_twice_adds_nothing_and_says_so(register, politie_file):
    first = import_file(politie_file, "politie-bvh")
    before = counts()
    second = import_file(politie_file, "politie-bvh")
    assert second.status == "duplicate" and second.duplicate_of == first
    assert "al geladen" in second.message and f"#{first.pk}" in second.message
    assert counts() == before


def test_record_already_present_is_not_duplicated(register, tmp_path, politie_file):
    import_file(politie_file, "politie-bvh")
    before = counts()
    rows = politie_rows()[:3] + [r.replace("PL2000-2024000103", "PL2000-2024000199") for r in politie_rows()[5:]]
    batch = import_file(write_politie(tmp_path / "overlap.csv", rows), "politie-bvh")
    assert batch.status == "loaded"
    assert (batch.reports_already_present, batch.reports_created, batch.persons_created) == (1, 1, 2)
    assert counts()[0] == before[0] + 1
    assert Report.objects.filter(source_record_id="PL2000-2024000101").count() == 1


# -- atomicity ---------------------------------------------------------------------------------


def test_one_bad_row_loads_nothing(register, tmp_path):
    rows = politie_rows()
    rows[4] = rows[4].replace("Verdachte", "Dader")  # an unknown role: essential
    before = counts()
    batch = import_file(write_politie(tmp_path / "bad.csv", rows), "politie-bvh")
    assert batch.status == "rejected"
    assert counts() == before
    assert batch.rejects == [
        {
            "file": "bad.csv",
            "row": 6,
            "field": "party.rol",
            "reason": "onbekende waarde 'Dader' voor party.rol (vul [values.\"party.rol\"] aan)",
        }
    ]
    assert (batch.rows_total, batch.rows_rejected, batch.reports_created, batch.persons_created) == (7, 1, 0, 0)
    assert "niets geladen" in batch.message


def test_crash_after_some_chunks_loads_nothing(register, tmp_path, monkeypatch, politie_file):
    monkeypatch.setattr(pipeline, "CHUNK_RECORDS", 1)  # flush after every record
    calls = {"n": 0}
    original = records.RecordStore.insert

    def insert_then_crash(self, model, fields, values):
        calls["n"] += 1
        if calls["n"] == 7:  # two records fully written, the third half-way
            raise RuntimeError("simulated crash")
        return original(self, model, fields, values)

    monkeypatch.setattr(records.RecordStore, "insert", insert_then_crash)
    before = counts()
    with pytest.raises(RuntimeError):
        import_file(politie_file, "politie-bvh")
    assert counts() == before
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.reports_created == 0
    assert "RuntimeError" in batch.message and "niets geladen" in batch.message


def test_signal_sent_after_commit_only_for_loaded_batches(register, politie_file, tmp_path, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, batch, **kwargs):
        received.append((sender, batch.pk, batch.status))

    batch_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = import_file(politie_file, "politie-bvh")
        with django_capture_on_commit_callbacks(execute=True):
            rows = politie_rows()
            rows[0] = rows[0].replace("14-03-2024", "31-02-2024")
            import_file(write_politie(tmp_path / "bad.csv", rows), "politie-bvh")
    finally:
        batch_imported.disconnect(receiver)
    assert received == [(ImportBatch, batch.pk, "loaded")]


# -- partial loads and rejects ------------------------------------------------------------------


def test_accept_partial_loads_valid_records_and_writes_rejects(register, tmp_path):
    rows = politie_rows()
    rows[1] = rows[1].replace("Partnergeweld", "Burenruzie")  # record 101: an aard outside the profile
    out = tmp_path / "rejects.csv"
    batch = import_file(write_politie(tmp_path / "partial.csv", rows), "politie-bvh", accept_partial=True, rejects_out=out)
    assert batch.status == "partial"
    assert (batch.reports_created, batch.rows_loaded, batch.rows_rejected) == (2, 4, 3)  # record 101 skipped whole
    assert not Report.objects.filter(source_record_id="PL2000-2024000101").exists()
    assert batch.incidents_partial == []  # the record itself was invalid: not 'loaded without some rows'
    with out.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert [(r["row"], r["field"]) for r in lines] == [("3", "report.aard"), ("2", "(record)"), ("4", "(record)")]
    assert lines[1]["reason"] == "overgeslagen: rij 3 van hetzelfde record is afgewezen"
    assert all(r["file"] == "partial.csv" for r in lines)


def test_rejects_never_contain_personal_values(register, tmp_path):
    personal = ["853194131", "Jansen-Geheim", '=HYPERLINK("http://x")', "Korvelseweg-Geheim", "9999 X"]
    rows = politie_rows()
    rows[0] = rows[0].replace("944117715", "853194131")
    rows[1] = rows[1].replace(";Jansen;", ';=HYPERLINK(""http://x"");').replace("17-11-1987", "17-11-1787")
    rows[3] = rows[3].replace("Ringbaan-West", "Korvelseweg-Geheim").replace("5041 LB", "9999 X")
    rows[4] = rows[4].replace("Ringbaan-West;101", "Ringbaan-West;elf")
    rows[2] = rows[2].replace(";Noah;", ";Jansen-Geheim;").replace("Kind;", "Kindje;")
    out = tmp_path / "rejects.csv"
    strict = dataclasses.replace(find_profile("politie-bvh"), auxiliary=frozenset())  # every field essential
    batch = import_file(write_politie(tmp_path / "personal.csv", rows), strict, rejects_out=out)
    assert batch.status == "rejected"
    stored = json.dumps(batch.rejects, ensure_ascii=False)
    written = out.read_text(encoding="utf-8")
    fields = {r["field"] for r in batch.rejects}
    assert {"person.bsn", "person.achternaam", "person.geboortedatum", "address.huisnummer", "address.postcode", "party.rol"} <= fields
    for value in personal + ["17-11-1787", "elf", "HYPERLINK"]:
        assert value not in stored and value not in written
    assert "'Kindje'" in stored  # partner wording of a coded field is quoted, to extend the value map
    assert all(not line.split(",")[-1].startswith(("=", "+", "@")) for line in written.splitlines())


def test_inconsistent_record_level_values_are_rejected(register, tmp_path):
    rows = politie_rows()
    rows[1] = rows[1].replace("14-03-2024", "15-03-2024")
    batch = import_file(write_politie(tmp_path / "inconsistent.csv", rows), "politie-bvh")
    assert batch.status == "rejected"
    assert batch.rejects == [
        {
            "file": "inconsistent.csv",
            "row": 3,
            "field": "report.datum",
            "reason": "recordgegevens wijken af van rij 2 met hetzelfde registratienummer",
        }
    ]


def test_rows_of_one_record_need_not_be_adjacent(register, tmp_path):
    rows = politie_rows()
    shuffled = [rows[0], rows[3], rows[1], rows[4], rows[2], rows[5], rows[6]]
    batch = import_file(write_politie(tmp_path / "shuffled.csv", shuffled), "politie-bvh")
    assert batch.status == "loaded"
    assert batch.reports_created == 3 and batch.persons_created == 7
    incident = Report.objects.get(source_record_id="PL2000-2024000101")
    assert incident.parties.count() == 3
    keys = sorted(p.person.source_key for p in incident.parties.all())
    assert keys == ["PL2000-2024000101/1", "PL2000-2024000101/2", "PL2000-2024000101/3"]


# -- encryption and pseudonymisation ----------------------------------------------------------


def test_names_dob_and_free_text_encrypted_at_rest_and_bsn_only_hashed(register, politie_file):
    import_file(politie_file, "politie-bvh")
    person = Person.objects.get(source_key="PL2000-2024000101/1")
    for column, plain in [
        ("voornamen", "Sanne"),
        ("achternaam", "Vries"),
        ("tussenvoegsel", "de"),
        ("geboortedatum", "1990-05-02"),
        ("voorletters", "S."),
    ]:
        stored = raw("registry_person", column, person.pk)
        assert stored != plain and stored.startswith(f"z2:{cipher().current_key_id}:registry_person.{column}:{person.pk}:")
        # a short plaintext ('de', 'S.') can occur in base64 ciphertext by chance; longer ones cannot
        assert len(plain) < 5 or plain not in stored
        assert cipher().decrypt(stored, f"registry_person.{column}", person.pk) == plain
    report = person.parties.get().report
    stored = raw("registry_report", "toelichting", report.pk)
    assert (
        "alcohol" not in stored
        and cipher().decrypt(stored, "registry_report.toelichting", report.pk) == "Ruzie na alcoholgebruik; buren belden."
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        everything = json.dumps(cursor.fetchall(), default=str)
    for bsn in ("944117715", "853194130", "886075002", "792243298"):
        assert bsn not in everything
    assert person.bsn_hash == bsn_hash("944117715") and len(person.bsn_hash) == 64


# -- hostile input ------------------------------------------------------------------------------

HEADER = (
    "Registratienummer;Pleegdatum;Incidentsoort;Relatie;Geweldsvormen;Letsel;Wapen;Huisverbod;Kinderen aanwezig;"
    "Rol;BSN;Voornamen;Tussenvoegsel;Achternaam;Geslacht;Geboortedatum;Straat;Huisnummer;Toevoeging;Postcode;"
    "Woonplaats;Buurtcode;Mutatietekst"
)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.csv", b"", "bestand is leeg"),
        ("header.csv", ("\ufeff" + HEADER + "\r\n").encode(), "geen gegevensrijen"),
        ("comma.csv", ("\ufeff" + HEADER.replace(";", ",") + "\r\nPL1,14-03-2024\r\n").encode(), "scheidingsteken (';')"),
        ("garbage.csv", bytes(range(256)) * 64, "binaire gegevens"),
        (
            "latin.csv",
            ("\ufeff" + HEADER + "\r\nPL1;14-03-2024;Partnergeweld;;;;;;;Slachtoffer;;Jos\xe9").encode("utf-8")[:-2] + b"\xe9\r\n",
            "geen geldige tekst in codering utf-8-sig",
        ),
        (
            "huge.csv",
            ("\ufeff" + HEADER + "\r\nPL1;14-03-2024;Partnergeweld;;;;;;;Slachtoffer;;" + "A" * 200_000 + "\r\n").encode(),
            "groter dan 131072 tekens",
        ),
        ("excel.csv", b"PK\x03\x04" + b"\x00" * 100, "Excel- of zip-bestand"),
    ],
)
def test_hostile_files_give_clear_errors(geo, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    batch = import_file(path, "politie-bvh")
    assert batch.status == "rejected"
    assert reason in batch.message, batch.message
    assert batch.rejects[0]["field"] == "(bestand)" and batch.rejects[0]["file"] == name
    assert counts() == before


def test_formula_in_a_name_is_rejected_and_never_echoed(geo, tmp_path):
    rows = politie_rows()[:1]
    rows[0] = rows[0].replace(";Sanne;", ";=cmd|' /C calc'!A0;")
    batch = import_file(write_politie(tmp_path / "formula.csv", rows), "politie-bvh")
    assert batch.status == "rejected"
    assert batch.rejects[0]["field"] == "person.voornamen" and "formuleteken" in batch.rejects[0]["reason"]
    assert "cmd" not in json.dumps(batch.rejects)


@pytest.mark.parametrize(
    "maker, reason",
    [
        (lambda p: p.write_bytes(b"not a zip at all"), "geen geldig xlsx-bestand"),
        (lambda p: write_xlsx(p, WIJKTEAM_ROWS, sheet="Blad1"), "werkblad 'Signalen' ontbreekt"),
        (lambda p: write_xlsx(p, [], header=["Signaal-ID", "Datum"]), "kolommen ontbreken"),
        (lambda p: write_xlsx(p, []), "geen gegevensrijen"),
    ],
)
def test_broken_xlsx_gives_clear_errors(geo, tmp_path, maker, reason):
    path = tmp_path / "signalen.xlsx"
    maker(path)
    batch = import_file(path, "wijkteam-signalen")
    assert batch.status == "rejected" and reason in batch.message, batch.message


# -- address register, commands ---------------------------------------------------------------------


def test_load_addresses_is_idempotent_and_matches_addresses_imported_earlier(geo, politie_file, tmp_path):
    from zicht.registry.register import load_address_register
    from zicht.registry.tests.conftest import FIXTURES

    import_file(politie_file, "politie-bvh")
    assert Report.objects.get(source_record_id="PL2000-2024000102").address.buurt_id is None
    first = load_address_register(FIXTURES / "adresregister.csv")
    assert first.ok and (first.created, first.updated, first.unchanged) == (4, 0, 0)
    assert first.addresses_matched == 1
    assert Address.objects.get(key="5041LB|101|").buurt_id == "BU08550110"
    second = load_address_register(FIXTURES / "adresregister.csv")
    assert (second.created, second.updated, second.unchanged, second.addresses_matched) == (0, 0, 4, 0)
    bad = tmp_path / "register.csv"
    bad.write_text(
        "postcode,huisnummer,toevoeging,straat,woonplaats,buurtcode,jaar\n"
        "5000AA,1,,Straat,Tilburg,BU08550110,2024\n5000 AB,2,,Straat,Tilburg,BU99999999,2024\n",
        encoding="utf-8",
    )
    result = load_address_register(bad)
    assert not result.ok and result.rejects == [
        {"file": "register.csv", "row": 3, "field": "buurtcode", "reason": "onbekende buurtcode (laad eerst de CBS-buurten)"}
    ]
    assert not Address.objects.filter(postcode="5000AA").exists()


def test_import_and_stats_commands(register, politie_file, vt_file, tmp_path):
    out = StringIO()
    call_command("import", str(politie_file), profile="politie-bvh", json=True, stdout=out)
    outcome = json.loads(out.getvalue())
    assert outcome["status"] == "loaded" and outcome["reports_created"] == 3
    call_command("import", str(vt_file), "--profile", "veilig-thuis", stdout=StringIO())
    out = StringIO()
    call_command("stats", json=True, stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["reports"] == {"advies": 1, "incident": 3, "melding": 2}
    assert stats["per_source"]["politie"]["reports"] == {"incident": 3}
    assert stats["per_source"]["veilig-thuis"]["persons"] == 6
    assert stats["addresses_without_buurt"] == 1 and stats["batches"] == {"loaded": 2}
    text = StringIO()
    call_command("stats", stdout=text)
    assert "Records: 6" in text.getvalue()


def test_import_command_rejected_exits_nonzero_and_writes_rejects(register, tmp_path):
    rows = politie_rows()
    rows[0] = rows[0].replace("14-03-2024", "31-04-2024")  # the record's date: essential
    path = write_politie(tmp_path / "bad.csv", rows)
    out_file = tmp_path / "rejects.csv"
    stdout = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import", str(path), profile="politie-bvh", rejects_out=str(out_file), stdout=stdout)
    assert exc.value.code == 1
    assert "bad.csv rij 2, report.datum: geen geldige datum" in stdout.getvalue()
    assert out_file.read_text(encoding="utf-8").splitlines()[1].startswith("bad.csv,2,report.datum,")


def test_import_command_unknown_profile(tmp_path, politie_file):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("import", str(politie_file), profile="politie-bhv")
    assert "politie-bvh" in str(exc.value)


def test_failing_subscriber_cannot_mislabel_a_committed_import(register, politie_file, django_capture_on_commit_callbacks):
    def broken(sender, batch, **kwargs):
        raise ValueError("subscriber bug")

    batch_imported.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = import_file(politie_file, "politie-bvh")
    finally:
        batch_imported.disconnect(broken)
    batch.refresh_from_db()
    assert batch.status == "loaded" and batch.reports_created == 3 and Report.objects.count() == 3
