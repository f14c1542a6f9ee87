"""Column-wise checking of a block of rows with the row checker's own rules.

Why: a 2.5-million-row export cannot be checked one Python call per cell in 30 seconds,
but its columns repeat themselves (a few thousand dates, a handful of codes, one postcode
per address). ``ColumnChecker`` therefore runs each of ``RowChecker``'s converters once
per *distinct* cell value and spreads the result over the column, and runs the
cross-field rules (dates against each other, address assembly, name parts) once per
distinct combination.

It never decides a reject itself. It only marks the rows it can prove clean — every rule
of ``RowChecker.check`` passes — and hands their normalised values on; every other row
goes back to ``RowChecker.check`` (the specification), which writes the rejects. So the
rejects are the row checker's by construction, and for clean rows the equivalence tests
(tests/test_columns.py) hold the values to what ``RowChecker.check`` produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain, compress, repeat
from operator import ne, sub

from .dates import DateError
from .rows import _ADDRESS_FIELDS, PRENATAL_DAYS, FieldError, Record, RowChecker, _IncompleteAddress

_ABSENT = object()  # the cell is empty: the target is not in the row checker's ``values``
_BAD = object()  # the converter raised: the row checker rejects this row
_INCOMPLETE = object()  # address parts given but no postcode or huisnummer (row kept, no address)
_NAME_TARGETS = ("person.naam", "person.voornamen", "person.voorletters", "person.tussenvoegsel", "person.achternaam")
# What RowChecker.check puts in a Record when the target has no value.
_RECORD_DEFAULTS = {
    "kind": "", "datum": None, "aard": "onbekend", "vormen": (), "relatie": "onbekend", "kinderen_aanwezig": None,
    "letsel": None, "wapen": None, "huisverbod": None, "hoedanigheid_melder": "", "categorie": "",
    "toelichting": "", "contact_medewerker": "", "contact_telefoon": "",
}
_FAR = 10**8  # ordinal sentinel: later or earlier than every real date
CACHE_LIMIT = 200_000  # distinct values remembered per column or rule across blocks
_FLIP = bytes([1, 0]) + bytes(254)  # bad (1) → clean (0) and back, for bytes.translate


@dataclass
class Block:
    """One block of rows, checked. Lists are per row; values of rows that are not clean are meaningless."""

    numbers: list[int]
    cells: list[list]
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
    """Applies a RowChecker's rules to a block of CSV rows (lists of str) column by column."""

    def __init__(self, checker: RowChecker):
        self.checker = checker
        self.profile = checker.profile
        self.columns = {target: index for target, index, _ in checker.steps}
        self.converters = {target: convert for target, _, convert in checker.steps}
        self._caches: dict[str, dict] = {}

    # -- per column -----------------------------------------------------------------------
    def _cache(self, name: str) -> dict:
        """The results kept for ``name`` across blocks (converters and cross-field rules are pure
        for one checker); emptied when it outgrows CACHE_LIMIT, so free-text columns cannot grow it."""
        cache = self._caches.setdefault(name, {})
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        return cache

    def _converted(self, cells: tuple, target: str) -> tuple[list, set]:
        """The converter once per distinct cell: (per-row values, ids of the outcomes in this block)."""
        convert = self.converters[target]
        cache = self._cache(target)
        distinct = set(cells)
        for cell in distinct.difference(cache):
            text = cell.strip() if cell is not None else ""
            if not text:
                cache[cell] = _ABSENT
                continue
            try:
                cache[cell] = convert(text)
            except (FieldError, DateError):
                cache[cell] = _BAD
        outcomes = set(map(id, map(cache.__getitem__, distinct)))
        return list(map(cache.__getitem__, cells)), outcomes

    def _value(self, target: str, converted: dict, n: int) -> tuple[list, bool]:
        """What ``values.get(target)`` holds per row (constants and profile defaults applied),
        and whether any row lacks a value (without scanning the column)."""
        checker = self.checker
        if target in checker.fixed:
            return list(repeat(checker.fixed[target], n)), False
        default = checker.defaults.get(target, _ABSENT)
        if target not in converted:
            return list(repeat(default, n)), default is _ABSENT
        column, outcomes = converted[target]
        if id(_ABSENT) not in outcomes:
            return column, False
        if default is _ABSENT:
            return column, True
        return [default if v is _ABSENT else v for v in column], False

    # -- one block ------------------------------------------------------------------------
    def check(self, numbers: list[int], cells: list[list]) -> Block:
        checker = self.checker
        n = len(cells)
        width = checker.width
        used = {checker.record_index, *self.columns.values()}
        if n and min(map(len, cells)) >= width:
            columns = dict(enumerate(zip(*cells)))  # one pass over the rows (tuples per column)
        else:  # short rows: missing cells are None, as in check()
            columns = {i: [c[i] if i < len(c) else None for c in cells] for i in used}
        bad = bytearray(n)

        def mark(rows) -> None:
            for i in rows:
                bad[i] = 1

        rid_cells = columns[checker.record_index]
        rid_cache = {c: (str(c).strip() if c is not None else "") for c in set(rid_cells)}
        record_ids = list(map(rid_cache.__getitem__, rid_cells))
        if any(not r or len(r) > 80 for r in rid_cache.values()):
            mark(i for i, r in enumerate(record_ids) if not r or len(r) > 80)

        # Record-level cells repeat on every row of a record: convert them only where any of them
        # changes from the row before, and spread the result over the rows up to the next change.
        record_level = [t for t in self.columns if t.startswith("report.")]
        change = _changes([columns[self.columns[t]] for t in record_level], n)
        lengths = list(map(sub, [*change[1:], n], change))
        converted = {}
        for target, index in self.columns.items():
            if target in record_level and len(change) < n:
                column, outcomes = self._converted(list(map(columns[index].__getitem__, change)), target)
                converted[target] = (_spread(column, lengths), outcomes)
            else:
                converted[target] = self._converted(columns[index], target)
        for target, (column, outcomes) in converted.items():
            if id(_BAD) in outcomes:
                mark(i for i, v in enumerate(column) if v is _BAD)
        values: dict[str, list] = {}
        gaps: set[str] = set()  # targets that some row has no value for
        for target in set(converted) | set(checker.fixed) | set(checker.defaults):
            values[target], missing = self._value(target, converted, n)
            if missing:
                gaps.add(target)

        # Required fields, a kind and a role: RowChecker rejects a row without them.
        for target in {*checker.required, "report.kind", "party.rol"}:
            if target not in values:
                mark(range(n))
            elif target in gaps:
                mark(i for i, v in enumerate(values[target]) if v is _ABSENT)

        self._check_dates(values, n, mark)
        address, incomplete = self._addresses(values, n, mark)
        names = self._names(values, n)

        def plain(target: str, fallback):
            column = values.get(target)
            if column is None:
                return list(repeat(fallback, n))
            if target in gaps:
                return [fallback if v is _ABSENT else v for v in column]
            return column

        record_columns = [plain(f"report.{name}", _RECORD_DEFAULTS[name]) for name in Record._fields]
        if len(change) < n:  # one Record tuple per change, shared by the rows up to the next one
            records = _spread(list(zip(*(list(map(c.__getitem__, change)) for c in record_columns))), lengths)
        else:
            records = list(zip(*record_columns))
        rol = values.get("party.rol") or list(repeat(None, n))
        clean = bytearray(bad.translate(_FLIP))
        return Block(
            numbers=list(numbers), cells=list(cells), record_ids=record_ids, clean=clean, records=records,
            rol=rol,
            bsn=plain("person.bsn", ""), voornamen=names[0], voorletters=names[1], tussenvoegsel=names[2],
            achternaam=names[3], geboortedatum=plain("person.geboortedatum", None),
            geslacht=plain("person.geslacht", ""), address=address, incomplete=incomplete,
        )

    # -- cross-field rules ----------------------------------------------------------------
    def _check_dates(self, values: dict, n: int, mark) -> None:
        """Not in the future; date of birth not implausibly old and not long after the record date."""
        checker = self.checker
        datum = values.get("report.datum")
        dob = values.get("person.geboortedatum")
        if datum is not None:
            late = {v for v in set(datum) if v.__class__ is date and v > checker.today}
            if late:
                mark(i for i, v in enumerate(datum) if v in late)
        if dob is None:
            return
        wrong = {v for v in set(dob) if v.__class__ is date and (v > checker.today or v < checker.earliest_birth)}
        if wrong:
            mark(i for i, v in enumerate(dob) if v in wrong)
        if datum is None:
            return
        import numpy as np

        limit = timedelta(days=PRENATAL_DAYS)
        datum_ord = {v: (v + limit).toordinal() if v.__class__ is date else _FAR for v in set(datum)}
        dob_ord = {v: v.toordinal() if v.__class__ is date else -_FAR for v in set(dob)}
        late_birth = np.flatnonzero(
            np.fromiter(map(dob_ord.__getitem__, dob), dtype=np.int64, count=n)
            > np.fromiter(map(datum_ord.__getitem__, datum), dtype=np.int64, count=n)
        )
        if late_birth.size:
            mark(late_birth.tolist())

    def _addresses(self, values: dict, n: int, mark) -> tuple[list, list]:
        """RowChecker._address once per distinct combination of address values."""
        checker = self.checker
        if not checker.has_address:
            return list(repeat(None, n)), list(repeat(False, n))
        targets = [t for t in _ADDRESS_FIELDS if t in values]
        keys = list(zip(*(values[t] for t in targets)))
        results = self._cache("address:" + ",".join(targets))
        distinct = set(keys)
        for key in distinct.difference(results):
            if _BAD in key:
                results[key] = _BAD  # already marked; RowChecker skips the address then
                continue
            given = {t: v for t, v in zip(targets, key) if v is not _ABSENT}
            try:
                results[key] = checker._address(given)
            except _IncompleteAddress:
                results[key] = _INCOMPLETE
            except FieldError:
                results[key] = _BAD
        column = list(map(results.__getitem__, keys))
        outcomes = set(map(id, map(results.__getitem__, distinct)))
        if id(_BAD) in outcomes:
            mark(i for i, v in enumerate(column) if v is _BAD)
        if id(_INCOMPLETE) in outcomes:
            incomplete = [v is _INCOMPLETE for v in column]
            column = [None if v is _INCOMPLETE or v is _BAD else v for v in column]
        else:
            incomplete = list(repeat(False, n))
            if id(_BAD) in outcomes:
                column = [None if v is _BAD else v for v in column]
        return column, incomplete

    def _names(self, values: dict, n: int) -> tuple[list, list, list, list]:
        """RowChecker._person's name parts once per distinct combination of name values."""
        checker = self.checker
        targets = [t for t in _NAME_TARGETS if t in values]
        # Without a full-name column the surname is passed through unchanged: keep it out of the key.
        passthrough = not checker.has_fullname and "person.achternaam" in targets
        key_targets = [t for t in targets if not (passthrough and t == "person.achternaam")]
        keys = list(zip(*(values[t] for t in key_targets))) if key_targets else list(repeat((), n))
        parts = self._cache("names:" + ",".join(key_targets))
        for key in set(keys).difference(parts):
            given = {t: v for t, v in zip(key_targets, key) if v is not _ABSENT and v is not _BAD}
            person = checker._person(given)
            parts[key] = (person.voornamen, person.voorletters, person.tussenvoegsel, person.achternaam)
        voornamen, voorletters, tussenvoegsel, achternaam = (list(c) for c in zip(*map(parts.__getitem__, keys))) if n \
            else ([], [], [], [])
        if passthrough:
            column = values["person.achternaam"]
            achternaam = [v if v is not _ABSENT and v is not _BAD else "" for v in column]
        return voornamen, voorletters, tussenvoegsel, achternaam


def _changes(columns: list, n: int) -> list[int]:
    """Rows (from 0) where the cells of ``columns`` differ from the row before; all rows if no columns."""
    if not columns:
        return list(range(n))
    if not n:
        return []
    keys = list(zip(*columns)) if len(columns) > 1 else list(columns[0])
    return [0, *compress(range(1, n), map(ne, keys[1:], keys[:-1]))]


def _spread(values: list, lengths: list[int]) -> list:
    """Each value repeated its length of rows."""
    return list(chain.from_iterable(map(repeat, values, lengths)))


def runs(record_ids: list[str]) -> list[int]:
    """Start index of every run of consecutive rows with the same record id."""
    n = len(record_ids)
    if not n:
        return []
    return [0, *compress(range(1, n), map(ne, record_ids[1:], record_ids[:-1]))]
