"""The worked example of docs/import-profiles.md really works: profile and file are taken from the doc."""

import re
from pathlib import Path

import pytest

from zicht.registry.models import Report
from zicht.registry.pipeline import import_file

DOC = Path(__file__).resolve().parents[4] / "docs" / "import-profiles.md"

pytestmark = pytest.mark.django_db


def _blocks(section: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8").split(section, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:toml)?\n(.*?)```", text, flags=re.S)


def test_worked_example_profile_imports_the_example_file(geo, tmp_path, monkeypatch):
    blocks = _blocks("## Worked example")
    csv_text, profile_text = blocks[0], blocks[1]
    folder = tmp_path / "profielen"
    folder.mkdir()
    (folder / "ggd-signalen.toml").write_text(profile_text, encoding="utf-8")
    monkeypatch.setenv("ZICHT_PROFILE_DIRS", str(folder))
    data = tmp_path / "ggd_signalen.csv"
    data.write_text(csv_text, encoding="utf-8")

    batch = import_file(data, "ggd-signalen")
    assert batch.status == "loaded", batch.rejects
    report = Report.objects.get(source_record_id="G-2024-0042")
    assert report.soort == "signaal" and report.categorie == "Zorg om ontwikkeling" and str(report.datum) == "2024-03-05"
    kind = report.parties.get(rol="kind").person
    assert (kind.voornamen, kind.achternaam, kind.geboortedatum, kind.address.key) == ("Noor", "Bakker", "2019-09-12", "5014NK|7|")
    moeder = report.parties.get(rol="betrokkene").person
    assert (moeder.voorletters, moeder.achternaam) == ("L.", "Bakker")

    (tmp_path / "later.csv").write_text(csv_text.replace("Moeder", "Pleegvader").replace("0042", "0043"), encoding="utf-8")
    later = import_file(tmp_path / "later.csv", "ggd-signalen")
    assert later.status == "rejected"
    assert later.rejects[0]["reason"] == "onbekende waarde 'Pleegvader' voor party.rol (vul [values.\"party.rol\"] aan)"
