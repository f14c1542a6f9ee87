"""Everything Zicht publishes about one gemeente, from its one protected set of cells.

Per gemeente and year the protected set is (see docs/disclosure-control.md):

1. the wijk totals with the gemeente total (``canonical``: a controlled series);
2. wijk × breakdown for every breakdown (bron, aard, soort, relatie, kinderen, herhaald), with the
   wijk totals of (1) as fixed margins;
3. buurt × bron per wijk, with that wijk's bron row of (2) as fixed margins;
4. month × bron for the gemeente, with the gemeente's bron totals of (2) as fixed margins;
5. wijk × month totals, with the wijk totals of (1) and the month totals of (4) as fixed margins.

Every page, chart, map, factsheet, export, API answer and ``zicht aggregate`` table shows cells of
these tables (or percentages and rates computed from them); nothing else that counts reports
leaves Zicht. ``published_table`` serves ``zicht aggregate``; ``collect`` gathers every published
count with what it counts, for ``zicht disclosure-audit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import cube_for, wijken_of
from .disclosure import ControlledTable, Policy
from .figures import (
    DIMENSIONS,
    buurt_bron_table,
    canonical,
    gemeente_figures,
    gemeente_months,
    home_figures,
    period_for,
    wijk_figures,
    wijk_months,
)
from .tables import FigureTable

LEVELS = ("gemeente", "wijk", "buurt")
# (level, breakdowns) -> what the protected set holds. Anything else is refused by ``zicht aggregate``.
REACHABLE = (
    [(level, ()) for level in LEVELS]
    + [(level, (dim,)) for level in ("gemeente", "wijk") for dim in DIMENSIONS]
    + [("buurt", ("bron",)), ("gemeente", ("month",)), ("gemeente", ("month", "bron")), ("wijk", ("month",))]
)


class NotPublished(ValueError):
    """The requested combination is not part of the protected set."""


@dataclass
class PublishedTable:
    row_dims: list[str]
    table: ControlledTable  # row keys are tuples over row_dims
    base: dict  # what the whole table counts (the year)
    col_dim: str | None  # None: a single column "aantal" (counts of the rows themselves)


def published_table(gemeente, level: str, by: tuple[str, ...], year: int | None, policy: Policy) -> PublishedTable:
    """The controlled table ``zicht aggregate`` prints, taken from the protected set (never controlled anew)."""
    by = tuple(by)
    if (level, by) not in REACHABLE:
        raise NotPublished(
            f"{level} × {', '.join(by) or '(geen uitsplitsing)'} hoort niet bij de beschermde publicatieset; "
            "beschikbaar: " + "; ".join(f"--level {lv} --by {','.join(b)}" if b else f"--level {lv}" for lv, b in REACHABLE)
        )
    cube = cube_for(gemeente.code)
    period = period_for(cube, year)
    wijken = [w.code for w in wijken_of(gemeente.code)]
    canon = canonical(cube, gemeente.code, wijken, period.year, policy)
    base = {"year": period.year}
    gm = gemeente.code

    def table(rows, cols, cells, row_totals, col_totals, total):
        return ControlledTable(tuple(rows), tuple(cols), cells, row_totals, col_totals, total, policy)

    def single(rows, cells, total):
        return table(rows, ("aantal",), {(r, "aantal"): cells[r] for r in rows}, dict(cells), {"aantal": total}, total)

    if by and by[0] == "month":
        months = gemeente_months(cube, gm, canon, period, policy)
        if level == "gemeente" and by == ("month",):
            rows = [(gm, m) for m in period.months]
            return PublishedTable(
                ["gemeente", "month"], single(rows, {(gm, m): months.row_total(m) for m in period.months}, months.total), base, None
            )
        if level == "gemeente":
            rows = [(gm, m) for m in period.months]
            cells = {((gm, m), b): months.cell(m, b) for m in period.months for b in months.col_keys}
            return PublishedTable(
                ["gemeente", "month"],
                table(
                    rows,
                    months.col_keys,
                    cells,
                    {(gm, m): months.row_total(m) for m in period.months},
                    dict(months.col_totals),
                    months.total,
                ),
                base,
                "bron",
            )
        wm = wijk_months(cube, gm, canon, period, policy)
        cells = {((w,), m): wm.cell(w, m) for w in wijken for m in period.months}
        return PublishedTable(
            ["wijk"],
            table([(w,) for w in wijken], period.months, cells, {(w,): wm.row_total(w) for w in wijken}, dict(wm.col_totals), wm.total),
            base,
            "month",
        )
    if level == "gemeente":
        if not by:
            return PublishedTable(["gemeente"], single([(gm,)], {(gm,): canon.totals.total}, canon.totals.total), base, None)
        t = canon.by_dim[by[0]]
        cells = {((gm,), c): t.col_total(c) for c in t.col_keys}
        return PublishedTable(["gemeente"], table([(gm,)], t.col_keys, cells, {(gm,): t.total}, dict(t.col_totals), t.total), base, by[0])
    if level == "wijk":
        if not by:
            return PublishedTable(
                ["wijk"], single([(w,) for w in wijken], {(w,): canon.totals.cell(w) for w in wijken}, canon.totals.total), base, None
            )
        t = canon.by_dim[by[0]]
        cells = {((w,), c): t.cell(w, c) for w in wijken for c in t.col_keys}
        return PublishedTable(
            ["wijk"],
            table([(w,) for w in wijken], t.col_keys, cells, {(w,): t.row_total(w) for w in wijken}, dict(t.col_totals), t.total),
            base,
            by[0],
        )
    # buurt level: the buurt × bron tables of every wijk, one under the other
    g_bron = canon.by_dim["bron"]
    rows, cells, row_totals = [], {}, {}
    for w in wijken_of(gemeente.code):
        buurten = [b.code for b in w.buurten.order_by("code")]
        t = buurt_bron_table(cube, gm, canon, w.code, buurten, period, policy)
        for b in buurten:
            rows.append((b,))
            row_totals[(b,)] = t.row_total(b)
            for c in t.col_keys:
                cells[((b,), c)] = t.cell(b, c)
    if not by:
        return PublishedTable(["buurt"], single(rows, row_totals, canon.totals.total), base, None)
    return PublishedTable(
        ["buurt"], table(rows, g_bron.col_keys, cells, row_totals, dict(g_bron.col_totals), canon.totals.total), base, "bron"
    )


def aggregate_figure(gemeente, level: str, by: tuple[str, ...], year: int | None, policy: Policy) -> FigureTable:
    """A ``zicht aggregate`` table as a FigureTable with its grid (for the audit)."""
    from .tables import from_controlled_table, set_grid

    pub = published_table(gemeente, level, by, year, policy)
    fig = from_controlled_table(f"aggregate:{level}:{','.join(by)}", "zicht aggregate", level, pub.table, {}, {})  # i18n: not UI
    rows = []
    for key in pub.table.row_keys:
        f = {d: v for d, v in zip(pub.row_dims, key) if d != "gemeente"}
        rows.append(f)
    cols = [{} if pub.col_dim is None else {pub.col_dim: c} for c in pub.table.col_keys]
    return set_grid(fig, pub.base, rows, cols)


@dataclass
class Source:
    """One published table and where it is published."""

    where: str
    table: FigureTable


def collect(gemeente, policy: Policy, progress=None, extra: list[Source] | None = None) -> list[Source]:
    """Every table Zicht publishes about the gemeente, built by the functions pages, exports, API and CLI use.

    Pages, CSV/XLSX/PDF exports and the API all render ``gemeente_figures``/``wijk_figures``
    (maps and charts show cells of those tables); the home page renders ``home_figures``;
    ``zicht aggregate`` prints ``published_table``. ``extra`` lets a test add a table that is
    *not* published, to show the audit catches it.
    """
    from .data import cube_for as _cube

    sources: list[Source] = []
    home = home_figures(gemeente.code, policy)
    if home.figure is not None:
        sources.append(Source("home /", home.figure))
    cube = _cube(gemeente.code)
    years = period_for(cube, None).years
    wijken = list(wijken_of(gemeente.code).select_related("gemeente"))
    steps = len(years) * (1 + len(wijken) + len(REACHABLE))
    done = 0
    for year in years:
        fig = gemeente_figures(gemeente, year, policy)
        for t in fig.tables:
            sources.append(Source(f"/gebied/ {gemeente.code} {year}", t))
        done += 1
        for wijk in wijken:
            fig = wijk_figures(wijk, year, policy)
            for t in fig.tables:
                sources.append(Source(f"/gebied/wijk/{wijk.code}/ {year}", t))
            done += 1
            if progress:
                progress(done, steps)
        for level, by in REACHABLE:
            sources.append(
                Source(
                    f"zicht aggregate --level {level} --by {','.join(by)} --jaar {year}",
                    aggregate_figure(gemeente, level, by, year, policy),
                )
            )
            done += 1
        if progress:
            progress(done, steps)
    return sources + list(extra or [])
