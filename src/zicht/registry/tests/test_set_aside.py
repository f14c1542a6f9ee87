"""Issue 19: a typo in one auxiliary field must not cost the record.

Invalid auxiliary values (BSN, date of birth, gender, address) are set aside — the row loads,
the value is not used, the raw value is kept encrypted for the reviewer, the batch lists row,
field and reason —; essential errors still refuse the file; with --accept-partial a person's
rejected row does not take the incident with it; a threshold per profile refuses a file with
too many set-aside values; a corrected re-delivery resolves them.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from zicht.access.roles import FUNCTIONEEL_BEHEERDER
from zicht.core.crypto import bsn_hash
from zicht.core.testing import make_user
from zicht.registry.domain import setaside
from zicht.registry.domain.profile import ProfileError, find_profile, load_profile
from zicht.registry.models import ImportBatch, Person, Report, SetAsideValue
from zicht.registry.pipeline import import_file

from .conftest import WIJKTEAM_ROWS, politie_rows, write_politie, write_xlsx
from .test_profiles import MINIMAL

BAD_BSN = "853194131"  # row 3 (the verdachte of record 101) with one digit wrong: fails the 11-proef
PATHS = [pytest.param(True, id="column-path"), pytest.param(False, id="row-path")]


def _typo_rows():
    rows = politie_rows()
    rows[1] = rows[1].replace("853194130", BAD_BSN)
    return rows


def _many(n_records: int, bad_bsn_records: int) -> list[str]:
    """A politie file of ``n_records`` copies of record 103 (2 rows each); the first ``bad_bsn_records``
    with a BSN failing the 11-proef on the victim's row."""
    template = politie_rows()[5:7]
    out = []
    for k in range(n_records):
        a, b = (r.replace("PL2000-2024000103", f"PL2000-2024{k:06d}") for r in template)
        if k < bad_bsn_records:
            a = a.replace("792243298", "792243299")
        out += [a, b]
    return out


# -- the pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, message, code",
    [
        ("person.bsn", "BSN voldoet niet aan de 11-proef", "bsn_11proef"),
        ("person.bsn", "BSN heeft geen 9 cijfers", "bsn_vorm"),
        ("person.bsn", "BSN bevat andere tekens dan cijfers", "bsn_vorm"),
        ("person.geboortedatum", "geen geldige datum (verwacht dd-mm-jjjj)", "geboortedatum_onleesbaar"),
        ("person.geboortedatum", "geboortedatum ligt in de toekomst", "geboortedatum_onwaarschijnlijk"),
        ("person.geboortedatum", "geboortedatum onwaarschijnlijk (ouder dan 120 jaar)", "geboortedatum_onwaarschijnlijk"),
        ("person.geboortedatum", "geboortedatum ligt ruim na de datum van het record", "geboortedatum_onwaarschijnlijk"),
        ("person.geslacht", "onbekende waarde 'Q' voor person.geslacht", "geslacht_onbekend"),
        ("address.postcode", "ongeldige postcode", "postcode_ongeldig"),
        ("address.huisnummer", "ongeldig huisnummer", "huisnummer_ongeldig"),
        ("address.adres", "adres niet te lezen", "adres_ongeldig"),
        ("address.toevoeging", "te lang (meer dan 20 tekens)", "te_lang"),
    ],
)
def test_reason_codes(field, message, code):
    assert setaside.reason_code(field, message) == code
    assert code in setaside.REASONS


@pytest.mark.parametrize(
    "rows, total, share, refused",
    [
        (0, 100, 0.05, False),
        (5, 100, 0.05, False),
        (6, 100, 0.05, True),
        (5, 7, 0.05, False),  # the floor
        (70, 20001, 0.05, False),
        (1001, 20000, 0.05, True),
        (1000, 20000, 0.05, False),
        (60, 100, 0.5, True),
        (50, 100, 0.5, False),
        (6, 100, 0.0, True),
        (0, 0, 0.05, False),
    ],
)
def test_threshold(rows, total, share, refused):
    assert setaside.exceeds_share(rows, total, share) is refused


@pytest.mark.parametrize(
    "field, record_level",
    [
        ("Registratienummer", True),
        ("report.datum", True),
        ("report.aard", True),
        ("report", True),
        ("(record)", True),
        ("party.rol", False),
        ("person.achternaam", False),
        ("person.bsn", False),
        ("address.buurtcode", False),
    ],
)
def test_which_rejects_spoil_the_incident(field, record_level):
    assert setaside.is_record_level(field, "Registratienummer") is record_level


def test_describe_never_needs_the_value():
    assert setaside.describe("person.bsn", "bsn_11proef") == "BSN terzijde gelegd: ongeldig (11-proef)"


# -- profiles ------------------------------------------------------------------------------------


def test_packaged_profiles_default_to_the_rule():
    profile = find_profile("politie-bvh")
    assert profile.auxiliary == setaside.DEFAULT_AUXILIARY
    assert profile.max_set_aside_share == 0.05
    assert "party.rol" not in profile.auxiliary and "report.datum" not in profile.auxiliary


def _profile(tmp_path, validation: str):
    path = tmp_path / "ggd-west.toml"
    path.write_text(textwrap.dedent(MINIMAL) + "\n[validation]\n" + textwrap.dedent(validation), encoding="utf-8")
    return load_profile(path)


def test_profile_declares_fields_essential_and_its_threshold(tmp_path):
    profile = _profile(
        tmp_path,
        """
        essential = ["person.bsn"]
        max_set_aside_share = 0.01
    """,
    )
    assert "person.bsn" not in profile.auxiliary and "person.geslacht" in profile.auxiliary
    assert profile.max_set_aside_share == 0.01
    only = _profile(tmp_path, 'auxiliary = ["person.geslacht"]')
    assert only.auxiliary == {"person.geslacht"}


@pytest.mark.parametrize(
    "validation, message",
    [
        ('auxiliary = ["person.achternaam"]', "kan niet terzijde worden gelegd"),
        ('auxiliary = ["party.rol"]', "kan niet terzijde worden gelegd"),
        ('essential = ["person.bestaatniet"]', "onbekend doelveld"),
        ('essential = "person.bsn"', "moet een lijst"),
        ('auxiliary = ["person.bsn"]\nessential = ["person.bsn"]', "kies één"),
        ("max_set_aside_share = 5", "tussen 0 en 1"),
        ('max_set_aside_share = "5%"', "tussen 0 en 1"),
    ],
)
def test_profile_mistakes_name_the_key(tmp_path, validation, message):
    with pytest.raises(ProfileError) as exc:
        _profile(tmp_path, validation)
    assert message in str(exc.value) and "ggd-west.toml" in str(exc.value)


def test_a_required_field_is_essential(tmp_path):
    profile = _profile(tmp_path, 'required = ["report.datum", "party.rol"]\nessential = []')
    assert profile.auxiliary == setaside.DEFAULT_AUXILIARY  # (rol and datum never were auxiliary)


# -- the import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("column_path", PATHS)
def test_bsn_typo_loads_the_row_without_the_bsn_and_keeps_it_encrypted(register, tmp_path, column_path):
    batch = import_file(write_politie(tmp_path / "typo.csv", _typo_rows()), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded" and (batch.rows_loaded, batch.rows_rejected) == (7, 0)
    assert batch.rows_set_aside == 1
    assert batch.set_aside == [{"file": "typo.csv", "row": 3, "field": "person.bsn", "reason": "bsn_11proef"}]
    assert "1 rijen geladen met een terzijde gelegde waarde" in batch.message
    person = Person.objects.get(source_key="PL2000-2024000101/2")
    assert person.bsn_hash == "" and person.achternaam == "Jansen"  # loaded, but never linked on the bad BSN
    value = SetAsideValue.objects.get()
    assert (value.person, value.field, value.reason, value.source_row, value.source_record_id) == (
        person,
        "person.bsn",
        "bsn_11proef",
        3,
        "PL2000-2024000101",
    )
    assert value.raw_value == BAD_BSN and value.import_batch == batch
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT raw_value FROM {SetAsideValue._meta.db_table}")
        stored = cursor.fetchone()[0]
    assert BAD_BSN not in stored  # encrypted at rest
    for text in (batch.message, json.dumps(batch.set_aside), json.dumps(batch.rejects)):
        assert BAD_BSN not in text


@pytest.mark.parametrize("column_path", PATHS)
def test_impossible_postcode_is_never_an_address(register, tmp_path, column_path):
    rows = politie_rows()
    rows[0] = rows[0].replace("5025 AB", "0025 AB")  # the victim of record 101
    batch = import_file(write_politie(tmp_path / "pc.csv", rows), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded" and batch.set_aside == [
        {"file": "pc.csv", "row": 2, "field": "address.postcode", "reason": "postcode_ongeldig"}
    ]
    victim = Person.objects.get(source_key="PL2000-2024000101/1")
    assert victim.address is None
    assert batch.addresses_incomplete == 0  # set aside is not 'incomplete'
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    assert report.address.postcode == "5025AB"  # from the child's row (its own, valid address)
    assert not Person.objects.filter(address__postcode__startswith="0").exists()


def test_xlsx_row_path_sets_aside_too(register, tmp_path):
    rows = [list(r) for r in WIJKTEAM_ROWS]
    rows[1][11] = 944117716  # fails the 11-proef (typed as a number, as Excel does)
    batch = import_file(write_xlsx(tmp_path / "w.xlsx", rows), "wijkteam-signalen")
    assert batch.status == "loaded" and batch.rows_set_aside == 1
    assert SetAsideValue.objects.get().raw_value == "944117716"


def test_essential_errors_still_refuse_the_whole_file(register, tmp_path):
    rows = _typo_rows()
    rows[4] = rows[4].replace("02-06-2024", "02-13-2024")  # an impossible record date: essential
    batch = import_file(write_politie(tmp_path / "bad.csv", rows), "politie-bvh")
    assert batch.status == "rejected" and "niets geladen" in batch.message
    assert batch.rejects == [{"file": "bad.csv", "row": 6, "field": "report.datum", "reason": "geen geldige datum (verwacht dd-mm-jjjj)"}]
    assert not Report.objects.exists() and not Person.objects.exists() and not SetAsideValue.objects.exists()


@pytest.mark.parametrize("column_path", PATHS)
def test_accept_partial_keeps_the_other_persons_of_the_incident(register, tmp_path, column_path):
    rows = politie_rows()
    rows[2] = rows[2].replace("Kind;", "Kindje;")  # the child's role of record 101: that row only
    batch = import_file(write_politie(tmp_path / "p.csv", rows), "politie-bvh", accept_partial=True, column_path=column_path)
    assert batch.status == "partial"
    assert (batch.reports_created, batch.rows_loaded, batch.rows_rejected) == (3, 6, 1)
    report = Report.objects.get(source_record_id="PL2000-2024000101")
    assert sorted(report.parties.values_list("rol", flat=True)) == ["pleger", "slachtoffer"]
    assert batch.incidents_partial == [{"record": "PL2000-2024000101", "rows": [4]}]
    assert "1 records zonder hun afgewezen rijen geladen (PL2000-2024000101 zonder rij 4)" in batch.message
    assert [(r["row"], r["field"]) for r in batch.rejects] == [(4, "party.rol")]


def test_threshold_turns_warnings_into_a_refusal(register, tmp_path):
    path = write_politie(tmp_path / "many.csv", _many(40, 6))  # 6 of 80 rows (7.5 %)
    batch = import_file(path, "politie-bvh")
    assert batch.status == "rejected" and not Report.objects.exists() and not SetAsideValue.objects.exists()
    assert batch.message.startswith("Afgewezen: 6 van 80 rijen (7.5 %) hebben een ongeldige BSN")
    assert "max_set_aside_share" in batch.message and "niets geladen" in batch.message
    assert [e["row"] for e in batch.set_aside] == [2, 4, 6, 8, 10, 12]  # the warnings stay listed
    lenient = dataclasses.replace(find_profile("politie-bvh"), max_set_aside_share=0.10)
    batch = import_file(path, lenient)
    assert batch.status == "loaded" and batch.rows_set_aside == 6 and SetAsideValue.objects.count() == 6


def test_the_issue_scenario_in_miniature_loads_without_refusal(register, tmp_path):
    """Three monthly files, 0.35 % of the BSNs failing the 11-proef: nothing refused, nothing lost."""
    for k, (records, bad) in enumerate([(383, 3), (406, 3), (212, 2)]):  # 2,002 rows, 8 bad BSNs
        rows = [r.replace("PL2000-2024", f"PL200{k}-2024") for r in _many(records, bad)]
        batch = import_file(write_politie(tmp_path / f"f{k}.csv", rows), "politie-bvh")
        assert batch.status == "loaded", batch.message
        assert (batch.rows_loaded, batch.rows_rejected, batch.rows_set_aside) == (2 * records, 0, bad)
    assert Report.objects.count() == 383 + 406 + 212
    assert SetAsideValue.objects.filter(field="person.bsn", reason="bsn_11proef").count() == 8


@pytest.mark.parametrize("column_path", PATHS)
def test_corrected_redelivery_resolves_the_set_aside_value(register, tmp_path, column_path):
    import_file(write_politie(tmp_path / "typo.csv", _typo_rows()), "politie-bvh", column_path=column_path)
    corrected = politie_rows() + [politie_rows()[5].replace("PL2000-2024000103", "PL2000-2024000104")]
    batch = import_file(write_politie(tmp_path / "fixed.csv", corrected), "politie-bvh", column_path=column_path)
    assert batch.status == "loaded" and batch.reports_already_present == 3 and batch.reports_created == 1
    value = SetAsideValue.objects.get()
    assert value.resolved_at is not None and value.resolved_by_batch == batch
    person = Person.objects.get(source_key="PL2000-2024000101/2")
    assert person.bsn_hash == bsn_hash("853194130")  # the corrected value replaces the set-aside one
    assert "1 eerder terzijde gelegde waarden hersteld" in batch.message


def test_a_redelivery_with_the_same_typo_resolves_nothing(register, tmp_path):
    import_file(write_politie(tmp_path / "typo.csv", _typo_rows()), "politie-bvh")
    again = _typo_rows() + [politie_rows()[5].replace("PL2000-2024000103", "PL2000-2024000104")]
    import_file(write_politie(tmp_path / "again.csv", again), "politie-bvh")
    assert SetAsideValue.objects.filter(resolved_at__isnull=True).count() == 1
    assert Person.objects.get(source_key="PL2000-2024000101/2").bsn_hash == ""


def test_import_command_lists_set_aside_values_without_the_value(register, tmp_path):
    path = write_politie(tmp_path / "typo.csv", _typo_rows())
    out = StringIO()
    call_command("import", str(path), profile="politie-bvh", json=True, stdout=out)
    outcome = json.loads(out.getvalue())
    assert outcome["status"] == "loaded" and outcome["rows_set_aside"] == 1
    assert outcome["set_aside"] == [{"file": "typo.csv", "row": 3, "field": "person.bsn", "reason": "bsn_11proef"}]
    assert BAD_BSN not in out.getvalue()
    text = StringIO()
    other = [r.replace("PL2000-2024000101", "PL2000-2024000199") for r in _typo_rows()[:3]]
    call_command("import", str(write_politie(tmp_path / "typo2.csv", other)), profile="politie-bvh", stdout=text)
    assert "waarschuwing: typo2.csv rij 3, person.bsn terzijde gelegd: ongeldig (11-proef)" in text.getvalue()
    assert BAD_BSN not in text.getvalue()


def test_batch_page_lists_set_aside_values_by_row_and_field(register, tmp_path):
    batch = import_file(write_politie(tmp_path / "typo.csv", _typo_rows()), "politie-bvh")
    client = Client()
    client.force_login(make_user(FUNCTIONEEL_BEHEERDER))
    page = client.get(reverse("registry:batch", args=[batch.pk])).content.decode()
    assert "Terzijde gelegde waarden" in page and "person.bsn" in page and "ongeldig (11-proef)" in page
    assert BAD_BSN not in page
    assert ImportBatch.objects.get(pk=batch.pk).rows_set_aside == 1


def test_retention_takes_the_set_aside_values_with_the_person(register, tmp_path):
    import datetime as dt

    from zicht.access import retention

    import_file(write_politie(tmp_path / "typo.csv", _typo_rows()), "politie-bvh")
    assert SetAsideValue.objects.count() == 1
    retention.run(today=dt.date(2046, 1, 2), dry_run=False)  # past every registry term
    assert not SetAsideValue.objects.exists()
    assert Person.objects.filter(source_key__startswith="PL2000").count() == 0  # (anonymised, as before)
