"""Orchestration: cases per buurt → events per source → files, truth and manifest.

`generate(...)` is what `zicht synth` calls. All randomness flows from one
`random.Random(seed)` (plus derived, seeded instances), so the same seed gives byte-identical
CSV files.
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from faker import Faker
from tqdm import tqdm

from . import calibration as cal
from .effects import plant
from .geography import INDELING_YEAR, AddressBook, load_gemeente
from .hard_cases import ExportHardCases
from .names import NamePools
from .noise import BASE_RATES, SOURCE_RATES, Noise
from .population import PopulationFactory
from .region import RegionCaseBuilder, load_region, moves_between_gemeenten, per_gemeente
from .scenario import CaseBuilder, Event, _pick
from .writers import (
    ADRES_HEADER,
    POLITIE_HEADER,
    TRUTH_HEADER,
    VT_HEADER,
    WIJKTEAM_HEADER,
    politie_rows,
    vt_rows,
    wijkteam_rows,
)

SOURCES = ("politie", "veilig_thuis", "wijkteam")
XLSX_MAX_SCALE = 5.0
GENERATOR_VERSION = 1
# Families whose son carries his father's given names (jr./sr.; hard_negatives.csv "parent_child_same_name").
# An assumption: naming a son after his father is a known Dutch custom, its share is not published.
SAME_NAME_SONS = 0.05


def _round(rng: random.Random, expected: float) -> int:
    """Stochastic rounding: keeps totals unbiased without Poisson noise on top."""
    base = math.floor(expected)
    return base + (1 if rng.random() < expected - base else 0)


def generate(
    gemeente: str | tuple[str, ...] | list[str],
    years: int,
    seed: int,
    out: Path,
    data_dir: Path,
    scale: float = 1.0,
    end_date: date = date(2026, 6, 30),
    sources: tuple[str, ...] = SOURCES,
    noise: float = 1.0,
    wijkteam_format: str = "auto",
    progress: bool | None = None,
    log=print,
    effects=(),
) -> dict:
    """Write the partner exports, adresregister.csv, truth.csv and manifest.json into `out`.

    ``gemeente``: one CBS code, or several (a region, see `region`): one population over all of them
    whose households also move between them; the exports then cover the region.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if progress is None:
        progress = sys.stderr.isatty()
    rng = random.Random(seed)
    lvl = Noise(noise)
    codes = [gemeente] if isinstance(gemeente, str) else list(gemeente)
    stock_factor = max(1.0, scale / XLSX_MAX_SCALE)
    builder_class = CaseBuilder
    if len(codes) == 1:
        geo = load_gemeente(Path(data_dir), codes[0])
        book = AddressBook(geo, random.Random(rng.randrange(2**63)), stock_factor)
    else:
        geo, book = load_region(Path(data_dir), codes, random.Random(rng.randrange(2**63)), stock_factor)
        builder_class = RegionCaseBuilder
    pools = NamePools.build(seed)
    start = end_date - timedelta(days=round(365.25 * years) - 1)
    factory = PopulationFactory(random.Random(rng.randrange(2**63)), pools, end_date)
    factory.same_name_sons = SAME_NAME_SONS
    hard = ExportHardCases.install(factory, seed)  # namesakes and BSN errors (issue 16)
    builder = builder_class(random.Random(rng.randrange(2**63)), factory, book, start, end_date)
    factory.rng = builder.rng  # one stream for case structure
    inwoners = sum(b.inwoners for b in book.buurten)
    counts = cal.case_counts(inwoners, years, scale)
    weights = [b.inwoners * b.rr for b in book.buurten]
    total_w = sum(weights)
    plan_rng = random.Random(rng.randrange(2**63))

    events: dict[str, list[Event]] = {s: [] for s in SOURCES}
    cases = []
    iterator = tqdm(range(len(book.buurten)), desc="cases per buurt", unit="buurt", disable=not progress)
    for bi in iterator:
        share = weights[bi] / total_w
        for ctype, expected, aard_table, p_wt in (
            ("melding", counts.melding, cal.MELDING_AARD, counts.p_wijkteam_melding),
            ("advies_only", counts.advies_only, cal.ADVIES_AARD, counts.p_wijkteam_advies),
            ("police_only", counts.police_only, cal.POLICE_ONLY_AARD, 0.0),
            ("wijkteam_only", counts.wijkteam_only, cal.WIJKTEAM_ONLY_AARD, 0.0),
        ):
            for _ in range(_round(plan_rng, expected * share)):
                case = builder.new_case(ctype, _pick(plan_rng, aard_table), bi)
                builder.build(case, p_wt)
                cases.append(case)
                for ev in case.events:
                    events[ev.source].append(ev)
    planted = []
    if effects:  # a known reduction for the effect estimator; its own stream, so nothing else changes
        cases, removed = plant(cases, [b.wijkcode for b in book.buurten], list(effects), seed + 14)
        events = {s: [] for s in SOURCES}
        for case in cases:
            for ev in case.events:
                events[ev.source].append(ev)
        planted = [{**e.as_dict(), "cases_removed": n} for e, n in zip(effects, removed)]
    for evs in events.values():
        evs.sort(key=lambda e: (e.day, e.case.cid))

    noise_counts: Counter = Counter()
    write_rng = random.Random(rng.randrange(2**63))
    truth_rows: list[tuple] = []
    files: dict[str, dict] = {}

    def bar(items, desc):
        return tqdm(items, desc=desc, unit="rec", disable=not progress)

    seq: Counter = Counter()

    def next_id(prefix: str, year: int, width: int) -> str:
        seq[(prefix, year)] += 1
        return f"{prefix}{year}{seq[(prefix, year)]:0{width}d}"

    if "politie" in sources:
        path = out / "politie_incidenten.csv"
        rows = 0
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(POLITIE_HEADER)
            for ev in bar(events["politie"], "politie"):
                rid = next_id("PL2000-", ev.day.year, 6)
                for row, truth in politie_rows(ev, rid, write_rng, lvl, noise_counts):
                    row = hard.row("politie", row, POLITIE_HEADER, truth)
                    rows += 1
                    w.writerow(row)
                    truth_rows.append((truth[0], truth[1], rows) + truth[2:])
        files[path.name] = {"rows": rows, "records": len(events["politie"])}

    if "veilig_thuis" in sources:
        path = out / "veilig_thuis_meldingen.csv"
        rows = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=",", quoting=csv.QUOTE_ALL, lineterminator="\n")
            w.writerow(VT_HEADER)
            for ev in bar(events["veilig_thuis"], "veilig thuis"):
                rid = next_id("VT-M" if ev.kind == "melding" else "VT-A", ev.day.year, 6)
                for row, truth in vt_rows(ev, rid, write_rng, lvl, noise_counts):
                    row = hard.row("veilig_thuis", row, VT_HEADER, truth)
                    rows += 1
                    w.writerow(row)
                    truth_rows.append((truth[0], truth[1], rows) + truth[2:])
        files[path.name] = {
            "rows": rows,
            "records": len(events["veilig_thuis"]),
            "meldingen": sum(1 for e in events["veilig_thuis"] if e.kind == "melding"),
            "adviezen": sum(1 for e in events["veilig_thuis"] if e.kind == "advies"),
        }

    if "wijkteam" in sources:
        fmt = wijkteam_format
        if fmt == "auto":
            fmt = "xlsx" if scale <= XLSX_MAX_SCALE else "csv"
            if fmt == "csv":
                log(
                    f"wijkteam: scale {scale} > {XLSX_MAX_SCALE}: writing wijkteam_signalen.csv instead of .xlsx "
                    "(XLSX is too slow at this size; use --wijkteam-format xlsx to force it)"
                )
        staff_faker = Faker("nl_NL")
        staff_faker.seed_instance(seed)
        staff = [(staff_faker.name(), f"06-{staff_faker.numerify('########')}") for _ in range(30)]
        rows = 0
        wt_rows = (
            (hard.row("wijkteam", row, WIJKTEAM_HEADER, truth), truth)
            for ev in bar(events["wijkteam"], "wijkteam")
            for row, truth in wijkteam_rows(ev, _wt_id(ev, seq), write_rng, lvl, noise_counts, staff, fmt == "csv")
        )
        if fmt == "xlsx":
            from openpyxl import Workbook

            path = out / "wijkteam_signalen.xlsx"
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Signalen")
            ws.append(WIJKTEAM_HEADER)
            for row, truth in wt_rows:
                rows += 1
                ws.append(row)
                truth_rows.append((truth[0], truth[1], rows) + truth[2:])
            wb.save(path)
        else:
            path = out / "wijkteam_signalen.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, delimiter=",", lineterminator="\n")
                w.writerow(WIJKTEAM_HEADER)
                for row, truth in wt_rows:
                    rows += 1
                    w.writerow(row)
                    truth_rows.append((truth[0], truth[1], rows) + truth[2:])
        files[path.name] = {"rows": rows, "records": len(events["wijkteam"])}

    path = out / "adresregister.csv"
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ADRES_HEADER)
        for a in book.iter_all():
            rows += 1
            w.writerow([a.postcode, a.huisnummer, a.toevoeging, a.straat, a.woonplaats, a.buurtcode, INDELING_YEAR])
    files[path.name] = {"rows": rows}

    path = out / "truth.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRUTH_HEADER)
        w.writerows(truth_rows)
    files[path.name] = {"rows": len(truth_rows)}

    # pairs of different people who look alike (twins, a son with his father's given names), for the
    # linkage benchmarks' hard-negative shares
    path = out / "hard_negatives.csv"
    pairs = sorted(set(factory.hard_pairs))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("person_a", "person_b", "kind"))
        w.writerows(pairs)
    files[path.name] = {"rows": len(pairs)}

    if planted:  # the ground truth of the planted effects, next to truth.csv (also in the manifest)
        path = out / "planted_effects.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(("wijk", "change", "start", "aard", "cases_removed"))
            w.writerows((p["wijk"], p["change"], p["start"], p["aard"] or "", p["cases_removed"]) for p in planted)
        files[path.name] = {"rows": len(planted)}

    achieved = achieved_figures(events, cases, inwoners, years, factory)
    if len(codes) > 1:
        achieved["households_moved_between_gemeenten"] = moves_between_gemeenten(cases)
        achieved["cases_per_gemeente"] = per_gemeente(cases)
    total_mentions = sum(
        v["rows"] for k, v in files.items() if k not in ("adresregister.csv", "truth.csv", "hard_negatives.csv", "planted_effects.csv")
    )
    manifest = {
        "generator": "zicht.synth",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "parameters": {
            "gemeente": geo.code,
            "gemeentenaam": geo.name,
            "gemeenten": codes,
            "years": years,
            "scale": scale,
            "start_date": start.isoformat(),
            "end_date": end_date.isoformat(),
            "sources": list(sources),
            "noise": noise,
            "wijkteam_format": files.get("wijkteam_signalen.xlsx") and "xlsx" or ("csv" if "wijkteam_signalen.csv" in files else None),
        },
        "population": {
            "inwoners_kwb2017": inwoners,
            "buurten_populated": len(book.buurten),
            "buurten_total": len(geo.buurten),
            "addresses": book.total,
            "address_stock_factor": stock_factor,
        },
        "targets_per_1000_per_year": cal.TARGET_RATES,
        "files": files,
        "achieved": achieved,
        "planted_effects": planted,
        "noise": {
            "rates_at_level": {k: round(lvl.rate(k), 4) for k in BASE_RATES},
            "source_rates_at_level": {s: {k: round(lvl.rate(k, s), 4) for k in SOURCE_RATES[s]} for s in SOURCE_RATES},
            "applied_counts": dict(sorted(noise_counts.items())),
            "mentions": total_mentions,
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return manifest


def _wt_id(ev: Event, seq: Counter) -> str:
    seq[("WT-", ev.day.year)] += 1
    return f"WT-{ev.day.year}-{seq[('WT-', ev.day.year)]:05d}"


def achieved_figures(events: dict[str, list[Event]], cases, inwoners: int, years: int, factory) -> dict:
    """The figures the calibration tests check, computed from the generated events."""
    py = inwoners / 1000 * years
    meldingen = [e for e in events["veilig_thuis"] if e.kind == "melding"]
    adviezen = [e for e in events["veilig_thuis"] if e.kind == "advies"]
    incidents = events["politie"]
    signals = events["wijkteam"]
    seen: set[int] = set()
    repeats = 0
    for e in meldingen:  # already in date order
        hid = e.case.household.hid
        repeats += hid in seen
        seen.add(hid)
    aard = Counter(e.aard for e in meldingen)
    label = {
        "km": "Kindermishandeling",
        "partner": "(Ex-)Partnergeweld",
        "ex_partner": "(Ex-)Partnergeweld",
        "gto": "Geweld tegen ouders",
        "ouderen": "Ouderenmishandeling",
        "overig": "Huiselijk geweld overig",
    }
    mix: Counter = Counter()
    for k, v in aard.items():
        mix[label[k]] += v
    vt_households = {e.case.household.hid for e in meldingen}
    hh_with_kids_incidents = sum(1 for e in incidents if any(p.role == "kind" for p in e.parties))

    def share(n, d):
        return round(n / d, 4) if d else None

    return {
        "per_1000_per_year": {
            "vt_melding": round(len(meldingen) / py, 3),
            "vt_advies": round(len(adviezen) / py, 3),
            "politie": round(len(incidents) / py, 3),
            "wijkteam": round(len(signals) / py, 3),
        },
        "repeat_share_meldingen": share(repeats, len(meldingen)),
        "aard_mix_meldingen": {k: share(v, len(meldingen)) for k, v in sorted(mix.items())},
        "police_partner_share": share(sum(1 for e in incidents if e.subtype in ("partner", "ex_partner")), len(incidents)),
        "police_children_listed_share": share(hh_with_kids_incidents, len(incidents)),
        "police_followed_by_melding_share": share(sum(1 for e in incidents if e.police_followup), len(incidents)),
        "meldingen_by_politie_share": share(sum(1 for e in meldingen if e.melder == "Politie"), len(meldingen)),
        "wijkteam_on_vt_household_share": share(sum(1 for e in signals if e.case.household.hid in vt_households), len(signals)),
        "households": len(cases),
        "persons": factory.next_pid - 1,
        "twin_pairs": factory.twins,
        "households_moved": sum(1 for c in cases if c.household.moves),
    }
