"""The differencing attacker: what can be proven about suppressed cells from *all* published figures.

Pure (numpy/scipy, no Django): ``zicht disclosure-audit`` feeds it every published count with what
it counts (a filter such as ``{"year": 2024, "wijk": "WK085517", "bron": "politie"}``), the
structure of the gemeente (buurten per wijk, months per year, the columns of each breakdown) and
the true counts of the base cells. It then plays the attacker of docs/disclosure-control.md:

* unknowns: the true counts of the base cells, real numbers ≥ 0 (the integer problem relaxed;
  intervals are rounded inwards to whole numbers afterwards);
* every published figure is a linear constraint: a rounded value ``v`` (base ``b``) means the
  true count lies in ``[v - floor(b/2), v + ceil(b/2) - 1]`` and is at least the threshold (it was
  not suppressed); ``<10`` means ``[0, 9]`` (``[1, 9]`` when zeros are published); ``×`` means at
  least the threshold (it was not small, else it would show ``<10``);
* the attacker also knows how the base cells add up (wijk = its buurten, year = its months, every
  breakdown adds up to the wijk total up to the reports without a value, which it is given exactly);
* for every suppressed figure it minimises and maximises the true count with HiGHS.

A suppressed figure is *protected* when the attacker's interval still holds at least as many whole
numbers as the rounding base (or, for a ``<10`` cell with a smaller a-priori range, that range).

Base cells (per year; years are independent because no published figure spans two years):
``X[w, m, s]`` reports in wijk w, month m, bron s; ``B[b, y, s]`` in buurt b, year y, bron s;
``U[f, w, y, v]`` in wijk w, year y with value v of breakdown f; ``T[w, y]`` in wijk w, year y.
Any set of these that satisfies the sum relations is realisable by some set of reports (the
families only share the wijk totals; buurt and month splits of one wijk, year and bron form a
transportation problem), so the relaxation loses nothing but integrality.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

from .disclosure import OK, PRIMARY, SECONDARY, Cell, Policy

BREAKDOWNS = ("bron", "aard", "kind", "relatie", "kinderen", "repeat")


class Unmodelled(ValueError):
    """A published count whose filter the model cannot express (it would escape the audit)."""


@dataclass(frozen=True)
class Structure:
    """The gemeente as the attacker knows it."""

    wijk_of_buurt: dict[str, str]
    months: dict[int, list[str]]  # year -> its months 'YYYY-MM'
    columns: dict[str, list[str]]  # breakdown -> published values

    @property
    def wijken(self) -> list[str]:
        return sorted(set(self.wijk_of_buurt.values()))

    def buurten_of(self, wijk: str) -> list[str]:
        return sorted(b for b, w in self.wijk_of_buurt.items() if w == wijk)


@dataclass
class Published:
    filter: dict
    cell: Cell
    where: str


def _year_of(f: dict) -> int:
    if "month" in f:
        return int(str(f["month"])[:4])
    if "year" in f:
        return int(f["year"])
    raise Unmodelled(f"geen periode in {f}")


def _gemeenten(value) -> set[str] | None:
    """The gemeente part of a filter as the four digits of the GM codes (a wijk code WKggggww holds
    them): one code (a gemeente page's figure in a region audit), a tuple of codes (a region total
    over the region's gemeenten), or None (the whole structure: one gemeente's own audit)."""
    if value is None:
        return None
    codes = [value] if isinstance(value, str) else list(value)
    return {c[2:6] for c in codes}


def expression(f: dict, s: Structure) -> dict[tuple, int]:
    """The published count ``f`` as a sum of base cells ``{variable: 1}``."""
    gemeenten = _gemeenten(f.get("gemeente"))
    f = {k: v for k, v in f.items() if k != "gemeente"}
    year = _year_of(f)
    cats = [k for k in f if k in BREAKDOWNS]
    if len(cats) > 1:
        raise Unmodelled(f"kruising van uitsplitsingen {cats}")
    cat = cats[0] if cats else None
    unknown = set(f) - {"year", "month", "wijk", "buurt", *BREAKDOWNS}
    if unknown:
        raise Unmodelled(f"onbekende dimensie(s) {sorted(unknown)}")
    bronnen = s.columns["bron"]
    if "buurt" in f:
        if "month" in f or cat not in (None, "bron"):
            raise Unmodelled(f"buurt met {cat or 'maand'}")
        return {("B", f["buurt"], year, b): 1 for b in ([f["bron"]] if cat else bronnen)}
    wijken = [f["wijk"]] if "wijk" in f else [w for w in s.wijken if gemeenten is None or w[2:6] in gemeenten]
    out: dict[tuple, int] = {}
    for w in wijken:
        if "month" in f:
            if cat not in (None, "bron"):
                raise Unmodelled(f"maand met {cat}")
            for b in [f["bron"]] if cat else bronnen:
                out[("X", w, f["month"], b)] = 1
        elif cat is None:
            out[("T", w, year)] = 1
        elif cat == "bron":
            for m in s.months[year]:
                out[("X", w, m, f["bron"])] = 1
        else:
            out[("U", cat, w, year, f[cat])] = 1
    return out


def relations(s: Structure, year: int) -> list[dict[tuple, int]]:
    """Sum relations the attacker knows, each ``{variable: coefficient}`` = a known constant."""
    rels = []
    months = s.months[year]
    bronnen = s.columns["bron"]
    for w in s.wijken:
        rels.append({("T", w, year): 1, **{("X", w, m, b): -1 for m in months for b in bronnen}})
        for cat, values in s.columns.items():
            if cat == "bron":
                continue
            rels.append({("T", w, year): 1, **{("U", cat, w, year, v): -1 for v in values}})
        for b in bronnen:
            rel = {("B", bu, year, b): 1 for bu in s.buurten_of(w)}
            rel.update({("X", w, m, b): -1 for m in months})
            rels.append(rel)
    return rels


def bounds_of(cell: Cell, policy: Policy) -> tuple[float, float] | None:
    """What a published cell says about its true count (None: nothing)."""
    t, b = policy.threshold, policy.rounding_base
    if cell.status == OK and cell.value is not None:
        v = int(cell.value)
        return max(v - b // 2, 0 if policy.publish_zeros and v == 0 else t), v + math.ceil(b / 2) - 1
    if cell.status == PRIMARY:
        return (1 if policy.publish_zeros else 0), t - 1
    if cell.status == SECONDARY:
        return t, math.inf
    return None


def required_width(cell: Cell, policy: Policy) -> int:
    """How many whole numbers the attacker's interval must keep: the base, or the cell's own range if smaller."""
    if cell.status == PRIMARY:
        lo, hi = bounds_of(cell, policy)
        return min(policy.rounding_base, int(hi - lo + 1))
    return policy.rounding_base


@dataclass
class Finding:
    label: str
    filter: dict
    status: str
    where: list[str]
    low: int
    high: int
    required: int
    exact: bool = True  # False: [low, high] is a sub-interval shown by feasible points (the true one is wider)

    @property
    def width(self) -> int:
        return self.high - self.low + 1

    @property
    def protected(self) -> bool:
        return self.width >= self.required

    def as_json(self) -> dict:
        return {
            "cel": self.label,
            "filter": self.filter,
            "status": self.status,
            "gepubliceerd_in": self.where,
            "interval": [self.low, self.high],
            "breedte": self.width,
            "vereist": self.required,
            "beschermd": self.protected,
            "exact": self.exact,
        }


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    published: int = 0
    constraints: int = 0
    variables: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and all(f.protected for f in self.findings)

    @property
    def leaks(self) -> list[Finding]:
        return [f for f in self.findings if not f.protected]


def label(f: dict) -> str:
    order = ("gemeente", "year", "month", "wijk", "buurt", *BREAKDOWNS)

    def show(k):
        v = f[k]
        return f"{k}={'+'.join(v)}" if isinstance(v, (tuple, list)) else f"{k}={v}"

    return " ".join(show(k) for k in order if k in f) or "gemeente"


def _key(f: dict) -> tuple:
    """One published quantity: the same filter (a gemeente's figure and a region total differ by
    their ``gemeente``; a wijk or buurt figure is the same whichever gemeente filter it carries)."""
    drop = {"gemeente"} if ("wijk" in f or "buurt" in f) else set()
    return tuple(sorted((k, "+".join(sorted(v)) if isinstance(v, (tuple, list)) else str(v)) for k, v in f.items() if k not in drop))


def merge_structures(parts: list[Structure]) -> Structure:
    """The structure of several gemeenten together (a region): wijk and buurt codes are national,
    months and published columns are the union."""
    wijk_of_buurt: dict[str, str] = {}
    months: dict[int, set[str]] = defaultdict(set)
    columns: dict[str, list[str]] = {}
    for p in parts:
        wijk_of_buurt.update(p.wijk_of_buurt)
        for y, ms in p.months.items():
            months[y].update(ms)
        for dim, values in p.columns.items():
            columns.setdefault(dim, [])
            columns[dim] += [v for v in values if v not in columns[dim]]
    return Structure(wijk_of_buurt, {y: sorted(ms) for y, ms in months.items()}, columns)


def audit(
    published: Iterable[Published],
    structure: Structure,
    truth: dict[tuple, int],
    policy: Policy,
    progress: Callable[[int, int], None] | None = None,
    exact: bool = False,
) -> Report:
    """Play the attacker over all published counts; ``truth`` holds the true base counts (missing = 0).

    ``exact``: minimise and maximise every suppressed figure. Otherwise a figure whose interval is
    already shown wide enough by feasible points found earlier is not solved again (its reported
    interval is then a sub-interval of the provable one, marked ``exact: false``); the verdict is
    the same either way.
    """
    started = time.monotonic()
    report = Report()
    # One entry per distinct published quantity: the intersection of what every publication says.
    quantities: dict[tuple, dict] = {}
    for p in published:
        if p.cell.kind != "count" or bounds_of(p.cell, policy) is None:
            continue
        report.published += 1
        try:
            expr = expression(p.filter, structure)
        except Unmodelled as exc:
            report.errors.append(f"Niet te controleren gepubliceerd aantal ({p.where}: {label(p.filter)}): {exc}")
            continue
        key = _key(p.filter)
        q = quantities.setdefault(key, {"filter": p.filter, "expr": expr, "lo": 0.0, "hi": math.inf, "cells": [], "where": []})
        lo, hi = bounds_of(p.cell, policy)
        q["lo"], q["hi"] = max(q["lo"], lo), min(q["hi"], hi)
        q["cells"].append(p.cell)
        if p.where not in q["where"]:
            q["where"].append(p.where)
    by_year: dict[int, list[dict]] = defaultdict(list)
    for q in quantities.values():
        by_year[_year_of(q["filter"])].append(q)
    targets_total = sum(1 for q in quantities.values() if any(c.suppressed for c in q["cells"]))
    done = 0
    for year in sorted(by_year):
        if year not in structure.months:
            report.errors.append(f"Jaar {year} gepubliceerd maar onbekend in de structuur")
            continue
        qs = by_year[year]
        rels = relations(structure, year)
        variables: dict[tuple, int] = {}
        for expr in [q["expr"] for q in qs] + rels:
            for v in expr:
                variables.setdefault(v, len(variables))
        n = len(variables)
        true_x = np.array([truth.get(v, 0) for v in variables], dtype=float)

        def matrix(exprs, variables=variables, n=n):  # bound per year
            rows, cols, vals = [], [], []
            for i, e in enumerate(exprs):
                for v, c in e.items():
                    rows.append(i)
                    cols.append(variables[v])
                    vals.append(c)
            return csr_matrix((vals, (rows, cols)), shape=(len(exprs), n))

        a_eq = matrix(rels)
        b_eq = a_eq @ true_x  # the known constants (reports without a value, ...)
        a_pub = matrix([q["expr"] for q in qs])
        lo = np.array([q["lo"] for q in qs])
        hi = np.array([q["hi"] for q in qs])
        true_pub = a_pub @ true_x
        bad = np.flatnonzero((true_pub < lo - 1e-9) | (true_pub > hi + 1e-9))
        for i in bad:
            report.errors.append(f"Model klopt niet met de publicatie bij {label(qs[i]['filter'])} (gepubliceerd in {qs[i]['where'][0]})")
        report.constraints += a_pub.shape[0] + a_eq.shape[0]
        report.variables += n
        solver = _Solver(vstack([a_pub, a_eq]).tocsr(), np.concatenate([lo, b_eq]), np.concatenate([hi, b_eq]))
        targets = [(q, next((c for c in q["cells"] if c.suppressed), None)) for q in qs]
        targets = [(q, c) for q, c in targets if c is not None]
        if not targets:
            continue
        t_rows = matrix([q["expr"] for q, _ in targets])
        # Feasible points certify intervals without a solve of their own: the attacker cannot rule
        # out any value a feasible point takes. Start with the truth and the two points that push
        # all suppressed figures up or down at once; every later solve adds its point too.
        seen_lo = t_rows @ true_x
        seen_hi = seen_lo.copy()

        def see(x, t_rows=t_rows, seen_lo=seen_lo, seen_hi=seen_hi):  # bound per year
            if x is not None:
                values = t_rows @ x
                np.minimum(seen_lo, values, out=seen_lo)
                np.maximum(seen_hi, values, out=seen_hi)

        all_idx = np.unique(t_rows.indices).astype(np.int32)
        weights = np.asarray(t_rows.sum(axis=0)).ravel()[all_idx]
        if not exact:
            for sense in (1, -1):
                see(solver.point(all_idx, sense, weights))
        for i, (q, cell) in enumerate(targets):
            need = required_width(cell, policy)
            idx = np.array([variables[v] for v in q["expr"]], dtype=np.int32)
            certified = False
            if exact or math.floor(seen_hi[i] + 1e-6) - math.ceil(seen_lo[i] - 1e-6) + 1 < need:
                low, x = solver.solve(idx, 1)
                see(x)
                if exact or not math.isfinite(low) or math.floor(seen_hi[i] + 1e-6) - math.ceil(low - 1e-6) + 1 < need:
                    high, x = solver.solve(idx, -1)
                    see(x)
                else:
                    high, certified = seen_hi[i], True
            else:
                low, high, certified = seen_lo[i], seen_hi[i], True
            if math.isnan(low) or math.isnan(high):
                report.errors.append(f"LP zonder oplossing voor {label(q['filter'])}")
            low_i = math.ceil(low - 1e-6) if math.isfinite(low) else 0
            high_i = math.floor(high + 1e-6) if math.isfinite(high) else 10**9
            report.findings.append(
                Finding(label(q["filter"]), dict(q["filter"]), cell.status, q["where"], low_i, high_i, need, exact=not certified)
            )
            done += 1
            if progress:
                progress(done, targets_total)
    report.seconds = time.monotonic() - started
    return report


def _quiet_highs(highspy):
    """A Highs instance without its banner on standard output (it would corrupt ``--json``)."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _Solver:
    """min and max of a sum of variables subject to row bounds, variables ≥ 0.

    With highspy the model is passed once and only the objective changes between solves (warm
    start: a few simplex iterations each); without it, scipy's ``linprog`` (also HiGHS) per solve.
    """

    def __init__(self, a: csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray):
        self.a, self.row_lo, self.row_hi = a, row_lo, row_hi
        self.n = a.shape[1]
        try:
            import highspy
        except ImportError:  # pragma: no cover - highspy is a dependency; scipy is the fallback
            self.h = None
            return
        self.hs = highspy
        h = _quiet_highs(highspy)
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # keeps the basis between solves (warm start)
        h.setOptionValue("simplex_strategy", 4)  # primal simplex: a new objective keeps the basis feasible
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, highspy.kHighsInf)
        lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -highspy.kHighsInf)
        lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n, a.shape[0]
        h.passModel(lp)
        self.h = h
        self.last = np.zeros(0, dtype=np.int32)

    def solve(self, idx: np.ndarray, sense: int, weights: np.ndarray | None = None) -> tuple[float, np.ndarray | None]:
        """Minimise (sense 1) or maximise (-1) the weighted sum of ``idx``; returns (value, solution)."""
        w = np.ones(idx.size) if weights is None else np.asarray(weights, dtype=float)
        if self.h is None:
            c = np.zeros(self.n)
            c[idx] = sense * w
            finite_hi, finite_lo = np.isfinite(self.row_hi), np.isfinite(self.row_lo)
            a_ub = vstack([self.a[np.flatnonzero(finite_hi)], -self.a[np.flatnonzero(finite_lo)]])
            b_ub = np.concatenate([self.row_hi[finite_hi], -self.row_lo[finite_lo]])
            res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            if res.status == 3:
                return math.inf, None
            return (sense * res.fun, res.x) if res.status == 0 else (math.nan, None)
        hs, h = self.hs, self.h
        if self.last.size:
            h.changeColsCost(self.last.size, self.last, np.zeros(self.last.size))
        h.changeColsCost(idx.size, idx, sense * w)
        self.last = idx
        h.run()
        status = h.getModelStatus()
        if status == hs.HighsModelStatus.kOptimal:
            return sense * h.getInfo().objective_function_value, np.asarray(h.getSolution().col_value)
        if status in (hs.HighsModelStatus.kUnbounded, hs.HighsModelStatus.kUnboundedOrInfeasible):
            return math.inf, None
        return math.nan, None

    def point(self, idx: np.ndarray, sense: int, weights: np.ndarray) -> np.ndarray | None:
        return self.solve(idx, sense, weights)[1]


def published_cells(table, where: str) -> list[Published]:
    """The counts of a ``FigureTable`` with what each counts (its ``extra['grid']``)."""
    grid = table.extra.get("grid")
    if grid is None:
        raise Unmodelled(f"tabel {table.id} zonder beschrijving van wat de cellen tellen")
    base, rows, cols = grid["base"], grid["rows"], grid["cols"]
    out = []

    def add(f, cell):
        if cell is not None and cell.kind == "count":
            out.append(Published(f, cell, where))

    for i, row in enumerate(table.rows):
        rf = rows[i]
        if rf is None:
            continue
        for j, cell in enumerate(row.cells):
            if j < len(cols) and cols[j] is not None:
                add({**base, **rf, **cols[j]}, cell)
        add({**base, **rf}, row.total)
    if table.totals is not None:
        for j, cell in enumerate(table.totals.cells):
            if j < len(cols) and cols[j] is not None:
                add({**base, **cols[j]}, cell)
        add(dict(base), table.totals.total)
    return out


def audit_stacked(table, truth: dict[tuple, int], policy: Policy, name: str, where: str) -> Report:
    """The attacker on one stacked table of a population of its own (a region's recidive: addresses
    followed, not reports): unknowns are the true inner counts ``(row, col)`` ≥ 0; every published
    inner cell, row total, column total and the grand total bounds its sum. Every suppressed figure
    is minimised and maximised; ``truth`` only checks that the model matches the publication."""
    rows, cols = list(table.row_keys), list(table.col_keys)
    index = {(r, c): i for i, (r, c) in enumerate((r, c) for r in rows for c in cols)}
    figures: list[tuple[str, dict, list[tuple]]] = []
    for r in rows:
        for c in cols:
            figures.append((f"{name} {r} {c}", {"regel": str(r), "kolom": str(c)}, [(r, c)]))
        figures.append((f"{name} {r} totaal", {"regel": str(r)}, [(r, c) for c in cols]))
    for c in cols:
        figures.append((f"{name} regio {c}", {"kolom": str(c)}, [(r, c) for r in rows]))
    figures.append((f"{name} regio totaal", {}, list(index)))
    cells = []
    for r in rows:
        cells += [table.cell(r, c) for c in cols] + [table.row_total(r)]
    cells += [table.col_total(c) for c in cols] + [table.total]
    report = Report()
    a_rows, lo, hi, kept = [], [], [], []
    for (label_, f, members), cell in zip(figures, cells, strict=True):
        bounds = bounds_of(cell, policy)
        if bounds is None:
            continue
        report.published += 1
        a_rows.append(members)
        lo.append(bounds[0])
        hi.append(bounds[1])
        kept.append((label_, f, members, cell))
    if not a_rows:
        return report
    data, ri, ci = [], [], []
    for i, members in enumerate(a_rows):
        for m in members:
            ri.append(i)
            ci.append(index[m])
            data.append(1.0)
    a = csr_matrix((data, (ri, ci)), shape=(len(a_rows), len(index)))
    true_x = np.array([truth.get(k, 0) for k in index], dtype=float)
    published = a @ true_x
    for i, (label_, *_rest) in enumerate(kept):
        if not (lo[i] - 1e-9 <= published[i] <= hi[i] + 1e-9):
            report.errors.append(f"Model klopt niet met de publicatie bij {label_} ({where})")
    report.constraints, report.variables = len(a_rows), len(index)
    solver = _Solver(a.tocsr(), np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    for label_, f, members, cell in kept:
        if not cell.suppressed:
            continue
        idx = np.array([index[m] for m in members], dtype=np.int32)
        low, _ = solver.solve(idx, 1)
        high, _ = solver.solve(idx, -1)
        low_i = math.ceil(low - 1e-6) if math.isfinite(low) else 0
        high_i = math.floor(high + 1e-6) if math.isfinite(high) else 10**9
        report.findings.append(Finding(label_, f, cell.status, [where], low_i, high_i, required_width(cell, policy)))
    return report
