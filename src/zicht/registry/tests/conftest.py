"""Shared fixtures of the registry tests: a small Tilburg geography, the address register and the partner files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

WIJKTEAM_HEADER = [
    "Signaal-ID",
    "Datum signaal",
    "Categorie",
    "Medewerker",
    "Telefoon medewerker",
    "Rol",
    "Achternaam",
    "Tussenvoegsel",
    "Voorletters",
    "Voornaam",
    "Geboortedatum",
    "BSN",
    "Adres",
    "Huisnummer",
    "Postcode",
]
WIJKTEAM_ROWS = [
    [
        "WT-24-0001",
        datetime(2024, 4, 2),
        "zorg om veiligheid",
        "Ilse Wouters",
        "013-5550101",
        "kind",
        "Jansen",
        None,
        "N.",
        "Noah",
        datetime(2016, 8, 9),
        None,
        "Korvelseweg",
        "12a",
        "5025 AB",
    ],
    [
        "WT-24-0001",
        datetime(2024, 4, 2),
        "zorg om veiligheid",
        "Ilse Wouters",
        "013-5550101",
        "ouder",
        "Vries",
        "de",
        "S.",
        "Sanne",
        datetime(2016 - 26, 5, 2),
        944117715,
        "Korvelseweg",
        12,
        "5025AB",
    ],
    [
        "WT-24-0002",
        "15-07-2024",
        "financiën",
        "Ilse Wouters",
        "013-5550101",
        "cliënt",
        "Berg",
        "van der",
        "P.",
        None,
        "30-06-1982",
        "886075002",
        "Ringbaan-West",
        "101",
        "5041 LB",
    ],
]


@pytest.fixture
def geo(db):
    from zicht.geo.models import Buurt, Gemeente, Wijk

    gemeente = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    centrum = Wijk.objects.create(code="WK085501", naam="Centrum", gemeente=gemeente, indeling_jaar=2024)
    korvel = Wijk.objects.create(code="WK085517", naam="Korvel", gemeente=gemeente, indeling_jaar=2024)
    Buurt.objects.create(code="BU08550110", naam="Binnenstad", wijk=centrum, gemeente=gemeente, indeling_jaar=2024)
    Buurt.objects.create(code="BU08551700", naam="Korvel", wijk=korvel, gemeente=gemeente, indeling_jaar=2024)
    return gemeente


@pytest.fixture
def register(geo):
    from zicht.registry.register import load_address_register

    result = load_address_register(FIXTURES / "adresregister.csv")
    assert result.ok, result.message
    return result


@pytest.fixture
def politie_file():
    return FIXTURES / "politie_incidenten.csv"


@pytest.fixture
def vt_file():
    return FIXTURES / "veilig_thuis_meldingen.csv"


def write_xlsx(path: Path, rows: list[list], header: list[str] = WIJKTEAM_HEADER, sheet: str = "Signalen") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def wijkteam_file(tmp_path):
    return write_xlsx(tmp_path / "wijkteam_signalen.xlsx", WIJKTEAM_ROWS)


def write_politie(path: Path, rows: list[str], header: str | None = None) -> Path:
    """A politie file from the fixture's header and the given ';'-rows (UTF-8 BOM, CRLF)."""
    header = header or (FIXTURES / "politie_incidenten.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


def politie_rows() -> list[str]:
    return (FIXTURES / "politie_incidenten.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
