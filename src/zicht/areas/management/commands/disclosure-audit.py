"""``zicht disclosure-audit --gemeente GM0855 [--json]``: can anything published be recalculated?

Collects every figure Zicht publishes about the gemeente (home page, gebiedscan pages of the
gemeente and every wijk for every year, and so their exports, factsheets, maps, charts and API
answers, and every ``zicht aggregate`` table), then plays the differencing attacker with linear
programming over all of them at once (``zicht.areas.audit``). Prints for every suppressed figure
the interval the attacker can prove; exits non-zero when any interval is narrower than the
rounding base. See docs/disclosure-control.md.

``--regio CODE`` attacks a Veilig Thuis region: everything published about each of its gemeenten
(as above, every filter tagged with its gemeente) together with the region page's tables for every
year (``regional.region_figures``: the region page, its CSV/XLSX/PDF, the API and ``zicht aggregate
--regio``), over the gemeenten's structures merged. The region's recidive table counts addresses,
not reports: it is attacked on its own with ``audit.audit_stacked`` (each window of ``zicht recidive
--regio``).
"""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.audit import (
    BREAKDOWNS,
    Published,
    Structure,
    Unmodelled,
    audit,
    audit_stacked,
    merge_structures,
    published_cells,
)
from zicht.areas.data import cube_for, wijken_of
from zicht.areas.figures import canonical, period_for
from zicht.areas.policy import default_policy
from zicht.areas.publication import collect
from zicht.areas.recidive import load_episodes
from zicht.areas.recidive_rules import WINDOWS_MONTHS
from zicht.areas.regional import recidive_stack, region_figures
from zicht.geo.models import Buurt, Gemeente, VtRegio
from zicht.geo.regiodata import current_year, gemeenten_in_regio

# Tables that count something other than reports: audited apart, never combinable with report counts.
SEPARATE_POPULATIONS = {
    "kleuren": "adressen naar huidige kleurcode (casework): een andere telling dan meldingen, met eigen marges",
}


def structure_and_truth(gemeente, policy) -> tuple[Structure, dict]:
    """What the attacker knows about the gemeente's shape, and the true base counts (never printed)."""
    cube = cube_for(gemeente.code)
    wijken = [w.code for w in wijken_of(gemeente.code)]
    wijk_of_buurt = dict(Buurt.objects.filter(wijk_id__in=wijken).values_list("code", "wijk_id"))
    years = period_for(cube, None).years
    months = {y: period_for(cube, y).months for y in years}
    columns = canonical(cube, gemeente.code, wijken, years[-1], policy).columns if years else {d: [] for d in BREAKDOWNS}
    truth: dict[tuple, int] = {}
    for (w, m, b), n in cube.counts(["wijk", "month", "bron"]).items():
        truth[("X", w, m, b)] = n
    for (bu, y, b), n in cube.counts(["buurt", "year", "bron"]).items():
        truth[("B", bu, int(y), b)] = n
    for (w, y), n in cube.counts(["wijk", "year"]).items():
        truth[("T", w, int(y))] = n
    for dim in BREAKDOWNS:
        if dim == "bron":
            continue
        for (w, y, v), n in cube.counts(["wijk", "year", dim]).items():
            truth[("U", dim, w, int(y), v)] = n
    return Structure(wijk_of_buurt, months, dict(columns)), truth


def run_audit(gemeente, policy, progress=None, extra=None):
    """Collect, model and attack; returns (report, notes about separately counted tables)."""
    sources = collect(gemeente, policy, progress=progress, extra=extra)
    published: list[Published] = []
    errors, apart = [], {}
    for src in sources:
        if src.table.id in SEPARATE_POPULATIONS and "grid" not in src.table.extra:
            apart[src.table.id] = SEPARATE_POPULATIONS[src.table.id]
            continue
        try:
            published.extend(published_cells(src.table, src.where))
        except Unmodelled as exc:
            if any(c.kind == "count" for c in src.table.all_cells()):
                errors.append(f"{src.where}: {exc}")
    structure, truth = structure_and_truth(gemeente, policy)
    report = audit(published, structure, truth, policy, progress=progress)
    report.errors[:0] = errors
    return report, apart, len(sources)


def run_region_audit(regio, policy, progress=None):
    """Attack the region's tables with all its gemeenten's publications; returns (report, apart, n_tables, gemeenten)."""
    codes = gemeenten_in_regio(regio.code, current_year())
    gemeenten = list(Gemeente.objects.filter(code__in=codes).defer("geometry").order_by("naam"))
    if not gemeenten:
        raise CommandError(f"Geen gemeenten van regio {regio.code} geladen (zicht load-geo)")
    published: list[Published] = []
    errors, apart, n_tables, structures, truth = [], {}, 0, [], {}
    for g in gemeenten:
        for src in collect(g, policy):
            n_tables += 1
            if src.table.id in SEPARATE_POPULATIONS and "grid" not in src.table.extra:
                apart[src.table.id] = SEPARATE_POPULATIONS[src.table.id]
                continue
            try:
                cells = published_cells(src.table, f"{g.code}: {src.where}")
            except Unmodelled as exc:
                if any(c.kind == "count" for c in src.table.all_cells()):
                    errors.append(f"{g.code} {src.where}: {exc}")
                continue
            for p in cells:
                if "gemeente" not in p.filter and "wijk" not in p.filter and "buurt" not in p.filter:
                    p.filter = {**p.filter, "gemeente": g.code}
                published.append(p)
        structure, t = structure_and_truth(g, policy)
        structures.append(structure)
        truth.update(t)
    years = sorted({y for s in structures for y in s.months})
    region_reports = []
    for year in years:
        fig = region_figures(regio, gemeenten, [], year, policy)
        where = f"/gebied/regio/{regio.code}/ {fig.year}"
        for table in fig.tables:
            n_tables += 1
            if table.id == "recidive":
                continue  # addresses, not reports: audited below on its own
            try:
                published.extend(published_cells(table, where))
            except Unmodelled as exc:
                if any(c.kind == "count" for c in table.all_cells()):
                    errors.append(f"{where} {table.id}: {exc}")
    report = audit(published, merge_structures(structures), truth, policy, progress=progress)
    report.errors[:0] = errors
    episodes = {g.code: load_episodes(g.code) for g in gemeenten}
    for window in WINDOWS_MONTHS:
        controlled, _, raw = recidive_stack([g.code for g in gemeenten], policy, window, episodes.__getitem__)
        region_reports.append(audit_stacked(controlled, raw, policy, f"recidive {window} mnd", f"/gebied/regio/{regio.code}/ recidive"))
    for r in region_reports:
        report.findings += r.findings
        report.errors += r.errors
        report.published += r.published
        report.constraints += r.constraints
        report.variables += r.variables
    return report, apart, n_tables, [g.code for g in gemeenten]


class Command(BaseCommand):
    help = (
        "Speel de aanvaller: zijn onderdrukte cijfers uit alles wat Zicht over een gemeente publiceert "
        "terug te rekenen? Faalt als een interval smaller is dan de afrondingsbasis."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--gemeente", help="GM-code, bijvoorbeeld GM0855")
        where.add_argument("--regio", help="Veilig Thuis-regio (bijvoorbeeld midden-brabant): de regio met al haar gemeenten samen")
        parser.add_argument("--json", action="store_true", help="cellen, intervallen en oordeel als JSON")
        parser.add_argument("--quiet", action="store_true", help="geen voortgang tonen")

    def handle(self, *args, **options):
        policy = default_policy()
        regio = None
        if options["regio"]:
            regio = VtRegio.objects.filter(code=options["regio"].lower()).first()
            if regio is None:
                raise CommandError(f"Onbekende regio {options['regio']}")
            code = regio.code
        else:
            code = options["gemeente"].upper()
            gemeente = Gemeente.objects.filter(code=code).defer("geometry").first()
            if gemeente is None:
                raise CommandError(f"Gemeente {code} is niet geladen (zicht load-geo --gemeente {code})")
        started = time.monotonic()
        last = [0.0]

        def progress(done, total):
            now = time.monotonic()
            if options["quiet"] or (now - last[0] < 1.0 and done != total):
                return
            last[0] = now
            sys.stderr.write(f"\r  {done}/{total} ({now - started:.0f} s)")
            sys.stderr.flush()

        if not options["quiet"]:
            sys.stderr.write(f"Publicaties van {code} verzamelen en aanvallen...\n")
        members = None
        if regio is not None:
            report, apart, n_tables, members = run_region_audit(regio, policy, progress=progress)
        else:
            report, apart, n_tables = run_audit(gemeente, policy, progress=progress)
        seconds = time.monotonic() - started
        if not options["quiet"]:
            sys.stderr.write("\n")
        verdict = "beschermd" if report.ok else "NIET beschermd"
        if options["json"]:
            out = {
                **({"regio": code, "gemeenten": members} if regio is not None else {"gemeente": code}),
                "beleid": {"drempel": policy.threshold, "afrondingsbasis": policy.rounding_base},
                "tabellen": n_tables,
                "gepubliceerde_aantallen": report.published,
                "variabelen": report.variables,
                "beperkingen": report.constraints,
                "onderdrukte_cellen": len(report.findings),
                "lekken": len(report.leaks),
                "fouten": report.errors,
                "apart_geteld": apart,
                "seconden": round(seconds, 1),
                "oordeel": "ok" if report.ok else "lek",
                "cellen": [f.as_json() for f in report.findings],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(
                f"{code}: {n_tables} tabellen, {report.published} gepubliceerde aantallen, "
                f"{len(report.findings)} onderdrukte cellen aangevallen "
                f"({report.variables} onbekenden, {report.constraints} beperkingen) in {seconds:.1f} s."
            )
            narrowest = sorted(report.findings, key=lambda f: f.width - f.required)[:5]
            for f in narrowest:
                mark = "ok " if f.protected else "LEK"
                self.stdout.write(
                    f"  {mark} {f.label} ({f.status}): bewijsbaar in [{f.low}, {f.high}], "
                    f"{f.width} mogelijke waarden (vereist {f.required}); {f.where[0]}"
                )
            for f in report.leaks[5:]:
                self.stdout.write(f"  LEK {f.label} ({f.status}): [{f.low}, {f.high}]; {f.where[0]}")
            for e in report.errors:
                self.stdout.write(f"  FOUT {e}")
            for table_id, why in apart.items():
                self.stdout.write(f"  apart: {table_id}: {why}")
            self.stdout.write(f"Oordeel: {verdict}.")
        if not report.ok:
            raise CommandError(
                f"Onthullingsaudit {code}: {len(report.leaks)} onderdrukte cel(len) terug te rekenen tot een "
                f"interval smaller dan de afrondingsbasis, {len(report.errors)} fout(en)."
            )
