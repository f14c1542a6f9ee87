"""The figures of the gebiedscan pages, exports and factsheets, all through disclosure control.

Linked tables: the same number must have the same fate everywhere, or one page undoes
another page's suppression (a wijk total suppressed on the gemeente page but shown on the
wijk page would give a small neighbour back by subtraction). So per gemeente and year one
*canonical* set is controlled first — the wijk totals as a series, then wijk × dimension
tables with those totals fixed — and every other table (buurten of a wijk, months of the
year, the wijk page's breakdowns, the yearly trend) reuses or is controlled around these
cells via the ``fixed_*`` arguments of ``control_table``. Each builder returns
``FigureTable`` objects, so page, CSV/XLSX export and PDF show exactly the same figures.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext

from zicht.access.roles import N_
from zicht.core import i18n
from zicht.registry import vocab

from . import protected_cache
from .audit import Published, Structure, audit, expression
from .data import buurten_by_wijk, cube_for, population, wijken_of
from .disclosure import ControlledSeries, ControlledTable, Policy, control_series, control_table, percentage
from .disclosure import rate as _rate
from .sources import colour_source
from .tables import FigureRow, FigureTable, cbs_cell, from_controlled_table, from_series, set_grid

BRON_LABELS = dict(vocab.ORGANISATIE_TYPES)
AARD_LABELS = dict(vocab.AARD_GEWELD)
RELATIE_LABELS = dict(vocab.RELATIES)
KIND_LABELS = dict(vocab.REPORT_KINDS)
# Labels are Dutch msgids (N_), translated where a table is built (``labels``): the keys are the
# codes the disclosure structures, exports and the API use, never the labels.
KINDEREN_LABELS = {"ja": N_("Kinderen aanwezig"), "nee": N_("Geen kinderen aanwezig"), "onbekend": N_("Onbekend")}
REPEAT_LABELS = {"eerste": N_("Eerste melding (12 mnd)"), "herhaald": N_("Herhaalde melding")}
MONTHS_NL = [
    N_("jan"),
    N_("feb"),
    N_("mrt"),
    N_("apr"),
    N_("mei"),
    N_("jun"),
    N_("jul"),
    N_("aug"),
    N_("sep"),
    N_("okt"),
    N_("nov"),
    N_("dec"),
]
DIMENSIONS = {
    "bron": (N_("Bron"), BRON_LABELS, N_("Meldingen naar bron")),
    "aard": (N_("Aard geweld"), AARD_LABELS, N_("Meldingen naar aard van het geweld")),
    "kind": (N_("Soort"), KIND_LABELS, N_("Registraties naar soort")),
    "relatie": (N_("Relatie"), RELATIE_LABELS, N_("Meldingen naar relatie pleger–slachtoffer")),
    "kinderen": (N_("Kinderen"), KINDEREN_LABELS, N_("Meldingen met kinderen in het gezin")),
    "repeat": (N_("Eerste of herhaald"), REPEAT_LABELS, N_("Eerste en herhaalde meldingen")),
}
MIN_POPULATION = 100  # no rate per 1,000 for areas with fewer inwoners (business parks, outskirts)


def rate(count, population):
    return _rate(count, population, min_population=MIN_POPULATION)


REPEAT_NOTE = N_("Herhaald: op hetzelfde adres was er in de 365 dagen ervoor al een melding (van welke bron ook).")


def labels(vocabulary_labels: dict) -> dict:
    """The labels of a vocabulary in the active language (codes unchanged)."""
    return i18n.translated(vocabulary_labels)


def label(vocabulary_labels: dict, key) -> str:
    value = vocabulary_labels.get(key, key)
    return i18n.label(value) if isinstance(value, str) else value


def ordered(keys, vocabulary_labels: dict) -> list:
    """Vocabulary order first, unknown codes after (sorted)."""
    keys = set(keys)
    known = [k for k in vocabulary_labels if k in keys]
    return known + sorted(k for k in keys if k not in vocabulary_labels and k is not None)


def month_label(month: str) -> str:
    y, m = month.split("-")
    return f"{gettext(MONTHS_NL[int(m) - 1])} {y}"


@dataclass
class Period:
    year: int
    start: date
    end: date
    label: str
    years: list[int] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


def period_for(cube, year: int | None) -> Period:
    years = cube.years() or [date.today().year]
    if year not in years:
        year = years[-1]
    months = [m for m in cube.months() if m.startswith(f"{year}-")] or [f"{year}-01"]
    label = str(year)
    if months[0] != f"{year}-01" or months[-1] != f"{year}-12":
        label = gettext("%(year)s (%(first)s t/m %(last)s)") % {
            "year": year,
            "first": month_label(months[0]),
            "last": month_label(months[-1]),
        }
    return Period(year, date(year, 1, 1), date(year + 1, 1, 1), label, years, months)


@dataclass
class Canonical:
    """The controlled figures of one gemeente and year that all other tables must respect."""

    year: int
    wijken: tuple[str, ...]
    totals: ControlledSeries  # wijk totals, with the gemeente total
    by_dim: dict[str, ControlledTable]  # wijk × dimension, row totals fixed to ``totals``
    columns: dict[str, list[str]]

    def wijk_series(self, wijk: str, dim: str) -> ControlledSeries:
        table = self.by_dim[dim]
        cols = self.columns[dim]
        return ControlledSeries(tuple(cols), {c: table.cell(wijk, c) for c in cols}, self.totals.cell(wijk), table.policy)


_MAX_REPAIR_ROUNDS = 60
# Repairs found by the attacker per gemeente, year, policy and the exact base counts (a data version):
# a page built after the cube cache expired reuses them without solving again.
_repairs: dict[str, _Extra] = {}
_repairs_lock = threading.Lock()


@dataclass
class _Extra:
    """Cells suppressed on top of the rules, per table of the set (hierarchical and audit repairs)."""

    totals: set = field(default_factory=set)  # wijk
    dim: dict = field(default_factory=lambda: {d: set() for d in DIMENSIONS})  # (wijk, value)
    dimcol: dict = field(default_factory=lambda: {d: set() for d in DIMENSIONS})  # value (gemeente)
    buurt: dict = field(default_factory=dict)  # wijk -> {(buurt, bron)}
    buurtrow: dict = field(default_factory=dict)  # wijk -> {buurt}
    month: set = field(default_factory=set)  # (month, bron)
    monthrow: set = field(default_factory=set)  # month
    wm: set = field(default_factory=set)  # (wijk, month)
    gtotal: set = field(default_factory=set)  # {()}: the gemeente total

    def size(self) -> int:
        return (
            len(self.totals)
            + sum(map(len, self.dim.values()))
            + sum(map(len, self.dimcol.values()))
            + sum(map(len, self.buurt.values()))
            + sum(map(len, self.buurtrow.values()))
            + len(self.month)
            + len(self.monthrow)
            + len(self.wm)
            + len(self.gtotal)
        )

    def add(self, handle) -> None:
        kind, *key = handle
        if kind == "totals":
            self.totals.add(key[0])
        elif kind == "dim":
            self.dim[key[0]].add((key[1], key[2]))
        elif kind == "dimcol":
            self.dimcol[key[0]].add(key[1])
        elif kind == "buurt":
            self.buurt.setdefault(key[0], set()).add((key[1], key[2]))
        elif kind == "buurtrow":
            self.buurtrow.setdefault(key[0], set()).add(key[1])
        elif kind == "month":
            self.month.add((key[0], key[1]))
        elif kind == "monthrow":
            self.monthrow.add(key[0])
        elif kind == "wm":
            self.wm.add((key[0], key[1]))
        elif kind == "gtotal":
            self.gtotal.add(())


def _build_set(cube, gemeente_code, wijken, buurten, period, policy, raw_by_dim, columns, totals_raw, extra: _Extra):
    """Build the year's tables top-down; tables pinned by margins they took over (``blocked``) make the
    table above suppress one of those margins, and the set is built again until none is."""
    while True:
        size = extra.size()
        totals = control_series(
            totals_raw, keys=wijken, policy=policy, also_suppress=sorted(extra.totals), suppress_total=bool(extra.gtotal)
        )
        by_dim = {}
        for dim, cols in columns.items():
            by_dim[dim] = control_table(
                raw_by_dim[dim],
                row_keys=wijken,
                col_keys=cols,
                policy=policy,
                fixed_row_totals=totals.cells,
                fixed_total=totals.total,
                also_suppress=sorted(extra.dim[dim]),
                also_suppress_col_totals=sorted(extra.dimcol[dim]),
            )
            extra.totals |= {b[1] for b in by_dim[dim].blocked if b[0] == "row"}
        result = Canonical(period.year, tuple(wijken), totals, by_dim, columns)
        tables = {}
        for w in wijken:
            t = _buurt_bron(cube, result, w, buurten.get(w, []), period, policy, extra.buurt.get(w, ()), extra.buurtrow.get(w, ()))
            tables[w] = t
            extra.dim["bron"] |= {(w, b[1]) for b in t.blocked if b[0] == "col"}
            extra.totals |= {w for b in t.blocked if b[0] == "total"}
        months = _gemeente_months(cube, result, period, policy, extra.monthrow, extra.month)
        extra.dimcol["bron"] |= {b[1] for b in months.blocked if b[0] == "col"}
        wm = _wijk_months(cube, result, period, policy, months, extra.wm)
        extra.totals |= {b[1] for b in wm.blocked if b[0] == "row"}
        extra.monthrow |= {b[1] for b in wm.blocked if b[0] == "col"}
        if any(b[0] == "total" for t in (months, wm, *by_dim.values()) for b in t.blocked) or totals.blocked:
            extra.gtotal.add(())
        if extra.size() == size:
            return result, tables, months, wm


def _attacker_view(cube, wijken, buurten, period, columns):
    """The gemeente as ``zicht.areas.audit`` models it for one year, and the true base counts."""
    year = period.year
    span = {"start": period.start, "end": period.end}
    structure = Structure(
        {b: w for w in wijken for b in buurten.get(w, [])}, {year: list(period.months)}, {d: list(c) for d, c in columns.items()}
    )
    truth = {("X", w, m, b): n for (w, m, b), n in cube.counts(["wijk", "month", "bron"], **span).items()}
    truth.update({("B", bu, year, b): n for (bu, b), n in cube.counts(["buurt", "bron"], **span).items()})
    truth.update({("T", w, year): n for (w,), n in cube.counts(["wijk"], **span).items()})
    for dim in DIMENSIONS:
        if dim != "bron":
            truth.update({("U", dim, w, year, v): n for (w, v), n in cube.counts(["wijk", dim], **span).items()})
    return structure, truth


def _entries(canon: Canonical, buurt_tables, months, wm, buurten, period):
    """Every count the set publishes: (handle of the table entry that controls it, filter, cell)."""
    y = {"year": period.year}
    out = [(("totals", w), {**y, "wijk": w}, canon.totals.cell(w)) for w in canon.wijken]
    out.append((("gtotal",), dict(y), canon.totals.total))
    for dim, t in canon.by_dim.items():
        out += [(("dim", dim, w, c), {**y, "wijk": w, dim: c}, t.cell(w, c)) for w in t.row_keys for c in t.col_keys]
        out += [(("dimcol", dim, c), {**y, dim: c}, t.col_total(c)) for c in t.col_keys]
    for w, t in buurt_tables.items():
        out += [(("buurt", w, b, c), {**y, "buurt": b, "bron": c}, t.cell(b, c)) for b in t.row_keys for c in t.col_keys]
        out += [(("buurtrow", w, b), {**y, "buurt": b}, t.row_total(b)) for b in t.row_keys]
    out += [(("month", m, c), {**y, "month": m, "bron": c}, months.cell(m, c)) for m in months.row_keys for c in months.col_keys]
    out += [(("monthrow", m), {**y, "month": m}, months.row_total(m)) for m in months.row_keys]
    out += [(("wm", w, m), {**y, "wijk": w, "month": m}, wm.cell(w, m)) for w in wm.row_keys for m in wm.col_keys]
    return out


def _repair(leaks, entries, structure, truth, extra: _Extra, buurten) -> bool:
    """For every narrow suppressed figure suppress one more published count near it: the smallest
    published count of the same area (its wijk with its buurten, or the gemeente level) that shares a
    dimension value with it (same row or column) if there is one, else of the same area."""
    wijk_of = structure.wijk_of_buurt

    def area(f):
        if "buurt" in f:
            return wijk_of.get(f["buurt"])
        return f.get("wijk")

    def value(f):
        return sum(truth.get(v, 0) for v in expression(f, structure))

    published = [(h, f) for h, f, c in entries if h is not None and c.status == "ok"]
    chosen = set()
    for leak in leaks:
        a = area(leak.filter)
        near = [(h, f) for h, f in published if area(f) == a and h not in chosen]
        shared = [(h, f) for h, f in near if any(k != "year" and f.get(k) == v for k, v in leak.filter.items())]
        pool = shared or near
        if not pool and a is not None:  # nothing left in the wijk: widen through the gemeente level
            pool = [(h, f) for h, f in published if area(f) is None and h not in chosen]
        if pool:
            h, _ = min(pool, key=lambda hf: (value(hf[1]), repr(hf[0])))
            chosen.add(h)
    for h in chosen:
        extra.add(h)
    return bool(chosen)


def canonical(
    cube, gemeente_code: str, wijken: list[str], year: int, policy: Policy, buurten: dict[str, list[str]] | None = None
) -> Canonical:
    """The protected set of one gemeente and year, built top-down and repaired bottom-up.

    Top-down: wijk totals, wijk × breakdown (row totals fixed), buurt × bron per wijk (margins fixed
    to the wijk's bron row), month × bron (column totals fixed), wijk × month (margins fixed).
    Bottom-up (hierarchical secondary suppression): a table below can be left with a line whose
    suppressed cell is pinned by margins it had to take over (a wijk × bron cell of 10–12 fixed as the
    column total above a buurt's ``<10`` and a ``×``). Such a table reports the margins
    (``ControlledTable.blocked``); the table that published them suppresses one of them and the whole
    set is built again, until no table reports any. Every round suppresses at least one more
    published cell, so it ends. All tables of the set are memoised together on the cube (which is
    cached per gemeente and data version, ``data.cube_for``).
    """
    if buurten is None:
        buurten = buurten_by_wijk(gemeente_code)
    key = ("canonical", gemeente_code, tuple(wijken), year, policy)
    with cube.memo_lock:
        if key in cube.memo:
            return cube.memo[key]
    span = {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)}
    period = period_for(cube, year)
    totals_raw = {k[0]: v for k, v in cube.counts(["wijk"], **span).items()}
    # A wijk total just above the threshold is fixed in every breakdown of the wijk; published, it
    # pins a "<10" next to a "×" (known to be at least the threshold) in that wijk's rows to 0-2.
    # So such totals are suppressed up front (docs/disclosure-control.md, issue 12).
    near = {w for w in wijken if policy.threshold <= totals_raw.get(w, 0) < policy.threshold + 2 * policy.rounding_base}
    raw_by_dim, columns = {}, {}
    for dim, (_, dim_labels, _) in DIMENSIONS.items():
        cols = (
            ["eerste", "herhaald"]
            if dim == "repeat"
            else (list(dim_labels) if dim == "kinderen" else ordered(cube.distinct(dim), dim_labels))
        )
        cols = cols or list(dim_labels)[:1]
        raw_by_dim[dim] = {k: v for k, v in cube.counts(["wijk", dim], **span).items() if k[0] in set(wijken) and k[1] in cols}
        columns[dim] = cols
    structure, truth = _attacker_view(cube, wijken, buurten, period, columns)
    digest = hashlib.sha256(
        repr((gemeente_code, tuple(wijken), sorted(buurten.items()), year, policy, sorted(truth.items(), key=repr))).encode()
    ).hexdigest()
    with _repairs_lock:
        extra = _repairs.get(digest)
    if extra is None:  # solved by another process or before a restart (zicht.areas.protected_cache)
        stored = protected_cache.fetch(digest)
        if stored is not None:
            extra = _Extra()
            protected_cache.load(stored, extra)
    known = extra is not None
    if extra is None:
        extra = _Extra(totals=set(near))
    started = time.perf_counter()
    for _round in range(_MAX_REPAIR_ROUNDS):
        result, tables, months, wm = _build_set(
            cube, gemeente_code, wijken, buurten, period, policy, raw_by_dim, columns, totals_raw, extra
        )
        if known:
            break
        entries = _entries(result, tables, months, wm, buurten, period)
        report = audit([Published(f, c, "") for _, f, c in entries], structure, truth, policy)
        if not report.leaks:
            break
        if not _repair(report.leaks, entries, structure, truth, extra, buurten):
            break  # nothing left to suppress near the leak: ``zicht disclosure-audit`` reports it
    with _repairs_lock:
        _repairs[digest] = extra
    if not known:
        protected_cache.store(digest, gemeente_code, year, extra, time.perf_counter() - started)
    tables = {("buurt_bron", gemeente_code, result.wijken, w, tuple(buurten.get(w, [])), year, policy): t for w, t in tables.items()}
    tables[("months", gemeente_code, result.wijken, year, tuple(period.months), policy)] = months
    tables[("wijk_months", gemeente_code, result.wijken, year, tuple(period.months), policy)] = wm
    with cube.memo_lock:
        cube.memo.update(tables)
        cube.memo[key] = result
    return result


@dataclass
class AreaFigures:
    code: str
    naam: str
    level: str
    period: Period
    headline: dict
    tables: list[FigureTable]
    trend: dict
    years_trend: dict
    map_cells: dict = field(default_factory=dict)
    n_reports_in_db: int = 0

    def table(self, table_id: str) -> FigureTable:
        return next(t for t in self.tables if t.id == table_id)


def gemeente_months(cube, gemeente_code: str, canon: Canonical, period: Period, policy: Policy) -> ControlledTable:
    """Months of the year × bron for the whole gemeente, margins fixed to the canonical year figures."""
    key = ("months", gemeente_code, canon.wijken, period.year, tuple(period.months), policy)
    with cube.memo_lock:
        if key in cube.memo:
            return cube.memo[key]
    return _gemeente_months(cube, canon, period, policy, ())


def _gemeente_months(cube, canon: Canonical, period: Period, policy: Policy, also_row_totals=(), also_cells=()) -> ControlledTable:
    g_bron = canon.by_dim["bron"]
    bronnen = canon.columns["bron"]
    counts = {
        k: v
        for k, v in cube.counts(["month", "bron"], start=period.start, end=period.end).items()
        if k[1] in bronnen and k[0] in period.months
    }
    return control_table(
        counts,
        row_keys=period.months,
        col_keys=bronnen,
        policy=policy,
        fixed_col_totals={b: g_bron.col_total(b) for b in bronnen},
        fixed_total=canon.totals.total,
        also_suppress_row_totals=sorted(also_row_totals),
        also_suppress=sorted(also_cells),
    )


def wijk_months(cube, gemeente_code: str, canon: Canonical, period: Period, policy: Policy) -> ControlledTable:
    """Wijk × month totals (no breakdown), margins fixed to the wijk year totals and the gemeente's month totals.

    Why not a month × bron table per wijk: together with the gemeente's month × bron table those
    would form a three-way cube whose margins are controlled one by one, and summing the wijk
    tables against the gemeente table narrows suppressed cells (issue 12). Month totals per wijk
    form one two-way table with the margins every other page publishes.
    """
    key = ("wijk_months", gemeente_code, canon.wijken, period.year, tuple(period.months), policy)
    with cube.memo_lock:
        if key in cube.memo:
            return cube.memo[key]
    return _wijk_months(cube, canon, period, policy, gemeente_months(cube, gemeente_code, canon, period, policy))


def _wijk_months(cube, canon: Canonical, period: Period, policy: Policy, months: ControlledTable, also_cells=()) -> ControlledTable:
    wanted = set(canon.wijken)
    counts = {
        k: v
        for k, v in cube.counts(["wijk", "month"], start=period.start, end=period.end).items()
        if k[0] in wanted and k[1] in period.months
    }
    return control_table(
        counts,
        row_keys=canon.wijken,
        col_keys=period.months,
        policy=policy,
        fixed_row_totals=canon.totals.cells,
        fixed_col_totals={m: months.row_total(m) for m in period.months},
        fixed_total=canon.totals.total,
        also_suppress=sorted(also_cells),
    )


def _monthly(cube, gemeente_code: str, canon: Canonical, period: Period, policy: Policy, title: str):
    """The gemeente's months × bron table (controlled once per gemeente and year)."""
    table = gemeente_months(cube, gemeente_code, canon, period, policy)
    bronnen = list(table.col_keys)
    fig = from_controlled_table(
        "maanden",
        gettext("%(title)s, per maand en bron, %(period)s") % {"title": title, "period": period.label},
        gettext("Maand"),
        table,
        {m: month_label(m) for m in period.months},
        labels(BRON_LABELS),
        note=gettext("De jaartotalen zijn dezelfde als elders op de pagina; lege punten in de grafiek zijn onderdrukt."),
        dims=({"year": period.year}, "month", "bron"),
    )
    chart = {
        "x": [month_label(m) for m in period.months],
        "series": [{"label": gettext("Totaal"), "cells": [table.row_total(m) for m in period.months]}]
        + [{"label": label(BRON_LABELS, b), "cells": [table.cell(m, b) for m in period.months]} for b in bronnen],
    }
    return chart, fig


def _wijk_monthly(cube, gemeente_code: str, canon: Canonical, wijk: str, period: Period, policy: Policy, title: str):
    """A wijk's month totals: its row of the controlled wijk × month table."""
    table = wijk_months(cube, gemeente_code, canon, period, policy)
    series = ControlledSeries(tuple(period.months), {m: table.cell(wijk, m) for m in period.months}, table.row_total(wijk), policy)
    fig = from_series(
        "maanden",
        gettext("%(title)s, per maand, %(period)s") % {"title": title, "period": period.label},
        gettext("Maand"),
        series,
        {m: month_label(m) for m in period.months},
        value_header=gettext("Meldingen"),
        with_share=False,
        note=gettext(
            "Per wijk alleen maandtotalen: zo sluiten ze aan op de maandtotalen van de gemeente. Lege punten in de grafiek zijn onderdrukt."
        ),
        dims=({"year": period.year, "wijk": wijk}, "month"),
    )
    chart = {
        "x": [month_label(m) for m in period.months],
        "series": [{"label": gettext("Totaal"), "cells": [series.cell(m) for m in period.months]}],
    }
    return chart, fig


def _yearly(canons: list[Canonical], wijk: str | None, title: str):
    """Years × bron from each year's canonical cells (nothing new is published)."""
    bronnen = ordered({c for canon in canons for c in canon.columns["bron"]}, BRON_LABELS)
    rows = []
    for canon in canons:
        table = canon.by_dim["bron"]
        if wijk is None:
            cells = [table.col_total(b) if b in table.col_keys else cbs_cell(None) for b in bronnen]
            total = canon.totals.total
        else:
            cells = [table.cell(wijk, b) if b in table.col_keys else cbs_cell(None) for b in bronnen]
            total = canon.totals.cell(wijk)
        rows.append(FigureRow(str(canon.year), cells, total, code=str(canon.year)))
    fig = FigureTable(
        "jaren",
        gettext("%(title)s, per jaar en bron") % {"title": title},
        gettext("Jaar"),
        [label(BRON_LABELS, b) for b in bronnen],
        rows,
        note=gettext("Het lopende jaar kan onvolledig zijn."),
    )
    set_grid(fig, {} if wijk is None else {"wijk": wijk}, [{"year": canon.year} for canon in canons], [{"bron": b} for b in bronnen])
    chart = {
        "x": [str(c.year) for c in canons],
        "series": [{"label": gettext("Totaal"), "cells": [r.total for r in rows]}]
        + [{"label": label(BRON_LABELS, b), "cells": [r.cells[i] for r in rows]} for i, b in enumerate(bronnen)],
    }
    return chart, fig


def _series_table(series: ControlledSeries, dim: str, period: Period, base: dict) -> FigureTable:
    header, dim_labels, title = DIMENSIONS[dim]
    fig = from_series(
        dim, f"{gettext(title)}, {period.label}", gettext(header), series, labels(dim_labels), dims=({"year": period.year, **base}, dim)
    )
    if dim == "repeat":
        fig.note = gettext(REPEAT_NOTE)
    return fig


def _pop(pops, code):
    value = pops.get(code)
    return (value[0], value[1]) if value else (None, None)


def gemeente_figures(gemeente, year: int | None, policy: Policy, wijk_url=lambda code: None) -> AreaFigures:
    cube = cube_for(gemeente.code)
    period = period_for(cube, year)
    wijken = list(wijken_of(gemeente.code))
    codes = [w.code for w in wijken]
    names = {w.code: w.naam for w in wijken}
    urls = {c: wijk_url(c) for c in codes}
    pops = population(codes + [gemeente.code])
    canon = canonical(cube, gemeente.code, codes, period.year, policy)
    total = canon.totals.total
    gm_pop, gm_year = _pop(pops, gemeente.code)

    rate_rows = []
    for c in codes:
        count = canon.totals.cell(c)
        pop, pop_year = _pop(pops, c)
        rate_rows.append(
            FigureRow(names[c], [count, cbs_cell(pop, "aantal", f"CBS {pop_year or ''}".strip()), rate(count, pop)], url=urls[c], code=c)
        )
    t_rate = FigureTable(
        "per1000",
        gettext("Meldingen per 1.000 inwoners per wijk, %(period)s") % {"period": period.label},
        gettext("Wijk"),
        [gettext("Meldingen"), gettext("Inwoners (CBS)"), gettext("Per 1.000 inwoners")],
        rate_rows,
        FigureRow(gettext("Gemeente"), [total, cbs_cell(gm_pop, "aantal", "CBS"), rate(total, gm_pop)]),
        note=gettext("Per 1.000 inwoners berekend uit het afgeronde aantal en het nieuwste CBS-inwonertal."),
    )
    set_grid(t_rate, {"year": period.year}, [{"wijk": c} for c in codes], [{}, None, None])
    tables = [t_rate]
    for dim, (_header, dim_labels, title) in DIMENSIONS.items():
        fig = from_controlled_table(
            dim,
            gettext("%(title)s per wijk, %(period)s") % {"title": gettext(title), "period": period.label},
            gettext("Wijk"),
            canon.by_dim[dim],
            names,
            labels(dim_labels),
            urls,
            dims=({"year": period.year}, "wijk", dim),
        )
        if dim == "repeat":
            t = canon.by_dim["repeat"]
            fig.columns.append(gettext("Aandeel herhaald"))
            fig.extra["grid"]["cols"].append(None)
            for row in fig.rows:
                row.cells = [*row.cells, t.share(row.code, "herhaald")]
            fig.totals.cells = [*fig.totals.cells, percentage(t.col_total("herhaald"), t.total)]
            fig.note = gettext(REPEAT_NOTE)
        tables.append(fig)
    month_chart, t_month = _monthly(cube, gemeente.code, canon, period, policy, gettext("Meldingen"))
    canons = [canonical(cube, gemeente.code, codes, y, policy) for y in period.years]
    year_chart, t_year = _yearly(canons, None, gettext("Meldingen"))
    tables += [t_month, t_year]
    colours, _ = colour_table(gemeente.code, codes, names, policy, urls)
    if colours is not None:
        tables.append(colours)
    g_aard, g_rep = canon.by_dim["aard"], canon.by_dim["repeat"]
    headline = {
        "meldingen": total,
        "per1000": rate(total, gm_pop),
        "herhaald": percentage(g_rep.col_total("herhaald"), g_rep.total),
        "inwoners": cbs_cell(gm_pop, "aantal", f"CBS {gm_year or ''}".strip()),
        "aard": [
            (label(AARD_LABELS, a), g_aard.col_total(a), percentage(g_aard.col_total(a), g_aard.total)) for a in canon.columns["aard"]
        ],
    }
    map_cells = {row.code: row.cells[2] for row in rate_rows}
    return AreaFigures(gemeente.code, gemeente.naam, "gemeente", period, headline, tables, month_chart, year_chart, map_cells, len(cube))


def colour_table(gemeente_code: str, wijken: list[str], names: dict, policy: Policy, urls: dict | None = None):
    """Addresses per wijk by current colour code (casework), controlled; None without a colour source.

    Current state, not per period: the colour code is re-evaluated as reports come in.
    Returns (FigureTable, ControlledTable) so the wijk page can reuse its row.
    """
    source = colour_source()
    if source is None:  # no app registered colour codes (areas.sources)
        return None, None
    COLOURS, COLOUR_LABELS = source.colours, source.labels
    raw = source.counts("wijk")
    wanted = set(wijken)
    counts = {(w, c): n for w, by in raw.items() if w in wanted for c, n in by.items() if c in COLOURS}
    totals = control_series({w: sum(raw.get(w, {}).values()) for w in wijken}, keys=wijken, policy=policy)
    table = control_table(
        counts, row_keys=wijken, col_keys=list(COLOURS), policy=policy, fixed_row_totals=totals.cells, fixed_total=totals.total
    )
    fig = from_controlled_table(
        "kleuren",
        gettext("Adressen naar huidige kleurcode per wijk"),
        gettext("Wijk"),
        table,
        names,
        labels(COLOUR_LABELS),
        urls,
        note=gettext(
            "Huidige kleurcode van adressen met meldingen (casework-regels); telt adressen, "
            "geen personen. De kleur staat als tekst in de kolomkop, niet alleen als kleur."
        ),
    )
    return fig, table


def buurt_colour_table(wijk_code: str, buurten: list[str], names: dict, gemeente_table, policy: Policy):
    """Addresses per buurt by colour, with the wijk's row of the gemeente table as fixed margins."""
    source = colour_source()
    if gemeente_table is None or source is None:
        return None
    COLOURS, COLOUR_LABELS = source.colours, source.labels
    raw = source.counts("buurt")
    wanted = set(buurten)
    counts = {(b, c): n for b, by in raw.items() if b in wanted for c, n in by.items() if c in COLOURS}
    table = control_table(
        counts,
        row_keys=buurten,
        col_keys=list(COLOURS),
        policy=policy,
        fixed_col_totals={c: gemeente_table.cell(wijk_code, c) for c in COLOURS},
        fixed_total=gemeente_table.row_total(wijk_code),
    )
    return from_controlled_table(
        "kleuren",
        gettext("Adressen naar huidige kleurcode per buurt"),
        gettext("Buurt"),
        table,
        names,
        labels(COLOUR_LABELS),
        note=gettext("Huidige kleurcode van adressen met meldingen; telt adressen, geen personen."),
    )


def wijk_rate_cells(gemeente_code: str, year: int | None, policy: Policy) -> tuple[dict, Period]:
    """Reports per 1.000 inwoners per wijk from the canonical wijk totals (for maps)."""
    cube = cube_for(gemeente_code)
    period = period_for(cube, year)
    codes = [w.code for w in wijken_of(gemeente_code)]
    canon = canonical(cube, gemeente_code, codes, period.year, policy)
    pops = population(codes)
    return {c: rate(canon.totals.cell(c), _pop(pops, c)[0]) for c in codes}, period


def buurt_bron_table(
    cube, gemeente_code: str, canon: Canonical, wijk_code: str, buurten: list[str], period: Period, policy: Policy
) -> ControlledTable:
    """Buurten of a wijk × bron for the year, margins fixed to the wijk's canonical bron row and total."""
    key = ("buurt_bron", gemeente_code, canon.wijken, wijk_code, tuple(buurten), period.year, policy)
    with cube.memo_lock:
        if key in cube.memo:
            return cube.memo[key]
    table = _buurt_bron(cube, canon, wijk_code, buurten, period, policy)
    with cube.memo_lock:
        cube.memo[key] = table
    return table


def _buurt_bron_counts(cube, period: Period) -> dict[str, dict[tuple, int]]:
    """wijk -> {(buurt, bron): n} for the period, from one query (memoised on the cube): building a
    set asked the cube once per wijk and year, ≈ 60 queries per year for Tilburg."""
    key = ("buurt_bron_counts", period.start, period.end)
    with cube.memo_lock:
        if key in cube.memo:
            return cube.memo[key]
    out: dict[str, dict[tuple, int]] = {}
    for (w, b, bron), n in cube.counts(["wijk", "buurt", "bron"], start=period.start, end=period.end).items():
        out.setdefault(w, {})[(b, bron)] = n
    with cube.memo_lock:
        cube.memo[key] = out
    return out


def _buurt_bron(
    cube, canon: Canonical, wijk_code: str, buurten: list[str], period: Period, policy: Policy, also_cells=(), also_rows=()
) -> ControlledTable:
    bron_cols = canon.columns["bron"]
    wanted = set(buurten)
    by_bron = {k: v for k, v in _buurt_bron_counts(cube, period).get(wijk_code, {}).items() if k[1] in bron_cols and k[0] in wanted}
    series = canon.wijk_series(wijk_code, "bron")
    return control_table(
        by_bron,
        row_keys=buurten,
        col_keys=bron_cols,
        policy=policy,
        fixed_col_totals=series.cells,
        fixed_total=canon.totals.cell(wijk_code),
        also_suppress=sorted(also_cells),
        also_suppress_row_totals=sorted(also_rows),
    )


def wijk_figures(wijk, year: int | None, policy: Policy) -> AreaFigures:
    cube = cube_for(wijk.gemeente_id)
    period = period_for(cube, year)
    gm_wijken = [w.code for w in wijken_of(wijk.gemeente_id)]
    canon = canonical(cube, wijk.gemeente_id, gm_wijken, period.year, policy)
    buurten = list(wijk.buurten.order_by("code"))
    codes = [b.code for b in buurten]
    names = {b.code: b.naam for b in buurten}
    pops = population(codes + [wijk.code, wijk.gemeente_id])
    wijk_total = canon.totals.cell(wijk.code)
    gm_total = canon.totals.total
    wk_pop, wk_year = _pop(pops, wijk.code)
    gm_pop, _ = _pop(pops, wijk.gemeente_id)
    series = {dim: canon.wijk_series(wijk.code, dim) for dim in DIMENSIONS}

    t_bron = buurt_bron_table(cube, wijk.gemeente_id, canon, wijk.code, codes, period, policy)
    compare = FigureTable(
        "vergelijking",
        gettext("Meldingen per 1.000 inwoners: wijk en gemeente, %(period)s") % {"period": period.label},
        gettext("Gebied"),
        [gettext("Meldingen"), gettext("Inwoners (CBS)"), gettext("Per 1.000 inwoners")],
        [
            FigureRow(wijk.naam, [wijk_total, cbs_cell(wk_pop, "aantal", "CBS"), rate(wijk_total, wk_pop)], code=wijk.code),
            FigureRow(wijk.gemeente.naam, [gm_total, cbs_cell(gm_pop, "aantal", "CBS"), rate(gm_total, gm_pop)], code=wijk.gemeente_id),
        ],
    )
    set_grid(compare, {"year": period.year}, [{"wijk": wijk.code}, {}], [{}, None, None])
    rate_rows = []
    for c in codes:
        count = t_bron.row_total(c)
        pop, pop_year = _pop(pops, c)
        rate_rows.append(FigureRow(names[c], [count, cbs_cell(pop, "aantal", f"CBS {pop_year or ''}".strip()), rate(count, pop)], code=c))
    t_buurt_rate = FigureTable(
        "buurt_per1000",
        gettext("Meldingen per 1.000 inwoners per buurt, %(period)s") % {"period": period.label},
        gettext("Buurt"),
        [gettext("Meldingen"), gettext("Inwoners (CBS)"), gettext("Per 1.000 inwoners")],
        rate_rows,
        note=gettext("Buurtinwoners uit KWB 2017 (nieuwere buurtcijfers zitten niet in de lokale data)."),
    )
    set_grid(t_buurt_rate, {"year": period.year}, [{"buurt": c} for c in codes], [{}, None, None])
    in_wijk = gettext("Meldingen in %(wijk)s") % {"wijk": wijk.naam}
    month_chart, t_month = _wijk_monthly(cube, wijk.gemeente_id, canon, wijk.code, period, policy, in_wijk)
    canons = [canonical(cube, wijk.gemeente_id, gm_wijken, y, policy) for y in period.years]
    year_chart, t_year = _yearly(canons, wijk.code, in_wijk)
    tables = [
        compare,
        from_controlled_table(
            "buurt_bron",
            gettext("Meldingen per buurt en bron, %(period)s") % {"period": period.label},
            gettext("Buurt"),
            t_bron,
            names,
            labels(BRON_LABELS),
            dims=({"year": period.year, "wijk": wijk.code}, "buurt", "bron"),
        ),
        t_buurt_rate,
        *(_series_table(series[dim], dim, period, {"wijk": wijk.code}) for dim in DIMENSIONS),
        t_month,
        t_year,
    ]
    _, gm_colours = colour_table(wijk.gemeente_id, gm_wijken, {}, policy)
    colours = buurt_colour_table(wijk.code, codes, names, gm_colours, policy)
    if colours is not None:
        tables.append(colours)
    headline = {
        "meldingen": wijk_total,
        "per1000": rate(wijk_total, wk_pop),
        "gemeente_per1000": rate(gm_total, gm_pop),
        "herhaald": series["repeat"].share("herhaald"),
        "kinderen": series["kinderen"].share("ja"),
        "inwoners": cbs_cell(wk_pop, "aantal", f"CBS {wk_year or ''}".strip()),
        "aard": [(label(AARD_LABELS, k), c, series["aard"].share(k)) for k, c in series["aard"].items()],
    }
    return AreaFigures(wijk.code, wijk.naam, "wijk", period, headline, tables, month_chart, year_chart, {}, len(cube))


@dataclass
class HomeFigures:
    """The home page's wijk × soort table: the canonical cells of the newest year, nothing new."""

    table: ControlledTable | None
    wijken: list[tuple[str, str]]
    period: Period | None
    figure: FigureTable | None


def home_figures(gemeente_code: str, policy: Policy) -> HomeFigures:
    """What is in the registry per wijk and soort, for the newest year with reports.

    Not all years together: an all-time table controlled on its own, next to the per-year tables
    of the gebiedscan, lets an attacker subtract the published years from the all-time figure and
    pin cells shown as "<10" (issue 12). The home page therefore shows the gebiedscan's own
    controlled wijk × soort table of the newest year.
    """
    wijken = [(w.code, w.naam) for w in wijken_of(gemeente_code)]
    if not wijken:
        return HomeFigures(None, [], None, None)
    cube = cube_for(gemeente_code)
    period = period_for(cube, None)
    codes = [c for c, _ in wijken]
    canon = canonical(cube, gemeente_code, codes, period.year, policy)
    table = canon.by_dim["kind"]
    fig = from_controlled_table(
        "home",
        gettext("Registraties per wijk en soort, %(period)s") % {"period": period.label},
        gettext("Wijk"),
        table,
        dict(wijken),
        labels(KIND_LABELS),
        dims=({"year": period.year}, "wijk", "kind"),
    )
    return HomeFigures(table, wijken, period, fig)
