"""Column-wise checking of a block of rows with the row checker's own rules.

Why: a 2.5-million-row export cannot be checked one Python call per cell in 30 seconds,
but its columns repeat themselves (a few thousand dates, a handful of codes, one postcode
per address). ``ColumnChecker`` therefore works on *coded* columns — the distinct values
of a column and, per row, the index of its value (``Coded``) — runs each of
``RowChecker``'s converters once per distinct value, runs the cross-field rules (dates
against each other, address assembly, name parts) once per distinct combination, and
does the per-row work (marking rows, spreading results) with numpy on the indices.
Blocks arrive either as rows of cells (the csv module's reader: coded here in Python) or
as a pyarrow table (``readers.CsvRows.table_blocks``: coded by pyarrow's
``dictionary_encode``, in C).

It never decides a reject itself. It only marks the rows it can prove clean — every rule
of ``RowChecker.check`` passes — and hands their normalised values on; every other row
goes back to ``RowChecker.check`` (the specification), which writes the rejects. So the
rejects are the row checker's by construction, and for clean rows the equivalence tests
(tests/test_columns.py) hold the values to what ``RowChecker.check`` produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import compress
from operator import ne

import numpy as np

from .dates import DateError
from .rows import _ADDRESS_FIELDS, FieldError, Record, RowChecker, _IncompleteAddress

_ABSENT = object()  # the cell is empty: the target is not in the row checker's ``values``
_BAD = object()  # the converter raised: the row checker rejects this row
_INCOMPLETE = object()  # address parts given but no postcode or huisnummer (row kept, no address)
_NAME_TARGETS = ("person.naam", "person.voornamen", "person.voorletters", "person.tussenvoegsel", "person.achternaam")
# What RowChecker.check puts in a Record when the target has no value.
_RECORD_DEFAULTS = {
    "kind": "",
    "datum": None,
    "aard": "onbekend",
    "vormen": (),
    "relatie": "onbekend",
    "kinderen_aanwezig": None,
    "letsel": None,
    "wapen": None,
    "huisverbod": None,
    "hoedanigheid_melder": "",
    "categorie": "",
    "toelichting": "",
    "contact_medewerker": "",
    "contact_telefoon": "",
}
_MISS = object()  # not in a cache yet
_FAR = 10**8  # ordinal sentinel: later or earlier than every real date
CACHE_LIMIT = 200_000  # distinct values remembered per column or rule across blocks


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of ``values`` (tuples stay whole: np.array would make them a dimension)."""
    return np.fromiter(values, dtype=object, count=len(values))


@dataclass
class Coded:
    """One column of a block: its distinct ``values`` and, per row, the index of its value."""

    values: list
    codes: np.ndarray

    @classmethod
    def encode(cls, cells) -> Coded:
        """Codes a sequence of cells in Python (rows from the csv module)."""
        index: dict = {}
        setdefault = index.setdefault  # measured faster than dict.fromkeys + a lookup per cell
        codes = np.fromiter((setdefault(c, len(index)) for c in cells), dtype=np.int64, count=len(cells))
        return cls(list(index), codes)

    @classmethod
    def constant(cls, value, n: int) -> Coded:
        return cls([value], np.zeros(n, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.codes)

    def with_values(self, values: list) -> Coded:
        """The same rows with each distinct value replaced (by position)."""
        return Coded(values, self.codes)

    def rows(self) -> list:
        """The value of every row, as a list (objects shared between rows with the same value)."""
        if len(self.values) == 1:
            return [self.values[0]] * len(self.codes)
        return _objects(self.values)[self.codes].tolist()

    def where(self, test) -> np.ndarray:
        """Boolean per row: ``test(value)`` evaluated once per distinct value."""
        hits = np.fromiter(map(test, self.values), dtype=bool, count=len(self.values))
        if not hits.any():
            return np.zeros(len(self.codes), dtype=bool)
        return hits[self.codes]

    def has(self, sentinel) -> bool:
        return any(v is sentinel for v in self.values)


def combine(columns: list[Coded], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct combinations of several coded columns: (first row of each combination, the
    combination of every row). Codes are merged two at a time and renumbered, so the key
    never outgrows 64 bits whatever the columns' sizes."""
    key = np.zeros(n, dtype=np.int64)
    for column in columns:
        key = key * len(column.values) + column.codes
        _, key = np.unique(key, return_inverse=True)
        key = key.astype(np.int64, copy=False).reshape(-1)
    first_of, inverse = np.unique(key, return_index=True, return_inverse=True)[1:]
    return first_of, inverse.reshape(-1)


@dataclass
class Block:
    """One block of rows, checked. Lists are per row; values of rows that are not clean are meaningless."""

    numbers: list[int]
    cells: list[list]  # or any sequence of rows (readers.TableRows): read only for rows that are not clean
    record_ids: list[str]  # stripped, '' when missing (as the pipeline groups rows)
    clean: bytearray  # 1: RowChecker.check accepts this row unchanged
    records: list[tuple]  # Record fields, in Record._fields order
    rol: list
    bsn: list
    voornamen: list
    voorletters: list
    tussenvoegsel: list
    achternaam: list
    geboortedatum: list
    geslacht: list
    address: list  # AddressData or None
    incomplete: list  # bool

    def __len__(self) -> int:
        return len(self.numbers)


class ColumnChecker:
    """Applies a RowChecker's rules to a block of CSV rows column by column."""

    def __init__(self, checker: RowChecker):
        self.checker = checker
        self.profile = checker.profile
        self.columns = {target: index for target, index, _ in checker.steps}
        self.converters = {target: convert for target, _, convert in checker.steps}
        self.used = sorted({checker.record_index, *self.columns.values()})  # column indices read
        self._caches: dict[str, dict] = {}

    # -- entry points ---------------------------------------------------------------------
    def check(self, numbers: list[int], cells: list[list]) -> Block:
        """A block as rows of cells (str; None for the cells of a short row)."""
        n = len(cells)
        if n and min(map(len, cells)) >= self.checker.width:
            transposed = list(zip(*cells))  # one pass over the rows (tuples per column)
            coded = {i: Coded.encode(transposed[i]) for i in self.used}
        else:  # short rows: missing cells are None, as in RowChecker.check
            coded = {i: Coded.encode([c[i] if i < len(c) else None for c in cells]) for i in self.used}
        return self._check(list(numbers), cells, coded, n)

    def check_coded(self, numbers: list[int], rows, coded: dict[int, Coded]) -> Block:
        """A block already coded per column (``self.used`` indices); ``rows`` gives a row's cells."""
        return self._check(list(numbers), rows, coded, len(numbers))

    # -- per column -----------------------------------------------------------------------
    def _cache(self, name: str) -> dict:
        """The results kept for ``name`` across blocks (converters and cross-field rules are pure
        for one checker); emptied when it outgrows CACHE_LIMIT, so free-text columns cannot grow it."""
        cache = self._caches.setdefault(name, {})
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        return cache

    def _converted(self, column: Coded, target: str) -> Coded:
        """The converter once per distinct cell."""
        convert = self.converters[target]
        cache = self._cache(target)
        out = []
        for cell in column.values:
            result = cache.get(cell, _MISS)
            if result is not _MISS:
                out.append(result)
                continue
            text = cell.strip() if cell is not None else ""
            if not text:
                result = _ABSENT
            else:
                try:
                    result = convert(text)
                except (FieldError, DateError):
                    result = _BAD
            cache[cell] = result
            out.append(result)
        return column.with_values(out)

    def _value(self, target: str, converted: dict, n: int) -> tuple[Coded, bool]:
        """What ``values.get(target)`` holds per row (constants and profile defaults applied),
        and whether any row lacks a value."""
        checker = self.checker
        if target in checker.fixed:
            return Coded.constant(checker.fixed[target], n), False
        default = checker.defaults.get(target, _ABSENT)
        if target not in converted:
            return Coded.constant(default, n), default is _ABSENT
        column = converted[target]
        if not column.has(_ABSENT):
            return column, False
        if default is _ABSENT:
            return column, True
        return column.with_values([default if v is _ABSENT else v for v in column.values]), False

    # -- one block ------------------------------------------------------------------------
    def _check(self, numbers: list[int], rows, coded: dict[int, Coded], n: int) -> Block:
        checker = self.checker
        bad = np.zeros(n, dtype=bool)

        raw_ids = coded[checker.record_index]
        ids = raw_ids.with_values([str(c).strip() if c is not None else "" for c in raw_ids.values])
        bad |= ids.where(lambda r: not r or len(r) > 80)
        record_ids = ids.rows()

        converted = {target: self._converted(coded[index], target) for target, index in self.columns.items()}
        for column in converted.values():
            if column.has(_BAD):
                bad |= column.where(lambda v: v is _BAD)
        values: dict[str, Coded] = {}
        gaps: set[str] = set()  # targets that some row has no value for
        for target in set(converted) | set(checker.fixed) | set(checker.defaults):
            values[target], missing = self._value(target, converted, n)
            if missing:
                gaps.add(target)

        # Required fields, a kind and a role: RowChecker rejects a row without them.
        for target in {*checker.required, "report.kind", "party.rol"}:
            if target not in values:
                bad[:] = True
            elif target in gaps:
                bad |= values[target].where(lambda v: v is _ABSENT)

        self._check_dates(values, n, bad)
        address, incomplete = self._addresses(values, n, bad)
        names = self._names(values, n)

        def plain(target: str, fallback) -> Coded:
            column = values.get(target)
            if column is None:
                return Coded.constant(fallback, n)
            if target in gaps:
                return column.with_values([fallback if v is _ABSENT else v for v in column.values])
            return column

        records = _records([plain(f"report.{name}", _RECORD_DEFAULTS[name]) for name in Record._fields], n)
        rol = values["party.rol"].rows() if "party.rol" in values else [None] * n
        clean = bytearray((~bad).view(np.uint8).tobytes())
        return Block(
            numbers=numbers,
            cells=rows,
            record_ids=record_ids,
            clean=clean,
            records=records,
            rol=rol,
            bsn=plain("person.bsn", "").rows(),
            voornamen=names[0],
            voorletters=names[1],
            tussenvoegsel=names[2],
            achternaam=names[3],
            geboortedatum=plain("person.geboortedatum", None).rows(),
            geslacht=plain("person.geslacht", "").rows(),
            address=address,
            incomplete=incomplete,
        )

    # -- cross-field rules ----------------------------------------------------------------
    def _check_dates(self, values: dict, n: int, bad: np.ndarray) -> None:
        """``DateRules`` (the row checker's): each date once per distinct value, birth against
        record date on day numbers (``latest_birth`` once per distinct record date)."""
        rules = self.checker.date_rules
        datum = values.get("report.datum")
        dob = values.get("person.geboortedatum")
        if datum is not None:
            bad |= datum.where(lambda v: v.__class__ is date and rules.datum_reason(v) is not None)
        if dob is None:
            return
        bad |= dob.where(lambda v: v.__class__ is date and rules.birth_reason(v) is not None)
        if datum is None:
            return
        datum_ord = np.fromiter(
            (rules.latest_birth(v).toordinal() if v.__class__ is date else _FAR for v in datum.values),
            dtype=np.int64,
            count=len(datum.values),
        )
        dob_ord = np.fromiter((v.toordinal() if v.__class__ is date else -_FAR for v in dob.values), dtype=np.int64, count=len(dob.values))
        bad |= dob_ord[dob.codes] > datum_ord[datum.codes]

    def _per_combination(self, rule: str, targets: list[str], values: dict, n: int, compute) -> tuple[list, np.ndarray]:
        """``compute(key)`` once per distinct combination of the targets' values (kept across blocks
        under ``rule``): the results, and per row the index of its result."""
        columns = [values[t] for t in targets]
        if columns:
            first, which = combine(columns, n)
            keys = list(zip(*(_objects(c.values)[c.codes[first]].tolist() for c in columns)))
        else:
            keys, which = [()], np.zeros(n, dtype=np.int64)
        cache = self._cache(rule + ":" + ",".join(targets))
        out = []
        for key in keys:
            result = cache.get(key, _MISS)
            if result is _MISS:
                result = cache[key] = compute(key)
            out.append(result)
        return out, which

    def _addresses(self, values: dict, n: int, bad: np.ndarray) -> tuple[list, list]:
        """RowChecker._address once per distinct combination of address values."""
        checker = self.checker
        if not checker.has_address:
            return [None] * n, [False] * n
        targets = [t for t in _ADDRESS_FIELDS if t in values]

        def address(key: tuple):
            if _BAD in key:
                return _BAD  # already marked; RowChecker skips the address then
            try:
                return checker._address({t: v for t, v in zip(targets, key) if v is not _ABSENT})
            except _IncompleteAddress:
                return _INCOMPLETE
            except FieldError:
                return _BAD

        out, which = self._per_combination("address", targets, values, n, address)
        column = Coded(out, which)
        if column.has(_BAD):
            bad |= column.where(lambda v: v is _BAD)
        incomplete = column.with_values([v is _INCOMPLETE for v in out]).rows()
        address = column.with_values([None if v is _INCOMPLETE or v is _BAD else v for v in out]).rows()
        return address, incomplete

    def _names(self, values: dict, n: int) -> tuple[list, list, list, list]:
        """RowChecker._person's name parts once per distinct combination of name values."""
        checker = self.checker
        targets = [t for t in _NAME_TARGETS if t in values]
        # Without a full-name column the surname is passed through unchanged: keep it out of the key.
        passthrough = not checker.has_fullname and "person.achternaam" in targets
        key_targets = [t for t in targets if not (passthrough and t == "person.achternaam")]

        def name_parts(key: tuple) -> tuple:
            person = checker._person({t: v for t, v in zip(key_targets, key) if v is not _ABSENT and v is not _BAD})
            return person.voornamen, person.voorletters, person.tussenvoegsel, person.achternaam

        out, which = self._per_combination("names", key_targets, values, n, name_parts)
        voornamen, voorletters, tussenvoegsel, achternaam = (Coded([r[k] for r in out], which).rows() for k in range(4))
        if passthrough:
            column = values["person.achternaam"]
            achternaam = column.with_values(["" if v is _ABSENT or v is _BAD else v for v in column.values]).rows()
        return voornamen, voorletters, tussenvoegsel, achternaam


def _records(fields: list[Coded], n: int) -> list[tuple]:
    """One Record tuple per row, built only where a record-level value changes from the row
    before (the rows of one record repeat them) and shared by the rows up to the next change."""
    if not n:
        return []
    changed = np.zeros(n, dtype=bool)
    changed[0] = True
    for column in fields:
        if len(column.values) > 1:
            changed[1:] |= column.codes[1:] != column.codes[:-1]
    starts = np.flatnonzero(changed)
    picked = [_objects(c.values)[c.codes[starts]].tolist() for c in fields]
    tuples = _objects(list(zip(*picked)))
    if len(starts) == n:
        return tuples.tolist()
    lengths = np.diff(np.append(starts, n))
    return np.repeat(tuples, lengths).tolist()


def runs(record_ids: list[str]) -> list[int]:
    """Start index of every run of consecutive rows with the same record id."""
    n = len(record_ids)
    if not n:
        return []
    return [0, *compress(range(1, n), map(ne, record_ids[1:], record_ids[:-1]))]
