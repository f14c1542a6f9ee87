"""Row-level validation: one partner row in, one checked and normalised row (or its rejects) out.

Why pure and row by row: the same rules run for a 20-row test fixture and a 2.5-million-row
export, in the command line and in the upload form, and are tested table by table.

Row numbers follow what a spreadsheet user sees: the header is row 1, so the first data
row is row 2 (for CSV: the n-th record after the header is row n + 1, also when a quoted
cell spans several lines). A reject names file, row, field and reason, and never the value
of a personal field (BSN, names, date of birth, address, free text). Values of coded
fields (rol, aard, ...) are partner wording, not personal data, and are quoted (shortened
and defused against spreadsheet formulas) so a region can extend its value map.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from zicht.core.spreadsheet import FORMULA_PREFIXES, defuse_cell

from .address import AddressError, normalise_postcode, normalise_toevoeging, parse_address, split_huisnummer
from .bsn import BSNError, normalise_bsn
from .dates import DateError, DateRules, make_parser
from .fields import BOOL_DEFAULTS, TARGETS, allowed_codes
from .names import normalise_voorletters, split_name
from .profile import Profile
from .setaside import ADDRESS_FIELDS as _ASIDE_ADDRESS
from .setaside import SetAside, reason_code

FORMULA_START = FORMULA_PREFIXES
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BUURTCODE = re.compile(r"^BU\d{8}$")


@dataclass(frozen=True)
class Reject:
    file: str
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


class HeaderError(ValueError):
    """The header row does not have the columns the profile needs."""


class FieldError(ValueError):
    """One cell fails a rule; the message is the reason (never the value)."""


class _IncompleteAddress(Exception):
    """Address parts are given but postcode or huisnummer is missing: the row is kept without
    an address (and counted), because the record and the person are still worth having."""


class Record(NamedTuple):
    kind: str
    datum: date
    aard: str
    vormen: tuple
    relatie: str
    kinderen_aanwezig: bool | None
    letsel: bool | None
    wapen: bool | None
    huisverbod: bool | None
    hoedanigheid_melder: str
    categorie: str
    toelichting: str
    contact_medewerker: str
    contact_telefoon: str


class PersonData(NamedTuple):
    bsn: str
    voornamen: str
    voorletters: str
    tussenvoegsel: str
    achternaam: str
    geboortedatum: date | None
    geslacht: str


class AddressData(NamedTuple):
    postcode: str
    huisnummer: int
    toevoeging: str
    straat: str
    woonplaats: str
    buurtcode: str

    @property
    def key(self) -> str:
        return f"{self.postcode}|{self.huisnummer}|{self.toevoeging}"


class Row(NamedTuple):
    row: int
    record_id: str
    record: Record
    rol: str
    person: PersonData
    address: AddressData | None
    incomplete_address: bool = False  # some address parts given, but no postcode or huisnummer
    set_aside: tuple = ()  # SetAside: invalid auxiliary values, not used (domain.setaside)


_DATE_TARGETS = frozenset({"report.datum", "person.geboortedatum"})
_NOTHING: frozenset = frozenset()
_PERSON_NAME_FIELDS = ("person.voornamen", "person.voorletters", "person.tussenvoegsel", "person.achternaam")
_ADDRESS_FIELDS = (
    "address.adres",
    "address.straat",
    "address.huisnummer",
    "address.toevoeging",
    "address.postcode",
    "address.woonplaats",
    "address.buurtcode",
)
_ADDRESS_SET = frozenset(_ADDRESS_FIELDS)


def defuse(text: str, limit: int = 40) -> str:
    """Shorten and neutralise a value for a CSV/spreadsheet: a leading = + - @ becomes text."""
    text = _CONTROL.sub(" ", str(text)).replace("\n", " ").strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return defuse_cell(text)


def resolve_header(profile: Profile, header: list) -> dict[str, int]:
    """Column name → index for every column the profile uses; HeaderError lists what is missing."""
    cells = [str(c if c is not None else "").replace("\ufeff", "").strip() for c in header]
    exact = {name: i for i, name in reversed(list(enumerate(cells)))}
    folded = {name.casefold(): i for i, name in reversed(list(enumerate(cells)))}
    wanted = [profile.record_id, *profile.columns.values()]
    found, missing = {}, []
    for column in wanted:
        index = exact.get(column, folded.get(column.casefold()))
        if index is None:
            missing.append(column)
        else:
            found[column] = index
    if missing:
        hint = ""
        if len([c for c in cells if c]) <= 1:
            hint = f" — de kopregel heeft maar één kolom: klopt het scheidingsteken ('{profile.delimiter}')?"
        raise HeaderError(f"kolommen ontbreken in de kopregel: {', '.join(sorted(set(missing)))}{hint}")
    return found


def _field_errors(normalise, error: type[Exception]):
    """``normalise`` as a converter: its own error becomes a FieldError with the same message."""

    def convert(raw):
        try:
            return normalise(raw)
        except error as exc:
            raise FieldError(str(exc)) from None

    return convert


class RowChecker:
    """Checks and normalises rows for one profile and one file header."""

    def __init__(
        self, profile: Profile, header: list, *, file_name: str, today: date, known_buurten: set[str] | frozenset[str] | None = None
    ):
        self.profile = profile
        self.file_name = file_name
        self.today = today
        self.known_buurten = known_buurten
        self.index = resolve_header(profile, header)
        self.record_index = self.index[profile.record_id]
        self.width = max(self.index.values()) + 1
        self.parse_date = make_parser(profile.date_formats)
        self.date_rules = DateRules(today, profile.max_age_years)
        # One (target, column index, converter) step per mapped column; constants resolved once.
        self.steps: list[tuple[str, int, Callable[[object], object]]] = []
        for target, column in profile.columns.items():
            self.steps.append((target, self.index[column], self._converter(target)))
        self.fixed = {t: v for t, v in profile.constants.items()}
        self.defaults = dict(profile.defaults)
        self.required = profile.required
        self.has_address = any(profile.mapped(t) for t in _ADDRESS_FIELDS)
        self.has_fullname = profile.mapped("person.naam")
        self.auxiliary = profile.auxiliary

    # -- converters --------------------------------------------------------------------------
    def _converter(self, target_name: str):
        target = TARGETS[target_name]
        kind = target.kind
        limit = target.max_length
        if kind in ("code", "codes"):
            allowed = allowed_codes(target)
            mapping = dict(self.profile.values.get(target_name, {}))
            for code in allowed:  # the registry's own codes are always understood
                mapping.setdefault(code.casefold(), code)
            if kind == "code":

                def code(raw, mapping=mapping, name=target_name):
                    value = mapping.get(raw.casefold())
                    if value is None:
                        raise FieldError(f"onbekende waarde '{defuse(raw)}' voor {name} (vul [values.\"{name}\"] aan)")
                    return value

                return code
            sep = self.profile.lists.get(target_name, "|")

            def codes(raw, mapping=mapping, name=target_name, sep=sep):
                out = []
                for part in raw.split(sep):
                    part = part.strip()
                    if not part:
                        continue
                    value = mapping.get(part.casefold())
                    if value is None:
                        raise FieldError(f"onbekende waarde '{defuse(part)}' voor {name} (vul [values.\"{name}\"] aan)")
                    if value not in out:
                        out.append(value)
                return tuple(out)

            return codes
        if kind == "bool":
            mapping = self.profile.values.get(target_name) or BOOL_DEFAULTS

            def boolean(raw, mapping=mapping, name=target_name):
                value = mapping.get(raw.casefold())
                if value is None:
                    raise FieldError(f"onbekende waarde '{defuse(raw)}' voor {name} (verwacht ja/nee)")
                return value

            return boolean
        if kind in ("date", "dob"):
            return self.parse_date
        if kind == "bsn":
            return _field_errors(normalise_bsn, BSNError)
        if kind == "postcode":
            return _field_errors(normalise_postcode, AddressError)
        if kind == "buurtcode":
            known = self.known_buurten

            def buurtcode(raw, known=known):
                code = raw.upper()
                if not _BUURTCODE.match(code):
                    raise FieldError("ongeldige buurtcode (verwacht BU gevolgd door 8 cijfers)")
                if known is not None and code not in known:
                    raise FieldError("onbekende buurtcode (niet in de geladen CBS-buurten)")
                return code

            return buurtcode
        if kind in ("secret", "huisnummer", "toevoeging"):  # house numbers are normalised later

            def within_limit(raw, limit=limit):
                if len(raw) > limit:
                    raise FieldError(f"te lang (meer dan {limit} tekens)")
                return raw

            return within_limit

        # names, free address, plain text, voorletters: length, formulas, control characters
        def text(raw, limit=limit):
            if len(raw) > limit:
                raise FieldError(f"te lang (meer dan {limit} tekens)")
            if raw[0] in "=+-@":
                raise FieldError("begint met een formuleteken (=, +, -, @): geen geldige waarde")
            if not raw.isprintable():
                if _CONTROL.search(raw):
                    raise FieldError("bevat stuurtekens")
                return " ".join(raw.split())
            return " ".join(raw.split()) if "  " in raw else raw

        return text

    # -- one row ---------------------------------------------------------------------------
    def check(self, cells: list, row: int) -> tuple[Row | None, list[Reject]]:
        """Validate one data row (``row`` is the spreadsheet row number, header = 1)."""
        rejects: list[Reject] = []
        file_name = self.file_name
        n = len(cells)
        rid_raw = cells[self.record_index] if self.record_index < n else None
        record_id = str(rid_raw).strip() if rid_raw is not None else ""
        if not record_id:
            rejects.append(Reject(file_name, row, self.profile.record_id, "registratienummer ontbreekt"))
        elif len(record_id) > 80:
            rejects.append(Reject(file_name, row, self.profile.record_id, "registratienummer te lang (meer dan 80 tekens)"))
        if n < self.width:  # short row: missing cells read as empty
            cells = list(cells) + [None] * (self.width - n)
        values = self.fixed.copy()
        for target, index, convert in self.steps:
            raw = cells[index]
            if raw.__class__ is not str:  # XLSX cells arrive typed
                if raw is None:
                    continue
                if target in _DATE_TARGETS:
                    try:
                        values[target] = convert(raw)
                    except DateError as exc:
                        rejects.append(Reject(file_name, row, target, str(exc)))
                    continue
                raw = _cell_text(raw)
            raw = raw.strip()
            if not raw:
                continue
            try:
                values[target] = convert(raw)
            except (FieldError, DateError) as exc:
                rejects.append(Reject(file_name, row, target, str(exc)))
        for target, value in self.defaults.items():
            values.setdefault(target, value)
        for target in self.required:
            if target not in values and not any(r.field == target for r in rejects):
                rejects.append(Reject(file_name, row, target, "verplicht veld is leeg"))
        failed = {r.field for r in rejects} if rejects else _NOTHING

        # Dates: not in the future; date of birth plausible against today and the record date.
        datum = values.get("report.datum")
        for field_name, reason in self.date_rules.problems(datum, values.get("person.geboortedatum")):
            rejects.append(Reject(file_name, row, field_name, reason))

        set_aside = ()
        if rejects and self.auxiliary:
            rejects, set_aside = self._set_aside(rejects, values, cells)
            failed = {r.field for r in rejects} | {s.field for s in set_aside}
        person = self._person(values)
        address, incomplete = None, False
        if self.has_address and not (failed & _ADDRESS_SET):
            try:
                address = self._address(values)
            except _IncompleteAddress:
                incomplete = True
            except FieldError as exc:
                field_name = "address.adres" if "address.adres" in values else "address.huisnummer"
                if field_name in self.auxiliary:
                    set_aside = (*set_aside, SetAside(field_name, reason_code(field_name, str(exc)), self._raw(cells, field_name)))
                else:
                    rejects.append(Reject(file_name, row, field_name, str(exc)))
        if rejects:
            return None, rejects
        record = Record(
            values.get("report.kind", ""),
            datum,
            values.get("report.aard", "onbekend"),
            values.get("report.vormen", ()),
            values.get("report.relatie", "onbekend"),
            values.get("report.kinderen_aanwezig"),
            values.get("report.letsel"),
            values.get("report.wapen"),
            values.get("report.huisverbod"),
            values.get("report.hoedanigheid_melder", ""),
            values.get("report.categorie", ""),
            values.get("report.toelichting", ""),
            values.get("report.contact_medewerker", ""),
            values.get("report.contact_telefoon", ""),
        )
        if not record.kind:
            return None, [Reject(file_name, row, "report.kind", "verplicht veld is leeg")]
        if "party.rol" not in values:
            return None, [Reject(file_name, row, "party.rol", "verplicht veld is leeg")]
        return Row(row, record_id, record, values["party.rol"], person, address, incomplete, set_aside), []

    def _set_aside(self, rejects: list[Reject], values: dict, cells: list) -> tuple[list[Reject], tuple]:
        """Split the rejects of a row: those of auxiliary fields become SetAside values (their
        values removed, so neither they nor a profile default are used); the rest stay rejects."""
        keep, aside, seen = [], [], set()
        for reject in rejects:
            name = reject.field
            if name not in self.auxiliary:
                keep.append(reject)
            elif name not in seen:
                seen.add(name)
                aside.append(SetAside(name, reason_code(name, reject.reason), self._raw(cells, name)))
                values.pop(name, None)
        if seen & _ASIDE_ADDRESS:  # never an address from a set-aside part
            for name in _ADDRESS_FIELDS:
                values.pop(name, None)
        return keep, tuple(aside)

    def _raw(self, cells: list, target: str) -> str:
        """The cell of ``target`` as text (for the encrypted set-aside value)."""
        column = self.profile.columns.get(target)
        if column is None:
            return ""
        value = cells[self.index[column]]
        if value is None:
            return ""
        return value.strip() if value.__class__ is str else _cell_text(value).strip()

    def _person(self, values: dict) -> PersonData:
        if self.has_fullname and "person.naam" in values:
            parts = split_name(values["person.naam"])
            voornamen, voorletters, tussenvoegsel, achternaam = (parts.voornamen, parts.voorletters, parts.tussenvoegsel, parts.achternaam)
        else:
            voornamen = values.get("person.voornamen", "")
            voorletters = values.get("person.voorletters", "")
            voorletters = normalise_voorletters(voorletters) if voorletters else _initials(voornamen)
            tussenvoegsel = values.get("person.tussenvoegsel", "").lower()
            achternaam = values.get("person.achternaam", "")
        return PersonData(
            values.get("person.bsn", ""),
            voornamen,
            voorletters,
            tussenvoegsel,
            achternaam,
            values.get("person.geboortedatum"),
            values.get("person.geslacht", ""),
        )

    def _address(self, values: dict) -> AddressData | None:
        postcode = values.get("address.postcode", "")
        buurtcode = values.get("address.buurtcode", "")
        woonplaats = values.get("address.woonplaats", "")
        if "address.adres" in values:
            text = values["address.adres"]
            if not any(ch.isdigit() for ch in text):
                raise _IncompleteAddress  # a street without a number: no address key possible
            try:
                parsed = parse_address(text)
            except AddressError as exc:
                raise FieldError(str(exc)) from None
            straat, huisnummer, toevoeging = parsed.straat, parsed.huisnummer, parsed.toevoeging
        else:
            straat = values.get("address.straat", "")
            huisnummer, toevoeging = None, ""
            if "address.huisnummer" in values:
                try:
                    huisnummer, toevoeging = split_huisnummer(values["address.huisnummer"])
                    extra = normalise_toevoeging(values.get("address.toevoeging", ""))
                except AddressError as exc:
                    raise FieldError(str(exc)) from None
                if extra and extra != toevoeging:
                    toevoeging = (toevoeging + extra)[:10]
        if huisnummer is None and not postcode and not straat:
            return None  # no address given for this person
        if huisnummer is None or not postcode:
            raise _IncompleteAddress
        return AddressData(postcode, huisnummer, toevoeging, straat, woonplaats, buurtcode)


def _initials(voornamen: str) -> str:
    return "".join(f"{w[0].upper()}." for w in voornamen.split() if w[0].isalpha())


def _cell_text(value: object) -> str:
    """XLSX cells arrive typed: 12.0 → '12', True → 'true', dates handled by the date parser."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compress_rows(rows: list[int], limit: int = 120) -> str:
    """[2, 3, 4, 9] → '2-4,9' (provenance on the report), shortened with '…' past ``limit``."""
    parts: list[str] = []
    start = prev = None
    for r in sorted(rows):
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            parts.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = r
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else str(start))
    text = ",".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rsplit(",", 1)[0] + ",…"


def expand_rows(text: str) -> list[int]:
    """'2-4,9' → [2, 3, 4, 9]: the inverse of compress_rows (a shortened tail '…' is dropped)."""
    rows: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part or not part[0].isdigit():
            continue
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            rows.extend(range(int(first), int(last or first) + 1))
    return rows
