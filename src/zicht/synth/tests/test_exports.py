"""The generated partner exports: formats, truth, calibration, noise and determinism."""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from zicht.synth.bsn import is_valid_bsn
from zicht.synth.calibration import TARGET_AARD_MIX, TARGET_RATES, TARGET_REPEAT_SHARE
from zicht.synth.generate import generate
from zicht.synth.names import NamePools
from zicht.synth.population import PopulationFactory
from zicht.synth.writers import ADRES_HEADER, POLITIE_HEADER, TRUTH_HEADER, VT_HEADER, WIJKTEAM_HEADER

RATE_TOLERANCE = 0.15  # ±15 % of each target rate per 1,000 inwoners per year
SHARE_TOLERANCE = 0.05  # ±5 percentage points for shares


def read_csv(path, delimiter=",", encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def wijkteam_rows(out):
    ws = load_workbook(out / "wijkteam_signalen.xlsx", read_only=True)["Signalen"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def files(tilburg):
    out, _ = tilburg
    return {
        "politie": read_csv(out / "politie_incidenten.csv", ";", "utf-8-sig"),
        "veilig_thuis": read_csv(out / "veilig_thuis_meldingen.csv"),
        "wijkteam": wijkteam_rows(out),
        "adres": read_csv(out / "adresregister.csv"),
        "truth": read_csv(out / "truth.csv"),
    }


# -- formats -----------------------------------------------------------------------------
def test_politie_format(tilburg, files):
    out, _ = tilburg
    raw = (out / "politie_incidenten.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = files["politie"]
    assert rows[0] == POLITIE_HEADER
    col = {name: i for i, name in enumerate(POLITIE_HEADER)}
    for row in rows[1:]:
        assert len(row) == len(POLITIE_HEADER)
        assert re.fullmatch(r"PL2000-\d{10}", row[col["Registratienummer"]])
        assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", row[col["Pleegdatum"]])
        assert row[col["Geboortedatum"]] == "" or re.fullmatch(r"\d{2}-\d{2}-\d{4}", row[col["Geboortedatum"]])
        assert row[col["Rol"]] in {"Slachtoffer", "Verdachte", "Kind", "Melder", "Betrokkene"}
        assert row[col["Geslacht"]] in {"M", "V", "O"}
        assert row[col["Kinderen aanwezig"]] in {"J", "N", ""}
        assert set(row[col["Geweldsvormen"]].split("|")) <= {"lichamelijk", "psychisch", "seksueel", "verwaarlozing", "getuige"}
        assert row[col["Buurtcode"]] == "" or row[col["Buurtcode"]].startswith("BU0855")
    soorten = {r[col["Incidentsoort"]] for r in rows[1:]}
    assert soorten == {
        "Partnergeweld",
        "Ex-partnergeweld",
        "Kindermishandeling",
        "Ouderenmishandeling",
        "Geweld tegen ouder(s)",
        "Overig huiselijk geweld",
    }
    assert {r[col["Relatie"]] for r in rows[1:]} <= {
        "partner",
        "ex-partner",
        "ouder-kind",
        "kind-ouder",
        "familie",
        "huisgenoot",
        "mantelzorger",
        "huisvriend",
        "onbekend",
    }


def test_veilig_thuis_format(tilburg, files):
    out, _ = tilburg
    raw = (out / "veilig_thuis_meldingen.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(b'"vt_registratie_id","soort"')
    rows = files["veilig_thuis"]
    assert rows[0] == VT_HEADER
    col = {name: i for i, name in enumerate(VT_HEADER)}
    for row in rows[1:]:
        assert len(row) == len(VT_HEADER)
        assert row[col["soort"]] in {"melding", "advies"}
        date.fromisoformat(row[col["datum_ontvangst"]])
        assert row[col["geboortedatum"]] == "" or date.fromisoformat(row[col["geboortedatum"]])
        assert row[col["rol"]] in {"slachtoffer", "pleger", "kind", "melder", "betrokkene"}
        assert row[col["kinderen_betrokken"]] in {"ja", "nee", ""}
        assert row[col["aard_geweld"]] in set(TARGET_AARD_MIX) | {"Onbekend"}
    adres = {r[col["adres"]] for r in rows[1:]}
    assert any(re.search(r"\d+ [a-zA-Z]$", a) for a in adres)  # 'Korvelseweg 12 a'
    assert any(re.search(r"\d+-[A-Za-z]$", a) for a in adres)  # '… 12-A'
    assert any(re.search(r"\d+[A-Za-z]$", a) for a in adres)  # '… 12A'
    naam = [r[col["naam"]] for r in rows[1:]]
    assert any(re.fullmatch(r"[^,]+, [A-Z][a-z]+.*", n) for n in naam)  # 'Jansen, Pieter'
    assert any(re.fullmatch(r"([A-Z]\.)+ .+", n) for n in naam)  # 'P. de Vries'


def test_wijkteam_format(files):
    rows = files["wijkteam"]
    assert rows[0] == WIJKTEAM_HEADER
    dates = [r[1] for r in rows[1:]]
    assert all(hasattr(d, "year") or re.fullmatch(r"\d{2}-\d{2}-\d{4}", d) for d in dates)
    assert sum(isinstance(d, str) for d in dates) > 0  # some text dates
    assert sum(hasattr(d, "year") for d in dates) > 0.9 * len(dates)
    assert {r[5] for r in rows[1:]} <= {"Cliënt", "Ouder", "Kind", "Gezinslid"}


def test_adresregister(tilburg, files):
    _, manifest = tilburg
    rows = files["adres"]
    assert rows[0] == ADRES_HEADER
    keys = Counter((r[0], r[1], r[2]) for r in rows[1:])
    assert max(keys.values()) == 1  # PC6 + huisnummer + toevoeging is unique
    assert all(re.fullmatch(r"\d{4}[A-Z]{2}", r[0]) for r in rows[1:])
    buurten = {r[5] for r in rows[1:]}
    assert len(buurten) == manifest["population"]["buurten_populated"]
    pc4 = {r[0][:4] for r in rows[1:]}
    assert pc4 <= {str(p) for p in range(5011, 5072)}  # Tilburg's real PC4 codes
    assert {r[4] for r in rows[1:]} <= {"Tilburg", "Berkel-Enschot", "Udenhout"}


# -- truth -------------------------------------------------------------------------------
def test_truth_one_row_per_data_row(files):
    truth = files["truth"]
    assert truth[0] == TRUTH_HEADER
    by_source = Counter(r[0] for r in truth[1:])
    assert by_source == {
        "politie": len(files["politie"]) - 1,
        "veilig_thuis": len(files["veilig_thuis"]) - 1,
        "wijkteam": len(files["wijkteam"]) - 1,
    }
    index = {(r[0], int(r[2])): r for r in truth[1:]}
    assert len(index) == len(truth) - 1
    ids = {"politie": 0, "veilig_thuis": 0, "wijkteam": 0}
    for source, rows in (("politie", files["politie"]), ("veilig_thuis", files["veilig_thuis"]), ("wijkteam", files["wijkteam"])):
        for n, row in enumerate(rows[1:], start=1):
            assert index[(source, n)][1] == row[ids[source]]


def test_truth_addresses_match_register(files):
    register = {i: r for i, r in enumerate(files["adres"][1:], start=1)}
    col = {name: i for i, name in enumerate(POLITIE_HEADER)}
    truth = {(r[0], int(r[2])): r for r in files["truth"][1:]}
    checked = 0
    for n, row in enumerate(files["politie"][1:], start=1):
        aid = truth[("politie", n)][5]
        if aid and row[col["Buurtcode"]]:
            assert register[int(aid)][5] == row[col["Buurtcode"]]
            checked += 1
    assert checked > 1000


def test_bsn_valid_where_present(files):
    col_p = POLITIE_HEADER.index("BSN")
    col_v = VT_HEADER.index("bsn")
    values = (
        [r[col_p] for r in files["politie"][1:]] + [r[col_v] for r in files["veilig_thuis"][1:]] + [r[11] for r in files["wijkteam"][1:]]
    )
    present = [v for v in values if v]
    invalid = [v for v in present if not is_valid_bsn(str(v))]
    # transposed digits (hard_cases, at most 1 % per source) fail the 11-proef; every other BSN passes it
    assert present and len(invalid) <= 0.015 * len(present)
    assert all(len(str(v)) == 9 and str(v).isdigit() for v in invalid)
    politie_share = sum(1 for r in files["politie"][1:] if r[col_p]) / (len(files["politie"]) - 1)
    vt_share = sum(1 for r in files["veilig_thuis"][1:] if r[col_v]) / (len(files["veilig_thuis"]) - 1)
    assert politie_share > 0.8 and vt_share < 0.3


def test_same_person_same_bsn(tilburg, files):
    col = POLITIE_HEADER.index("BSN")
    truth = {(r[0], int(r[2])): r[3] for r in files["truth"][1:]}
    bsn_of: dict[str, set] = {}
    for n, row in enumerate(files["politie"][1:], start=1):
        if row[col]:
            bsn_of.setdefault(row[col], set()).add(truth[("politie", n)])
    # one person per BSN, except a parent's BSN on a child's row (hard_cases), listed as such
    borrowed = {frozenset((a, b)) for a, b, kind in read_csv(tilburg[0] / "hard_negatives.csv")[1:] if kind == "parent_bsn"}
    shared = [p for p in bsn_of.values() if len(p) > 1]
    assert all(len(p) == 2 and frozenset(p) in borrowed for p in shared)
    assert len(shared) <= 0.01 * len(bsn_of)


# -- calibration (Tilburg, 3 years, seed 1, scale 1) -------------------------------------
def test_rates_per_1000(tilburg):
    _, manifest = tilburg
    rates = manifest["achieved"]["per_1000_per_year"]
    for key, target in TARGET_RATES.items():
        assert rates[key] == pytest.approx(target, rel=RATE_TOLERANCE), key
    assert manifest["population"]["inwoners_kwb2017"] > 200_000


def test_repeat_share_and_mix(tilburg):
    _, achieved = tilburg[0], tilburg[1]["achieved"]
    assert achieved["repeat_share_meldingen"] == pytest.approx(TARGET_REPEAT_SHARE, abs=SHARE_TOLERANCE)
    for label, target in TARGET_AARD_MIX.items():
        assert achieved["aard_mix_meldingen"][label] == pytest.approx(target, abs=SHARE_TOLERANCE), label
    assert achieved["police_partner_share"] == pytest.approx(2 / 3, abs=SHARE_TOLERANCE)
    assert 0.25 < achieved["police_children_listed_share"] < 0.7
    assert achieved["meldingen_by_politie_share"] > 0.4
    assert achieved["wijkteam_on_vt_household_share"] > 0.5
    assert achieved["twin_pairs"] > 0 and achieved["households_moved"] > 0


def test_buurt_rates_follow_income(tilburg, files):
    """Buurten with a higher low-income share get more reports per inwoner."""
    from zicht.synth.geography import load_gemeente
    from zicht.synth.tests.conftest import DATA_DIR

    geo = load_gemeente(DATA_DIR, "GM0855")
    col = POLITIE_HEADER.index("Buurtcode")
    per_buurt = Counter(r[col] for r in files["politie"][1:] if r[col])
    big = [b for b in geo.populated if b.inwoners >= 1500]
    high = [b for b in big if b.rr >= 1.5]
    low = [b for b in big if b.rr <= 0.6]
    rate = lambda bs: sum(per_buurt[b.code] for b in bs) / sum(b.inwoners for b in bs)  # noqa: E731
    assert high and low and rate(high) > 2 * rate(low)


# -- noise ---------------------------------------------------------------------------------
def test_noise_kinds_present(tilburg, files):
    _, manifest = tilburg
    applied = manifest["noise"]["applied_counts"]
    for kind in (
        "typo_achternaam",
        "typo_voornaam",
        "phonetic",
        "tussenvoegsel_variant",
        "name_swap",
        "dob_day_month_swap",
        "diacritics_dropped",
        "toevoeging_dropped",
        "married_name",
        "bsn_missing",
        "dob_missing",
        "initials_only",
        "postcode_no_space",
        "postcode_lower",
    ):
        assert applied.get(kind, 0) > 0, kind
    col = {name: i for i, name in enumerate(POLITIE_HEADER)}
    pol = files["politie"][1:]
    achternamen = {r[col["Achternaam"]] for r in pol}
    assert any(", " in a for a in achternamen)  # 'Berg, van den'
    assert {r[col["Tussenvoegsel"]] for r in pol} & {"vd", "v.d.", "V.d."}
    postcodes = {r[col["Postcode"]] for r in pol}
    assert any(" " in p for p in postcodes) and any(re.fullmatch(r"\d{4}[A-Z]{2}", p) for p in postcodes)
    assert any(re.fullmatch(r"\d{4} ?[a-z]{2}", p) for p in postcodes)


def test_noise_zero_is_clean(tmp_path, data_dir):
    manifest = generate("GM0855", 1, 4, tmp_path, data_dir, scale=0.1, noise=0.0, sources=("politie",), progress=False, log=lambda *_: None)
    assert manifest["noise"]["applied_counts"] == {}
    rows = read_csv(tmp_path / "politie_incidenten.csv", ";", "utf-8-sig")[1:]
    assert all(r[POLITIE_HEADER.index("BSN")] for r in rows)


# -- determinism -------------------------------------------------------------------------
def test_same_seed_same_bytes(tmp_path, data_dir):
    names = ("politie_incidenten.csv", "veilig_thuis_meldingen.csv", "adresregister.csv", "truth.csv", "hard_negatives.csv")
    runs = []
    for name, seed in (("a", 9), ("b", 9), ("c", 10)):
        generate(
            "GM0855",
            1,
            seed,
            tmp_path / name,
            data_dir,
            scale=0.2,
            sources=("politie", "veilig_thuis"),
            progress=False,
            log=lambda *_: None,
        )
        runs.append({n: (tmp_path / name / n).read_bytes() for n in names})
    assert runs[0] == runs[1]
    assert runs[0]["politie_incidenten.csv"] != runs[2]["politie_incidenten.csv"]


def test_sources_subset_and_csv_fallback(tmp_path, data_dir):
    manifest = generate(
        "GM0855", 1, 2, tmp_path, data_dir, scale=0.2, sources=("wijkteam",), wijkteam_format="csv", progress=False, log=lambda *_: None
    )
    assert set(manifest["files"]) == {"wijkteam_signalen.csv", "adresregister.csv", "truth.csv", "hard_negatives.csv"}
    rows = read_csv(tmp_path / "wijkteam_signalen.csv")
    assert rows[0] == WIJKTEAM_HEADER and re.fullmatch(r"\d{2}-\d{2}-\d{4}", rows[1][1])


def test_hard_negatives_file_names_twins_of_the_truth(tilburg, files):
    out, _ = tilburg
    rows = read_csv(out / "hard_negatives.csv")
    assert rows[0] == ["person_a", "person_b", "kind"]
    header = files["truth"][0]
    pid, hid = header.index("person_id"), header.index("household_id")
    household = {r[pid]: r[hid] for r in files["truth"][1:]}
    kinds = Counter(kind for _, _, kind in rows[1:])
    assert set(kinds) == {"twin", "parent_child_same_name", "namesake_dob", "parent_bsn"} and all(kinds.values())
    for a, b, kind in rows[1:]:
        assert a != b
        if kind in ("twin", "parent_child_same_name") and a in household and b in household:  # both mentioned in an export
            assert household[a] == household[b]  # twins, and a father with his son, live in one household


def test_same_name_sons_leave_the_random_stream_alone():
    def families(share):
        factory = PopulationFactory(random.Random(5), NamePools.build(5), date(2025, 1, 1))
        factory.same_name_sons = share
        return factory, [factory.household("gezin") for _ in range(300)]

    plain, before = families(0.0)
    named, after = families(1.0)
    assert not [p for p in plain.hard_pairs if p[2] == "parent_child_same_name"]
    sons = [p for p in named.hard_pairs if p[2] == "parent_child_same_name"]
    assert sons
    by_pid = {m.pid: m for h in after for m in h.members}
    for father, son, _ in sons:
        assert by_pid[father].voornamen == by_pid[son].voornamen and by_pid[son].dob > by_pid[father].dob
    # everything else as without them: same people, same dates of birth, same BSNs
    assert [(m.pid, m.dob, m.bsn) for h in before for m in h.members] == [(m.pid, m.dob, m.bsn) for h in after for m in h.members]
