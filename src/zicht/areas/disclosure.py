"""Disclosure control: the one door every published figure goes through.

Why: counts of domestic-violence reports per buurt are about very few households; a
small number, or a total minus the other cells, can point at a family. Every figure
Zicht shows or exports is therefore *controlled* here first. Pure Python, no Django:
callers pass the policy (``zicht.areas.policy.default_policy()`` reads the settings).

Rules (``Policy``; defaults threshold 10, rounding base 5):

1. **Rounding.** Every published count is rounded to the nearest multiple of 5
   (0-2 down, 3-4 up). Totals are rounded from the raw total, so a total need not
   equal the sum of its rounded cells; pages say so.
2. **Primary suppression.** A count under the threshold (including 0, unless
   ``publish_zeros``) is not published; it shows as ``<10``.
3. **Secondary suppression.** A table is checked together with its row totals,
   column totals and grand total. Subtracting published figures must never give a
   suppressed cell back: no line (row with its total, column with its total) may
   hold exactly one suppressed cell, and more strictly no suppressed cell may be
   *determined* by the linear sum relations (in graph terms: every suppressed cell
   lies on a cycle of suppressed cells; a "bridge" would be recoverable). Where
   needed the next smallest cell (or a total) is suppressed too, iterating until
   stable. Secondarily suppressed cells show as ``×`` so that a reader cannot tell
   they are small.
4. **Percentages and rates** are computed from *published* (rounded) values, never
   from raw counts, and are suppressed together with their numerator or
   denominator.
5. **Reasons.** Every cell carries a status (``ok``, ``primary``, ``secondary``,
   ``missing``) and a Dutch reason that pages show on hover and to screen readers.

API::

    policy = Policy(threshold=10, rounding_base=5)
    table = control_table({("WK085517", "politie"): 23, ...}, policy=policy)
    table.cell("WK085517", "politie")     # Cell(value=25, status='ok', ...)
    table.row_total("WK085517"); table.col_total("politie"); table.total
    table.share("WK085517", "politie", of="row")   # Cell with a percentage
    series = control_series({"2024-01": 12, "2024-02": 4}, policy=policy)
    series.cell("2024-02").display                # '<10'
    rate(series.total, population=12_345, per=1000)  # reports per 1,000 inwoners
    # Linked tables: margins another table already published are passed as fixed.
    buurten = control_table(counts, fixed_col_totals={...: cell}, fixed_total=table.row_total("WK085517"))

A ``Cell`` never holds the raw count. See docs/disclosure-control.md.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from zicht.access.roles import N_

OK = "ok"
PRIMARY = "primary"
SECONDARY = "secondary"
MISSING = "missing"

SUPPRESSED_MARK = "×"
MISSING_MARK = "–"


# Below these, rounding and suppression stop protecting: with base 1 or 2 a rounded figure is
# (almost) the exact count, and differences of exact figures give suppressed cells back; a
# threshold under 5 publishes counts of one or two households. Settings below are refused.
MIN_THRESHOLD = 5
MIN_ROUNDING_BASE = 3


def policy_problems(threshold: int, rounding_base: int) -> list[str]:
    """Why a threshold/rounding base is refused (empty when acceptable); used at startup."""
    problems = []
    if threshold < MIN_THRESHOLD:
        problems.append(
            f"ZICHT_DISCLOSURE_THRESHOLD={threshold} is te laag: minimaal {MIN_THRESHOLD} "
            "(lagere drempels publiceren aantallen van één of twee huishoudens)"
        )
    if rounding_base < MIN_ROUNDING_BASE:
        problems.append(
            f"ZICHT_DISCLOSURE_ROUNDING={rounding_base} is te laag: minimaal {MIN_ROUNDING_BASE} "
            "(met afronding op 1 of 2 zijn onderdrukte cellen exact terug te rekenen uit verschillen)"
        )
    return problems


@dataclass(frozen=True)
class Policy:
    """The disclosure policy; a gemeente may raise threshold and base, never lower them below the minimum."""

    threshold: int = 10
    rounding_base: int = 5
    publish_zeros: bool = False

    def __post_init__(self):
        problems = policy_problems(self.threshold, self.rounding_base)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def primary_mark(self) -> str:
        return f"<{self.threshold}"

    def reason(self, status: str) -> str:
        if status == OK:
            if self.rounding_base > 1:
                return Reason(N_("Afgerond op een veelvoud van %(base)s."), base=self.rounding_base)
            return Reason(N_("Niet afgerond."))
        if status == PRIMARY:
            return Reason(
                N_(
                    "Minder dan %(threshold)s: niet getoond, zodat het getal niet naar personen of "
                    "huishoudens herleid kan worden (primaire onderdrukking)."
                ),
                threshold=self.threshold,
            )
        if status == SECONDARY:
            return Reason(
                N_(
                    "Niet getoond omdat anders via een totaal of een verschil een onderdrukt getal "
                    "terug te rekenen zou zijn (secundaire onderdrukking)."
                )
            )
        return Reason(NO_DATA)


class Reason(str):
    """Why a cell shows what it shows, as the Dutch sentence (what the API publishes, what compares
    equal and is cached) that also carries its catalogue message and numbers, so a page can put it
    into its own language when it shows the cell (``words``). Cells are cached across requests and
    languages, so a reason is never translated when the cell is made."""

    def __new__(cls, msgid: str, **params):
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid, self.params = msgid, params
        return self


def words(reason: str, gettext) -> str:
    """A cell's reason in the language of ``gettext`` (a plain string is shown as it is)."""
    if not isinstance(reason, Reason):
        return reason
    text = gettext(reason.msgid)
    return text % reason.params if reason.params else text


@dataclass(frozen=True)
class Cell:
    """A published figure: ``value`` is None when not published; ``display`` is what pages show."""

    value: float | None
    status: str
    reason: str
    display: str
    kind: str = "count"  # count | percentage | rate

    @property
    def suppressed(self) -> bool:
        return self.status in (PRIMARY, SECONDARY)

    @property
    def published(self) -> bool:
        return self.value is not None

    def __str__(self) -> str:
        return self.display


def round_to_base(value: int, base: int) -> int:
    """Round half up to a multiple of ``base`` (12 -> 10, 13 -> 15 with base 5)."""
    if base <= 1:
        return int(value)
    return (2 * int(value) + base) // (2 * base) * base


def _format_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _format_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def published_cell(raw: int, status: str, policy: Policy) -> Cell:
    """The public face of one count with the given status."""
    if status == OK:
        value = round_to_base(raw, policy.rounding_base)
        return Cell(value=value, status=OK, reason=policy.reason(OK), display=_format_int(value))
    if status == PRIMARY:
        return Cell(None, PRIMARY, policy.reason(PRIMARY), policy.primary_mark)
    return Cell(None, SECONDARY, policy.reason(SECONDARY), SUPPRESSED_MARK)


NO_DATA = N_("Geen gegevens beschikbaar.")


def missing_cell(reason: str = Reason(NO_DATA), kind: str = "count") -> Cell:
    return Cell(None, MISSING, reason, MISSING_MARK, kind)


def _is_primary(raw: int, policy: Policy) -> bool:
    if raw < 0:
        raise ValueError("counts cannot be negative")
    if raw == 0:
        return not policy.publish_zeros
    return raw < policy.threshold


# --- the suppression engine on an augmented matrix ------------------------------------
#
# The table with its margins is an (R+1) x (C+1) matrix whose last row holds the column
# totals and last column the row totals. With the signs of the margins flipped, every
# row and every column sums to zero; an unknown (suppressed) entry is then determined
# exactly iff it is a bridge in the bipartite graph rows-columns whose edges are the
# suppressed entries. We add suppressions until no line has exactly one and no bridge
# remains.


def _bridges(suppressed: set[tuple[int, int]], n_rows: int) -> list[tuple[int, int]]:
    """Suppressed entries that are bridges (determined by the sum relations)."""
    adj: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for r, c in suppressed:
        u, v = r, n_rows + c
        adj.setdefault(u, []).append((v, (r, c)))
        adj.setdefault(v, []).append((u, (r, c)))
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: list[tuple[int, int]] = []
    counter = 0
    for start in sorted(adj):
        if start in disc:
            continue
        disc[start] = low[start] = counter
        counter += 1
        stack = [(start, None, iter(adj[start]))]
        while stack:
            node, via, it = stack[-1]
            advanced = False
            for nxt, edge in it:
                if edge == via:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adj[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        bridges.append(via)
    return sorted(bridges)


class _Infeasible(Exception):
    """Fixed (already published) entries leave no free entry to suppress."""


def _bridges_small_side(mask: np.ndarray) -> list[tuple[int, int]]:
    """Bridges when one side has few nodes (≤ 8 columns): rows act as hyperedges on the columns.

    Every node has 0 or ≥ 2 suppressed entries here (the line rule ran first). An entry (r, c)
    is a bridge iff column c is not connected to r's other columns without row r. Rows with
    an identical column set keep each other connected, so only unique sets need checking.
    """
    n_cols = mask.shape[1]
    weights = 1 << np.arange(n_cols, dtype=np.int64)
    signatures = (mask.astype(np.int64) * weights).sum(axis=1)
    sigs, first, counts = np.unique(signatures, return_index=True, return_counts=True)
    members = {int(sig): [j for j in range(n_cols) if sig >> j & 1] for sig in sigs if sig}
    bridges = []
    for sig, row, count in zip(sigs.tolist(), first.tolist(), counts.tolist()):
        if sig == 0 or count > 1:
            continue
        parent = list(range(n_cols))

        def find(x, parent=parent):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for other, cols in members.items():
            if other == sig:
                continue
            root = find(cols[0])
            for c in cols[1:]:
                parent[find(c)] = root
        cols = members[sig]
        for c in cols:
            if all(find(c) != find(o) for o in cols if o != c):
                bridges.append((row, c))
    return bridges


def _find_bridges(suppressed: np.ndarray) -> list[tuple[int, int]]:
    n_rows, n_cols = suppressed.shape
    if n_cols <= 8:
        return _bridges_small_side(suppressed)
    if n_rows <= 8:
        return [(r, c) for c, r in _bridges_small_side(suppressed.T)]
    edges = list(zip(*np.nonzero(suppressed)))
    return _bridges({(int(r), int(c)) for r, c in edges}, n_rows)


# A secondary partner is known to be at least the threshold (else it would show "<10"); one that is
# barely above it cannot go down, so the primary cell it protects cannot go up (a "<10" next to a
# "×" that is truly 10 is pinned near 0 by the row total). Such partners are chosen last.
_NARROW_PARTNER_COST = 1e6


def _suppress(
    matrix: np.ndarray, primary: np.ndarray, fixed_published: np.ndarray | None = None, policy: Policy | None = None
) -> np.ndarray:
    """Secondary suppression until stable; returns the mask of all suppressed entries.

    ``fixed_published`` marks entries another table already published: they are never
    chosen. Vectorised over lines so that a 10,000-row table is controlled in milliseconds.
    """
    n_rows, n_cols = matrix.shape
    suppressed = primary.copy()
    # Cost of suppressing an entry: its value; margins cost half a unit more so that an
    # inner cell of equal size goes first (keeps the totals published where possible).
    cost = matrix.astype(float)
    cost[-1, :] += 0.5
    cost[:, -1] += 0.5
    if policy is not None:
        cost[(matrix >= policy.threshold) & (matrix < policy.threshold + policy.rounding_base)] += _NARROW_PARTNER_COST
    if fixed_published is not None:
        cost[fixed_published] = np.inf
    while True:
        changed = False
        for axis in (1, 0):
            hits = suppressed.sum(axis=axis)
            lonely = np.flatnonzero(hits == 1)
            if lonely.size == 0:
                continue
            masked = np.where(suppressed, np.inf, cost)
            if axis == 1:
                choice = masked[lonely, :]
                picks = choice.argmin(axis=1)
                if np.isinf(choice[np.arange(lonely.size), picks]).any():
                    raise _Infeasible
                suppressed[lonely, picks] = True
            else:
                choice = masked[:, lonely]
                picks = choice.argmin(axis=0)
                if np.isinf(choice[picks, np.arange(lonely.size)]).any():
                    raise _Infeasible
                suppressed[picks, lonely] = True
            changed = True
        if changed:
            continue
        bridges = _find_bridges(suppressed)
        if not bridges:
            return suppressed
        for r, c in bridges:
            if not suppressed[r, c]:
                continue
            # Close a 4-cycle (r,c)-(r,c2)-(r2,c2)-(r2,c) with the cheapest new entries.
            free = np.where(suppressed, 0.0, cost)
            total = free[r, :][None, :] + free + free[:, c][:, None]
            total[r, :] = np.inf
            total[:, c] = np.inf
            r2, c2 = np.unravel_index(int(np.argmin(total)), total.shape)
            if np.isinf(total[r2, c2]):
                raise _Infeasible
            suppressed[r, c2] = suppressed[r2, c2] = suppressed[r2, c] = True


_UNBOUNDED = 1e12  # "no upper bound" kept finite so that interval sums stay well defined


def _line_intervals(
    values: np.ndarray, sup: np.ndarray, prim: np.ndarray, signs: np.ndarray, policy: Policy
) -> list[tuple[int, float, float]]:
    """For one line (Σ signs·x = 0): the interval each suppressed entry keeps given the rest of the line.

    Published entries are known within their rounding (and are at least the threshold); a
    primary entry lies in [0, threshold-1], a secondary one is at least the threshold. Interval
    arithmetic over the single relation: what the attacker proves from this line alone.
    """
    t, b = policy.threshold, policy.rounding_base
    rounded = (2 * values + b) // (2 * b) * b
    lo = np.where(sup, np.where(prim, 0, t), np.maximum(rounded - b // 2, t)).astype(float)
    hi = np.where(sup, np.where(prim, t - 1, _UNBOUNDED), rounded + (b + 1) // 2 - 1).astype(float)
    if policy.publish_zeros:
        zero = ~sup & (values == 0)
        lo[zero] = hi[zero] = 0
    # signs·x: interval of each term
    term_lo = np.where(signs > 0, lo, -hi)
    term_hi = np.where(signs > 0, hi, -lo)
    out = []
    for k in np.flatnonzero(sup):
        rest_lo = term_lo.sum() - term_lo[k]
        rest_hi = term_hi.sum() - term_hi[k]
        # signs[k]·x_k = -(rest)  ->  x_k in signs[k]·[-rest_hi, -rest_lo]
        if signs[k] > 0:
            k_lo, k_hi = -rest_hi, -rest_lo
        else:
            k_lo, k_hi = rest_lo, rest_hi
        out.append((int(k), max(lo[k], k_lo), min(hi[k], k_hi)))
    return out


def _required(prim: bool, policy: Policy) -> int:
    """Whole numbers a suppressed entry must keep from one line alone: twice the base (or, for a
    primary entry, its whole range when smaller), so that combining lines still leaves the base."""
    if prim:
        return min(2 * policy.rounding_base, policy.threshold - (1 if policy.publish_zeros else 0))
    return 2 * policy.rounding_base


def _widen(
    matrix: np.ndarray, suppressed: np.ndarray, primary: np.ndarray, fixed_published: np.ndarray, policy: Policy, blocked: set | None = None
) -> np.ndarray:
    """Suppress more until no line alone narrows a suppressed entry below the rounding base.

    Why: rounding leaves little slack. A row whose published cells and total are rounded pins the
    sum of its suppressed cells within a few units, so a "<10" next to published figures can be
    proven to be 0–2 (issue 12). Where a line does that, its cheapest published entry (not one
    another table published) is suppressed too, and the line and bridge rules run again.
    ``zicht disclosure-audit`` checks all tables together with linear programming.

    ``blocked`` collects the fixed (elsewhere published) entries of lines that stay narrow because
    nothing else in them can be suppressed: the table above must suppress one of them
    (hierarchical repair, ``figures.canonical``).
    """
    n_rows, n_cols = matrix.shape
    cost = matrix.astype(float)
    cost[-1, :] += 0.5
    cost[:, -1] += 0.5
    cost[(matrix >= policy.threshold) & (matrix < policy.threshold + policy.rounding_base)] += _NARROW_PARTNER_COST
    cost[fixed_published] = np.inf
    signs_row = np.ones(n_cols, dtype=np.int64)
    signs_row[-1] = -1
    signs_col = np.ones(n_rows, dtype=np.int64)
    signs_col[-1] = -1
    for _ in range(n_rows * n_cols):
        added = False
        for axis in (1, 0):
            for line in range(n_rows if axis == 1 else n_cols):
                sl = (line, slice(None)) if axis == 1 else (slice(None), line)
                sup = suppressed[sl]
                if not sup.any():
                    continue
                signs = signs_row if axis == 1 else signs_col
                prim = primary[sl]
                narrow = [
                    k
                    for k, lo, hi in _line_intervals(matrix[sl], sup, prim, signs, policy)
                    if hi < _UNBOUNDED / 2 and math.floor(hi + 1e-9) - math.ceil(lo - 1e-9) + 1 < _required(bool(prim[k]), policy)
                ]
                if not narrow:
                    continue
                choice = np.where(sup, np.inf, cost[sl])
                k = int(np.argmin(choice))
                if not np.isfinite(choice[k]):
                    # Nothing left to suppress here: only the fixed margins pin the line. Report them,
                    # so that the table that published them suppresses one (see canonical).
                    if blocked is not None:
                        fixed_here = np.flatnonzero(fixed_published[sl] & ~sup)
                        blocked.update((line, int(j)) if axis == 1 else (int(j), line) for j in fixed_here)
                    continue
                if axis == 1:
                    suppressed[line, k] = True
                else:
                    suppressed[k, line] = True
                added = True
        if not added:
            return suppressed
        suppressed = _suppress(matrix, suppressed, fixed_published, policy)
    return suppressed


# --- public tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class ControlledTable:
    """A row × column table of controlled counts with controlled totals."""

    row_keys: tuple
    col_keys: tuple
    cells: Mapping[tuple, Cell]
    row_totals: Mapping[Hashable, Cell]
    col_totals: Mapping[Hashable, Cell]
    total: Cell
    policy: Policy = field(default_factory=Policy)
    # Fixed margins (("row", key), ("col", key), ("total",)) that another table published and that
    # pin a suppressed cell of this table: the other table must suppress one of them (``_widen``).
    blocked: frozenset = frozenset()

    def cell(self, row, col) -> Cell:
        return self.cells[(row, col)]

    def row_total(self, row) -> Cell:
        return self.row_totals[row]

    def col_total(self, col) -> Cell:
        return self.col_totals[col]

    def rows(self) -> list[tuple[Hashable, list[Cell], Cell]]:
        """For templates: ``[(row_key, [cells in column order], row total), ...]``."""
        return [(r, [self.cells[(r, c)] for c in self.col_keys], self.row_totals[r]) for r in self.row_keys]

    def totals_row(self) -> list[Cell]:
        return [self.col_totals[c] for c in self.col_keys]

    def all_cells(self) -> Iterable[Cell]:
        yield from self.cells.values()
        yield from self.row_totals.values()
        yield from self.col_totals.values()
        yield self.total

    @property
    def suppressed_count(self) -> int:
        return sum(1 for c in self.all_cells() if c.suppressed)

    def share(self, row, col, of: str = "row", decimals: int = 0) -> Cell:
        """Percentage of a cell in its row (``of='row'``) or column total, from published values."""
        whole = self.row_totals[row] if of == "row" else self.col_totals[col]
        return percentage(self.cells[(row, col)], whole, decimals=decimals)


@dataclass(frozen=True)
class ControlledSeries:
    """A one-dimensional controlled series (e.g. per month) with its total."""

    keys: tuple
    cells: Mapping[Hashable, Cell]
    total: Cell
    policy: Policy = field(default_factory=Policy)
    blocked: frozenset = frozenset()  # ("total",) when a fixed total pins a suppressed cell

    def cell(self, key) -> Cell:
        return self.cells[key]

    def items(self) -> list[tuple[Hashable, Cell]]:
        return [(k, self.cells[k]) for k in self.keys]

    def all_cells(self) -> Iterable[Cell]:
        yield from self.cells.values()
        yield self.total

    def share(self, key, decimals: int = 0) -> Cell:
        return percentage(self.cells[key], self.total, decimals=decimals)

    def share_total(self) -> Cell:
        """100% when the total is published (for the totals row of a share column)."""
        return percentage(self.total, self.total)


def _normalise(counts, row_keys, col_keys):
    if isinstance(counts, Mapping):
        data = {k: int(v) for k, v in counts.items()}
    else:  # iterable of (row, col, count)
        data = {}
        for r, c, v in counts:
            data[(r, c)] = data.get((r, c), 0) + int(v)
    if row_keys is None:
        row_keys = _ordered({r for r, _ in data})
    if col_keys is None:
        col_keys = _ordered({c for _, c in data})
    row_set, col_set = set(row_keys), set(col_keys)
    unknown = [k for k in data if k[0] not in row_set or k[1] not in col_set]
    if unknown:
        raise ValueError(f"{len(unknown)} cells fall outside the given row/column keys")
    return data, tuple(row_keys), tuple(col_keys)


def _ordered(keys: set) -> list:
    try:
        return sorted(keys)
    except TypeError:
        return sorted(keys, key=str)


def control_table(
    counts: Mapping[tuple, int] | Iterable[tuple],
    row_keys: Iterable | None = None,
    col_keys: Iterable | None = None,
    policy: Policy | None = None,
    *,
    fixed_row_totals: Mapping[Hashable, Cell] | None = None,
    fixed_col_totals: Mapping[Hashable, Cell] | None = None,
    fixed_total: Cell | None = None,
    also_suppress: Iterable[tuple] = (),
    also_suppress_row_totals: Iterable[Hashable] = (),
    also_suppress_col_totals: Iterable[Hashable] = (),
) -> ControlledTable:
    """Control a 2-D table of raw counts ``{(row, col): n}`` (missing cells are 0).

    ``row_keys``/``col_keys`` fix the order and include rows or columns without any
    count (a wijk without reports is a real zero, and is controlled like any cell).

    Linked tables: when a margin was already published by another table (a wijk total
    on the gemeente page is the grand total of that wijk's buurt table), pass it as
    ``fixed_*``: it is shown exactly as there, never changed, and the inner cells are
    protected around it. Should the fixed margins leave no free cell to protect a
    suppressed one, every non-fixed entry is suppressed (the safe fallback).
    """
    policy = policy or Policy()
    data, rows, cols = _normalise(counts, row_keys, col_keys)
    if not rows or not cols:
        empty = fixed_total or published_cell(0, PRIMARY if _is_primary(0, policy) else OK, policy)
        return ControlledTable(
            rows,
            cols,
            {},
            {r: (fixed_row_totals or {}).get(r, empty) for r in rows},
            {c: (fixed_col_totals or {}).get(c, empty) for c in cols},
            empty,
            policy,
        )
    n_r, n_c = len(rows), len(cols)
    row_index = {r: i for i, r in enumerate(rows)}
    col_index = {c: j for j, c in enumerate(cols)}
    matrix = np.zeros((n_r + 1, n_c + 1), dtype=np.int64)
    for (r, c), v in data.items():
        if v < 0:
            raise ValueError("counts cannot be negative")
        matrix[row_index[r], col_index[c]] = v
    matrix[:n_r, n_c] = matrix[:n_r, :n_c].sum(axis=1)
    matrix[n_r, :] = matrix[:n_r, :].sum(axis=0)
    if policy.publish_zeros:
        primary = (matrix > 0) & (matrix < policy.threshold)
    else:
        primary = matrix < policy.threshold
    fixed: dict[tuple[int, int], Cell] = {}
    for key, cell in (fixed_row_totals or {}).items():
        fixed[(row_index[key], n_c)] = cell
    for key, cell in (fixed_col_totals or {}).items():
        fixed[(n_r, col_index[key])] = cell
    if fixed_total is not None:
        fixed[(n_r, n_c)] = fixed_total
    fixed_published = np.zeros_like(primary)
    start = primary.copy()
    for r, c in also_suppress:  # entries the caller knows must not be published (see canonical)
        start[row_index[r], col_index[c]] = True
    for r in also_suppress_row_totals:
        start[row_index[r], n_c] = True
    for c in also_suppress_col_totals:
        start[n_r, col_index[c]] = True
    for (i, j), cell in fixed.items():
        start[i, j] = cell.suppressed
        fixed_published[i, j] = not cell.suppressed
    blocked_at: set[tuple[int, int]] = set()
    try:
        suppressed = _suppress(matrix, start, fixed_published, policy)
        suppressed = _widen(matrix, suppressed, primary, fixed_published, policy, blocked_at)
    except _Infeasible:
        suppressed = ~fixed_published
        blocked_at = set(zip(*map(lambda a: a.tolist(), np.nonzero(fixed_published))))
    status = np.where(primary, 1, np.where(suppressed, 2, 0))
    rounded = (
        (2 * matrix + policy.rounding_base) // (2 * policy.rounding_base) * policy.rounding_base if policy.rounding_base > 1 else matrix
    )
    by_value: dict[int, Cell] = {}
    special = {1: published_cell(0, PRIMARY, policy), 2: published_cell(0, SECONDARY, policy)}

    def to_cells(st: np.ndarray, values: np.ndarray) -> list[Cell]:
        out = []
        for code, value in zip(st.tolist(), values.tolist()):
            if code:
                out.append(special[code])
            else:
                cell = by_value.get(value)
                if cell is None:
                    cell = by_value[value] = Cell(value, OK, policy.reason(OK), _format_int(value))
                out.append(cell)
        return out

    inner = to_cells(status[:n_r, :n_c].ravel(), rounded[:n_r, :n_c].ravel())
    cells = dict(zip(((r, c) for r in rows for c in cols), inner))
    row_totals = dict(zip(rows, to_cells(status[:n_r, n_c], rounded[:n_r, n_c])))
    col_totals = dict(zip(cols, to_cells(status[n_r, :n_c], rounded[n_r, :n_c])))
    grand = to_cells(status[n_r:, n_c], rounded[n_r:, n_c])[0]
    for (i, j), cell in fixed.items():
        if i < n_r and j < n_c:
            cells[(rows[i], cols[j])] = cell
        elif i < n_r:
            row_totals[rows[i]] = cell
        elif j < n_c:
            col_totals[cols[j]] = cell
        else:
            grand = cell
    blocked = frozenset(
        ("total",)
        if (i, j) == (n_r, n_c)
        else ("row", rows[i])
        if j == n_c
        else ("col", cols[j])
        if i == n_r
        else ("cell", rows[i], cols[j])
        for i, j in blocked_at
    )
    return ControlledTable(rows, cols, cells, row_totals, col_totals, grand, policy, blocked)


def control_series(
    counts: Mapping[Hashable, int],
    keys: Iterable | None = None,
    policy: Policy | None = None,
    *,
    fixed_total: Cell | None = None,
    also_suppress: Iterable[Hashable] = (),
    suppress_total: bool = False,
) -> ControlledSeries:
    """Control a 1-D series ``{key: n}`` with its total (one column of a table).

    ``fixed_total``: the total as another table already published it (linked tables).
    """
    policy = policy or Policy()
    keys = tuple(keys) if keys is not None else tuple(_ordered(set(counts)))
    table = control_table(
        {(k, "n"): counts.get(k, 0) for k in keys},
        keys,
        ("n",),
        policy,
        fixed_col_totals={"n": fixed_total} if fixed_total is not None else None,
        also_suppress=[(k, "n") for k in also_suppress],
        also_suppress_col_totals=["n"] if suppress_total and fixed_total is None else [],
    )
    blocked = frozenset(("total",) for b in table.blocked if b[0] == "col")
    return ControlledSeries(keys, {k: table.cell(k, "n") for k in keys}, table.col_total("n"), policy, blocked)


def control_total(count: int, policy: Policy | None = None) -> Cell:
    """Control a single stand-alone count (e.g. a headline figure)."""
    policy = policy or Policy()
    return published_cell(int(count), PRIMARY if _is_primary(int(count), policy) else OK, policy)


def percentage(part: Cell, whole: Cell, decimals: int = 0) -> Cell:
    """``part`` as a percentage of ``whole``, both already controlled (published values only)."""
    if part.suppressed or whole.suppressed:
        return Cell(
            None,
            SECONDARY if not part.suppressed else part.status,
            Reason(N_("Percentage niet getoond omdat het aantal of het totaal waarop het berust is onderdrukt.")),
            SUPPRESSED_MARK,
            "percentage",
        )
    if part.value is None or not whole.value:
        return missing_cell(Reason(N_("Percentage niet te berekenen (geen totaal).")), "percentage")
    value = round(100.0 * part.value / whole.value, decimals)
    return Cell(
        value,
        OK,
        Reason(N_("Berekend uit de afgeronde aantallen.")),
        _format_number(value, decimals) + "%",
        "percentage",
    )


def rate(count: Cell, population: float | None, per: int = 1000, decimals: int = 1, min_population: float = 0) -> Cell:
    """``count`` per ``per`` inwoners, from the published (rounded) count; suppressed with it.

    Below ``min_population`` inwoners a rate is not meaningful (a handful of reports in a
    business park with 20 inhabitants gives thousands per 1,000) and is left out.
    """
    if count.suppressed:
        return Cell(
            None,
            count.status,
            Reason(N_("Niet getoond omdat het onderliggende aantal is onderdrukt.")),
            SUPPRESSED_MARK,
            "rate",
        )
    if population is None or population <= 0 or count.value is None:
        return missing_cell(Reason(N_("Inwonertal onbekend (CBS: geheim of niet beschikbaar).")), "rate")
    if population < min_population:
        return missing_cell(
            Reason(
                N_("Minder dan %(min)s inwoners: geen zinvol cijfer per %(per)s inwoners."), min=f"{min_population:g}", per=_format_int(per)
            ),
            "rate",
        )
    value = round(count.value * per / population, decimals)
    return Cell(
        value,
        OK,
        Reason(N_("Per %(per)s inwoners, berekend uit het afgeronde aantal en het CBS-inwonertal."), per=_format_int(per)),
        _format_number(value, decimals),
        "rate",
    )


def control_stacked(
    counts: Mapping[tuple, int],
    row_keys: Iterable,
    col_keys: Iterable,
    published: Mapping[tuple, Cell],
    published_row_totals: Mapping[Hashable, Cell] | None,
    policy: Policy | None = None,
) -> ControlledTable:
    """A table stacked from tables already published: a VT region's gemeenten × dimension.

    Every inner cell and row total is a cell another table already published (the gemeente
    page's column total and grand total), passed in ``published`` / ``published_row_totals``
    and shown exactly as there. Only the column totals and the grand total (the region's own
    figures) are new; they are controlled so that no suppressed gemeente cell becomes
    determined by the region's sums: a region total over a column with one lonely suppressed
    cell is suppressed too, and so on until every suppressed cell lies on a cycle (the rule of
    ``control_table``). ``counts`` are the raw counts (for the new totals and their cost).
    ``published_row_totals=None``: the rows have no published total (a gemeente × year trend);
    the row totals are then treated as unknown and never shown. A ``missing`` inner cell is a
    known zero (a category the gemeente's own table does not have).
    """
    policy = policy or Policy()
    rows, cols = tuple(row_keys), tuple(col_keys)
    n_r, n_c = len(rows), len(cols)
    matrix = np.zeros((n_r + 1, n_c + 1), dtype=np.int64)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            matrix[i, j] = int(counts.get((r, c), 0))
    matrix[:n_r, n_c] = matrix[:n_r, :n_c].sum(axis=1)
    matrix[n_r, :] = matrix[:n_r, :].sum(axis=0)
    start = np.zeros(matrix.shape, dtype=bool)
    fixed = np.zeros(matrix.shape, dtype=bool)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            start[i, j] = published[(r, c)].suppressed
            fixed[i, j] = not published[(r, c)].suppressed
        if published_row_totals is None:
            start[i, n_c] = True
        else:
            start[i, n_c] = published_row_totals[r].suppressed
            fixed[i, n_c] = not published_row_totals[r].suppressed
    margin = matrix[n_r, :]
    primary = (margin > 0) & (margin < policy.threshold) if policy.publish_zeros else margin < policy.threshold
    start[n_r, :] = primary
    try:
        suppressed = _suppress(matrix, start, fixed) if n_r and n_c else start
    except _Infeasible:
        suppressed = start | ~fixed
    col_totals = {}
    for j, c in enumerate(cols):
        status = PRIMARY if primary[j] else (SECONDARY if suppressed[n_r, j] else OK)
        col_totals[c] = published_cell(int(matrix[n_r, j]), status, policy)
    status = PRIMARY if primary[n_c] else (SECONDARY if suppressed[n_r, n_c] else OK)
    grand = published_cell(int(matrix[n_r, n_c]), status, policy)
    hidden = published_cell(0, SECONDARY, policy)
    row_totals = dict(published_row_totals) if published_row_totals is not None else {r: hidden for r in rows}
    return ControlledTable(rows, cols, {(r, c): published[(r, c)] for r in rows for c in cols}, row_totals, col_totals, grand, policy)
