"""The figures of a Veilig Thuis region: its gemeenten side by side, all from published cells.

A region table never counts anything new per gemeente: each gemeente row holds exactly the cells
that gemeente's own page publishes (its canonical set for the year, ``figures.canonical``), so a
region page cannot undo a gemeente page's suppression. Only the region's own totals are new, and
they go through ``disclosure.control_stacked``, which suppresses a region total where it would
give a suppressed gemeente cell back. The region's gemeenten are those of the year in question
(``zicht.geo.regions``): a merger changes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext

from zicht.access.roles import N_

from .data import cube_for, population, wijken_of
from .disclosure import Cell, Policy, control_stacked, missing_cell, percentage
from .figures import AARD_LABELS, BRON_LABELS, canonical, label, ordered, period_for, rate
from .recidive import load_episodes, published_window
from .risk import area_risk_profile
from .tables import FigureRow, FigureTable, cbs_cell, set_grid

ABSENT = N_("Komt in deze gemeente niet voor (niet in de tabel van de gemeente).")


@dataclass
class RegionFigures:
    code: str
    naam: str
    year: int
    years: list[int]
    gemeenten: list  # Gemeente rows of the region in ``year`` (loaded ones)
    missing: list[str]  # member codes without geography in this installation
    headline: dict
    tables: list[FigureTable]
    map_cells: dict = field(default_factory=dict)

    def table(self, table_id: str) -> FigureTable:
        return next(t for t in self.tables if t.id == table_id)


def _canons(gemeenten, years, policy):
    out = {}
    for g in gemeenten:
        cube = cube_for(g.code)
        codes = [w.code for w in wijken_of(g.code)]
        out[g.code] = (cube, {y: canonical(cube, g.code, codes, y, policy) for y in years})
    return out


def _breakdown(dim: str, labels: dict, title: str, gemeenten, canons, year: int, policy: Policy) -> FigureTable:
    cols = ordered({c for g in gemeenten for c in canons[g.code][1][year].columns[dim]}, labels)
    published, raw, row_totals = {}, {}, {}
    for g in gemeenten:
        cube, by_year = canons[g.code]
        canon = by_year[year]
        table = canon.by_dim[dim]
        counts = _raw(cube, canon, [dim], year)
        for c in cols:
            published[(g.code, c)] = table.col_total(c) if c in table.col_keys else missing_cell(gettext(ABSENT))
            raw[(g.code, c)] = counts.get((c,), 0)
        row_totals[g.code] = canon.totals.total
    controlled = control_stacked(raw, [g.code for g in gemeenten], cols, published, row_totals, policy)
    rows = [FigureRow(g.naam, [controlled.cell(g.code, c) for c in cols], controlled.row_total(g.code), code=g.code) for g in gemeenten]
    totals = FigureRow(gettext("Regio"), [controlled.col_total(c) for c in cols], controlled.total)
    table = FigureTable(
        dim,
        f"{gettext(title)}, {year}",
        gettext("Gemeente"),
        [label(labels, c) for c in cols],
        rows,
        totals,
        note=gettext(
            "Per gemeente dezelfde cellen als op de gemeentepagina; regiototalen onthullingsbeveiligd "
            "samen met die cellen (× waar een totaal een onderdrukte gemeentecel zou teruggeven)."
        ),
    )
    codes = tuple(g.code for g in gemeenten)
    return set_grid(table, {"year": year, "gemeente": codes}, [{"gemeente": c} for c in codes], [{dim: c} for c in cols])


def _start(year: int) -> date:
    return date(year, 1, 1)


RECIDIVE_WINDOW = 12


def recidive_stack(codes: list[str], policy: Policy, window: int = RECIDIVE_WINDOW, episodes_of=load_episodes):
    """(controlled region table gemeente × wel/geen, {code: WindowCells}, raw counts); the raw counts are
    never published: only the region totals come from them, through ``control_stacked``."""
    windows = {c: published_window(episodes_of(c), policy, window) for c in codes}
    raw = {(c, "wel"): windows[c].raw_wel for c in codes} | {(c, "geen"): windows[c].raw_geen for c in codes}
    published = {(c, "wel"): windows[c].wel for c in codes} | {(c, "geen"): windows[c].geen for c in codes}
    controlled = control_stacked(raw, codes, ("wel", "geen"), published, {c: windows[c].total for c in codes}, policy)
    return controlled, windows, raw


def recidive_table(gemeenten, policy: Policy, window: int = RECIDIVE_WINDOW, episodes_of=load_episodes) -> FigureTable:
    """Recidive within ``window`` months after a first registration, per gemeente side by side.

    Each gemeente row holds the cells of that gemeente's own recidive page (its overview table:
    addresses followed and the share with a next registration, ``recidive.published_window``); the
    region row's totals are new and go through ``control_stacked`` with those cells (the "wel" and
    "geen" cells each gemeente's table controlled), so no region total gives back a suppressed
    gemeente cell by differencing. The share is computed from published cells only.
    """
    controlled, windows, _ = recidive_stack([g.code for g in gemeenten], policy, window, episodes_of)
    rows = [FigureRow(g.naam, [windows[g.code].total, windows[g.code].share], code=g.code) for g in gemeenten]
    totals = FigureRow(gettext("Regio"), [controlled.total, percentage(controlled.col_total("wel"), controlled.total)])
    return FigureTable(
        "recidive",
        gettext("Recidive: adressen met een nieuwe registratie binnen %(window)s maanden na een eerste, per gemeente") % {"window": window},
        gettext("Gemeente"),
        [gettext("Adressen gevolgd"), gettext("Aandeel met nieuwe registratie binnen %(window)s maanden") % {"window": window}],
        rows,
        totals,
        note=gettext(
            "Alle eerste registraties sinds het begin van de gegevens die minstens %(window)s maanden gevolgd konden "
            "worden (definities: de recidivepagina). Per gemeente dezelfde cellen als op haar recidivepagina; de "
            "regiototalen zijn samen met die cellen beveiligd. Een adres dat naar een andere gemeente verhuist, wordt "
            "daar niet gevolgd."
        )
        % {"window": window},
    )


def region_figures(regio, gemeenten, missing: list[str], year: int | None, policy: Policy, gemeente_url=lambda code: None) -> RegionFigures:
    """The region page's tables for ``year`` (default: the newest year any member gemeente has)."""
    all_years = sorted({y for g in gemeenten for y in period_for(cube_for(g.code), None).years})
    if year not in all_years:
        year = all_years[-1] if all_years else period_for(cube_for(gemeenten[0].code), None).year if gemeenten else 0
    years = all_years or [year]
    canons = _canons(gemeenten, years, policy)
    codes = [g.code for g in gemeenten]
    pops = population(codes)

    # Meldingen per gemeente (its own published total) with the region total.
    totals = {g.code: canons[g.code][1][year].totals.total for g in gemeenten}
    raw_totals = {(c, "n"): _raw(canons[c][0], canons[c][1][year], [], year).get((), 0) for c in codes}
    t = control_stacked(raw_totals, codes, ["n"], {(c, "n"): totals[c] for c in codes}, {c: totals[c] for c in codes}, policy)
    region_total = t.col_total("n")
    region_pop = sum(v[0] for v in pops.values()) if pops else None
    rate_rows = []
    for g in gemeenten:
        pop = pops.get(g.code, (None, None))[0]
        rate_rows.append(
            FigureRow(
                g.naam, [totals[g.code], cbs_cell(pop, "aantal", "CBS"), rate(totals[g.code], pop)], url=gemeente_url(g.code), code=g.code
            )
        )
    t_rate = FigureTable(
        "per1000",
        gettext("Meldingen per 1.000 inwoners per gemeente, %(year)s") % {"year": year},
        gettext("Gemeente"),
        [gettext("Meldingen"), gettext("Inwoners (CBS)"), gettext("Per 1.000 inwoners")],
        rate_rows,
        FigureRow(gettext("Regio"), [region_total, cbs_cell(region_pop, "aantal", "CBS"), rate(region_total, region_pop)]),
        note=gettext("Gemeentecijfers zoals op de gemeentepagina; de regiototaal is samen met die cellen beveiligd."),
    )

    # Trend: gemeente × year, each cell the gemeente's published year total.
    published = {(c, y): canons[c][1][y].totals.total for c in codes for y in years}
    raw = {(c, y): _raw(canons[c][0], canons[c][1][y], [], y).get((), 0) for c in codes for y in years}
    trend = control_stacked(raw, codes, years, published, None, policy)
    t_trend = FigureTable(
        "jaren",
        gettext("Meldingen per gemeente en jaar"),
        gettext("Gemeente"),
        [str(y) for y in years],
        [FigureRow(g.naam, [trend.cell(g.code, y) for y in years], code=g.code) for g in gemeenten],
        FigureRow(gettext("Regio"), [trend.col_total(y) for y in years]),
        note=gettext("Het lopende jaar kan onvolledig zijn. Gemeentegrenzen en regio-indeling van het gekozen jaar."),
    )

    # What each count counts, for ``zicht disclosure-audit --regio`` (region totals: the tuple of gemeenten).
    set_grid(t_rate, {"year": year, "gemeente": tuple(codes)}, [{"gemeente": c} for c in codes], [{}, None, None])
    set_grid(t_trend, {"gemeente": tuple(codes)}, [{"gemeente": c} for c in codes], [{"year": y} for y in years])
    tables = [
        t_rate,
        t_trend,
        _breakdown("bron", BRON_LABELS, N_("Meldingen naar bron per gemeente"), gemeenten, canons, year, policy),
        _breakdown("aard", AARD_LABELS, N_("Meldingen naar aard van het geweld per gemeente"), gemeenten, canons, year, policy),
        recidive_table(gemeenten, policy),
        risk_table(gemeenten),
    ]
    repeat = [canons[c][1][year].by_dim["repeat"] for c in codes]
    headline = {
        "meldingen": region_total,
        "per1000": rate(region_total, region_pop),
        "inwoners": cbs_cell(region_pop, "aantal", "CBS"),
        "gemeenten": len(gemeenten),
        "herhaald_per_gemeente": {c: percentage(r.col_total("herhaald"), r.total) for c, r in zip(codes, repeat, strict=True)},
    }
    return RegionFigures(
        regio.code, regio.naam, year, years, gemeenten, missing, headline, tables, {row.code: row.cells[2] for row in rate_rows}
    )


def _raw(cube, canon, dims: list[str], year: int) -> dict[tuple, int]:
    """Raw counts by ``dims`` over the gemeente's wijken, as its canonical set counts them (reports
    without a wijk are not in the gemeente's figures either). Never published: only the region's
    totals are computed from them, through control_stacked."""
    out: dict[tuple, int] = {}
    wijken = set(canon.wijken)
    for key, n in cube.counts(["wijk", *dims], start=_start(year), end=_start(year + 1)).items():
        if key[0] in wijken:
            out[key[1:]] = out.get(key[1:], 0) + n
    return out


def risk_table(gemeenten) -> FigureTable:
    """The risk-factor profile side by side: public CBS figures per gemeente (no registry counts)."""
    profiles = {g.code: area_risk_profile(g.code) for g in gemeenten}
    factors = []
    for scores in profiles.values():
        for s in scores:
            if (s.label, s.indicator_label, s.unit) not in factors:
                factors.append((s.label, s.indicator_label, s.unit))
    rows = []
    for g in gemeenten:
        by = {(s.label, s.indicator_label, s.unit): s for s in profiles[g.code]}
        cells: list[Cell] = []
        for f in factors:
            s = by.get(f)
            cells.append(cbs_cell(s.value if s else None, f[2], f"CBS {s.year}" if s and s.year else "CBS"))
        rows.append(FigureRow(g.naam, cells, code=g.code))
    return FigureTable(
        "risico",
        gettext("Risicofactoren per gemeente (CBS)"),
        gettext("Gemeente"),
        [f"{name} ({unit})" if unit else name for name, _, unit in factors],
        rows,
        note=gettext("Openbare CBS-kerncijfers op gemeenteniveau; geen registercijfers."),
    )
