"""Exact duplicate lines in one partner file: the first is loaded, the others are skipped and counted.

Why: an export that holds the same line twice (a join in the partner's query, a file pasted
after itself) would otherwise add a second, identical person to the record. Two *different*
lines with the same registratienummer stay what they are: the parties of one record.

A line is a duplicate when every cell equals the cell of an earlier line of the same file
(after CSV parsing: quoting does not matter, a space does). Lines are compared by a 64-bit
key: the hashes of their cells folded column by column (``line_key``; the column path folds
whole coded columns at once with numpy, ``column_keys``, which gives the same keys). The keys
are kept in sorted numpy runs (16 bytes per line, merged as they grow), so a file of
millions of lines costs tens of megabytes and a search per block, on both import paths.
"""

from __future__ import annotations

import numpy as np

MULTIPLIER = 0x100000001B3  # folds the cell hashes of a line (FNV's 64-bit prime)
MASK = (1 << 64) - 1
BUFFER = 65_536  # keys added one at a time (the row path) before they become a sorted run
MAX_NAMED = 5  # pairs named in the summary


def cell_hash(value) -> int:
    """64-bit hash of one cell (XLSX cells — numbers, dates — by their text; an empty cell is '')."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return hash(value) & MASK


def line_key(cells) -> int:
    """The key of one line: its cell hashes folded in column order."""
    key = 0
    for value in cells:
        key = ((key * MULTIPLIER) & MASK) ^ cell_hash(value)
    return key


def column_keys(columns, n: int) -> np.ndarray:
    """``line_key`` of ``n`` lines given column by column as (distinct values, index per line)."""
    keys = np.zeros(n, dtype=np.uint64)
    multiplier = np.uint64(MULTIPLIER)
    for values, codes in columns:
        hashes = np.fromiter(map(cell_hash, values), dtype=np.uint64, count=len(values))
        keys = (keys * multiplier) ^ hashes[codes]  # uint64 arithmetic wraps, as & MASK does
    return keys


class DuplicateLines:
    """The lines of one file seen so far; tells for each new line the row it duplicates (0: none)."""

    def __init__(self):
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, their first rows)
        self.buffer: dict[int, int] = {}
        self.count = 0
        self.pairs: list[tuple[int, int]] = []  # (row, row it repeats), the first MAX_NAMED

    def _earlier(self, keys: np.ndarray) -> np.ndarray:
        """Per key the row of an earlier line with that key, or 0."""
        found = np.zeros(len(keys), dtype=np.int64)
        for run_keys, run_rows in self.runs:
            pos = np.searchsorted(run_keys, keys)
            pos[pos == len(run_keys)] = 0
            hit = run_keys[pos] == keys
            found[hit] = run_rows[pos[hit]]
        if self.buffer:
            get = self.buffer.get
            extra = np.fromiter((get(int(k), 0) for k in keys), dtype=np.int64, count=len(keys))
            found = np.where(found != 0, found, extra)
        return found

    def first_rows(self, keys, numbers) -> np.ndarray:
        """For each line of a block (in file order): the row it duplicates, or 0; remembers the new ones."""
        keys = np.asarray(keys, dtype=np.uint64)
        numbers = np.asarray(numbers, dtype=np.int64)
        n = len(keys)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.ones(n, dtype=bool)
        starts[1:] = ordered[1:] != ordered[:-1]
        first_in_sorted = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        first_index = np.empty(n, dtype=np.int64)
        first_index[order] = order[first_in_sorted]  # per line: index of the first line of the block with its key
        is_first = first_index == np.arange(n)
        earlier = np.zeros(n, dtype=np.int64)
        earlier[is_first] = self._earlier(keys[is_first])
        original = np.where(earlier != 0, earlier, numbers)  # per first line: the row everyone with its key repeats
        reference = original[first_index]
        result = np.where(reference != numbers, reference, 0)
        new = is_first & (earlier == 0)
        if new.any():
            self._add_run(keys[new], numbers[new])
        self._note(numbers, result)
        return result

    def first_row(self, key: int, number: int) -> int:
        """One line (the row path): the row it duplicates, or 0."""
        earlier = self.buffer.get(key, 0)
        if not earlier and self.runs:
            earlier = int(self._earlier(np.array([key], dtype=np.uint64))[0])
        if earlier:
            self._note([number], [earlier])
            return earlier
        self.buffer[key] = number
        if len(self.buffer) >= BUFFER:
            keys = np.fromiter(self.buffer, dtype=np.uint64, count=len(self.buffer))
            rows = np.fromiter(self.buffer.values(), dtype=np.int64, count=len(self.buffer))
            self.buffer = {}
            self._add_run(keys, rows)
        return 0

    def _note(self, numbers, result) -> None:
        for number, first in zip(numbers, result):
            if first:
                self.count += 1
                if len(self.pairs) < MAX_NAMED:
                    self.pairs.append((int(number), int(first)))

    def _add_run(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.runs.append((keys[order], rows[order]))
        while len(self.runs) >= 2 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (k2, r2), (k1, r1) = self.runs.pop(), self.runs.pop()
            keys, rows = np.concatenate([k1, k2]), np.concatenate([r1, r2])
            order = np.argsort(keys, kind="stable")
            self.runs.append((keys[order], rows[order]))

    def summary(self) -> str:
        """'3 dubbele regels overgeslagen (rij 14 = rij 13, …)', or ''."""
        if not self.count:
            return ""
        named = ", ".join(f"rij {row} = rij {first}" for row, first in self.pairs)
        more = ", …" if self.count > len(self.pairs) else ""
        word = "dubbele regel" if self.count == 1 else "dubbele regels"
        return f"{self.count} {word} overgeslagen ({named}{more})"
