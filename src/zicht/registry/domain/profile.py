"""Import profiles: one TOML file per partner export, read and checked before any row is.

Why TOML files and not code: a region adds its own partner (or a partner changes its
export) by writing a file, which the functioneel beheerder can read and review. A profile
is validated completely when it is loaded; an error names the file and the key, so a
mistake is found before a single row is imported. See docs/import-profiles.md.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .. import vocab
from .dates import make_parser
from .fields import BOOL_DEFAULTS, TARGETS, allowed_codes
from .setaside import DEFAULT_MAX_SHARE, SET_ASIDE_CAPABLE, auxiliary_fields

PACKAGE_PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"
TABLES = {"source", "file", "columns", "constants", "defaults", "lists", "values", "validation", "withdrawals"}
TOP_KEYS = {"name", "description", "version"}
VALIDATION_KEYS = {"required", "max_age_years", "essential", "auxiliary", "max_set_aside_share"}


class ProfileError(ValueError):
    """A profile file is missing, unreadable or inconsistent; the message names file and key."""


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    sha256: str
    description: str
    source_code: str
    source_name: str
    source_type: str
    file_type: str  # csv | xlsx
    delimiter: str
    quotechar: str
    encoding: str
    sheet: str
    date_formats: tuple[str, ...]
    record_id: str
    columns: dict[str, str]  # target → source column
    constants: dict[str, object]  # target → code / bool / text
    defaults: dict[str, object]  # target → value when the cell is empty
    lists: dict[str, str]  # target → separator
    values: dict[str, dict[str, object]]  # target → {casefolded partner value: code/bool}
    required: frozenset[str]
    max_age_years: int = 120
    auxiliary: frozenset[str] = frozenset()  # invalid values of these fields are set aside (domain.setaside)
    max_set_aside_share: float = DEFAULT_MAX_SHARE
    encoding_declared: bool = False  # False: UTF-8 (with or without BOM), else recognised (registry.encodings)
    withdrawal_column: str = ""  # [withdrawals] column: the source's status column (issue 13), or ""
    withdrawal_values: tuple[str, ...] = ()  # [withdrawals] values: statuses that mark a record withdrawn
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def mapped(self, target: str) -> bool:
        return target in self.columns or target in self.constants


def profile_dirs(extra: str | None = None) -> list[Path]:
    """The package folder first, then the folders in ZICHT_PROFILE_DIRS (os.pathsep-separated)."""
    extra = os.environ.get("ZICHT_PROFILE_DIRS", "") if extra is None else extra
    dirs = [PACKAGE_PROFILE_DIR]
    dirs += [Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip()]
    return dirs


def available_profiles(dirs: list[Path] | None = None) -> dict[str, Path]:
    """Profile name → file. A region's folder may override a packaged profile of the same name."""
    found: dict[str, Path] = {}
    for directory in dirs or profile_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                found[path.stem] = path
    return found


def find_profile(name: str, dirs: list[Path] | None = None) -> Profile:
    profiles = available_profiles(dirs)
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "geen"
        raise ProfileError(f"Importprofiel '{name}' bestaat niet (beschikbaar: {known})")
    return load_profile(profiles[name])


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; raise ProfileError naming file and key."""
    path = Path(path)
    try:
        data_bytes = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path}: kan het profiel niet lezen ({exc.strerror})") from None
    try:
        data = tomllib.loads(data_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path.name}: het profiel is geen UTF-8-tekst") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path.name}: geen geldige TOML ({exc})") from None
    return _build(path, data, hashlib.sha256(data_bytes).hexdigest())


def _build(path: Path, data: dict, sha256: str) -> Profile:
    where = path.name

    def fail(key: str, reason: str):
        raise ProfileError(f"{where}: {key}: {reason}")

    for key in data:
        if key not in TABLES and key not in TOP_KEYS:
            fail(key, f"onbekende sleutel (toegestaan: {', '.join(sorted(TOP_KEYS | TABLES))})")
    name = data.get("name", path.stem)
    if name != path.stem:
        fail("name", f"moet gelijk zijn aan de bestandsnaam zonder .toml ('{path.stem}')")

    source = _table(data, "source", fail, required=True)
    for key in ("code", "name", "type"):
        if not isinstance(source.get(key), str) or not source[key].strip():
            fail(f"[source] {key}", "ontbreekt of is leeg")
    for key in source:
        if key not in ("code", "name", "type"):
            fail(f"[source] {key}", "onbekende sleutel (toegestaan: code, name, type)")
    if source["type"] not in vocab.codes(vocab.ORGANISATIE_TYPES):
        fail("[source] type", f"onbekend organisatietype (toegestaan: {', '.join(sorted(vocab.codes(vocab.ORGANISATIE_TYPES)))})")

    file = _table(data, "file", fail, required=True)
    file_keys = {"type", "delimiter", "quotechar", "encoding", "sheet", "date_formats", "record_id"}
    for key in file:
        if key not in file_keys:
            fail(f"[file] {key}", f"onbekende sleutel (toegestaan: {', '.join(sorted(file_keys))})")
    file_type = file.get("type", "csv")
    if file_type not in ("csv", "xlsx"):
        fail("[file] type", "moet 'csv' of 'xlsx' zijn")
    delimiter = file.get("delimiter", ",")
    quotechar = file.get("quotechar", '"')
    for key, value in (("delimiter", delimiter), ("quotechar", quotechar)):
        if not isinstance(value, str) or len(value) != 1 or value in "\r\n":
            fail(f"[file] {key}", "moet precies één teken zijn")
    encoding = file.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        fail("[file] encoding", "onbekende tekencodering (bijv. utf-8, utf-8-sig, cp1252)")
    sheet = file.get("sheet", "")
    if sheet and file_type != "xlsx":
        fail("[file] sheet", "alleen voor type = 'xlsx'")
    date_formats = file.get("date_formats", ["nl", "iso"])
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    try:
        make_parser(date_formats)
    except (ValueError, TypeError) as exc:
        fail("[file] date_formats", str(exc))
    record_id = file.get("record_id")
    if not isinstance(record_id, str) or not record_id.strip():
        fail("[file] record_id", "ontbreekt: de kolom met het registratienummer van het record")

    columns = _table(data, "columns", fail, required=True)
    for target, column in columns.items():
        _known_target(target, "[columns]", fail)
        if not isinstance(column, str) or not column.strip():
            fail(f"[columns] '{target}'", "moet een kolomnaam zijn")

    values: dict[str, dict[str, object]] = {}
    for target, mapping in _table(data, "values", fail).items():
        t = _known_target(target, "[values]", fail)
        if t.kind not in ("code", "codes", "bool"):
            fail(f'[values."{target}"]', "waardevertaling kan alleen voor codevelden en ja/nee-velden")
        if not isinstance(mapping, dict):
            fail(f'[values."{target}"]', "moet een tabel 'partnerwaarde = code' zijn")
        folded = {}
        for partner_value, code in mapping.items():
            _check_value(t, code, f"[values.\"{target}\"] '{partner_value}'", fail)
            folded[partner_value.strip().casefold()] = code
        values[target] = folded

    constants = _table(data, "constants", fail)
    defaults = _table(data, "defaults", fail)
    for table_name, table in (("constants", constants), ("defaults", defaults)):
        for target, value in table.items():
            t = _known_target(target, f"[{table_name}]", fail)
            if t.kind in ("code", "codes", "bool"):
                _check_value(t, value, f"[{table_name}] '{target}'", fail)
            elif t.kind in ("text",) and isinstance(value, str):
                pass
            else:
                fail(f"[{table_name}] '{target}'", "alleen codevelden, ja/nee-velden en tekstvelden kunnen een vaste waarde hebben")
        if table_name == "constants":
            for target in table:
                if target in columns:
                    fail(f"[constants] '{target}'", "staat ook in [columns]: kies een kolom óf een vaste waarde")

    lists = _table(data, "lists", fail)
    for target, sep in lists.items():
        t = _known_target(target, "[lists]", fail)
        if t.kind != "codes":
            fail(f"[lists] '{target}'", "alleen voor velden met meerdere codes (report.vormen)")
        if not isinstance(sep, str) or not sep:
            fail(f"[lists] '{target}'", "moet een scheidingsteken zijn, bijv. '|'")

    validation = _table(data, "validation", fail)
    for key in validation:
        if key not in VALIDATION_KEYS:
            fail(f"[validation] {key}", f"onbekende sleutel (toegestaan: {', '.join(sorted(VALIDATION_KEYS))})")
    required = validation.get("required", [])
    if not isinstance(required, list):
        fail("[validation] required", "moet een lijst van velden zijn")
    max_age = validation.get("max_age_years", 120)
    if not isinstance(max_age, int) or not 1 <= max_age <= 130:
        fail("[validation] max_age_years", "moet een geheel getal tussen 1 en 130 zijn")
    essential = validation.get("essential", [])
    auxiliary = validation.get("auxiliary")
    for key, listed in (("essential", essential), ("auxiliary", auxiliary)):
        if listed is None:
            continue
        if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
            fail(f"[validation] {key}", "moet een lijst van velden zijn")
        for target in listed:
            _known_target(target, f"[validation] {key}", fail)
    for target in auxiliary or ():
        if target not in SET_ASIDE_CAPABLE:
            fail(f"[validation] auxiliary '{target}'", f"kan niet terzijde worden gelegd (wel: {', '.join(sorted(SET_ASIDE_CAPABLE))})")
        if target in essential or target in required:
            fail(f"[validation] auxiliary '{target}'", "staat ook in essential of required: kies één")
    max_share = validation.get("max_set_aside_share", DEFAULT_MAX_SHARE)
    if isinstance(max_share, bool) or not isinstance(max_share, (int, float)) or not 0 <= max_share <= 1:
        fail("[validation] max_set_aside_share", "moet een getal tussen 0 en 1 zijn (0.05 = 5 % van de rijen)")

    withdrawals = _table(data, "withdrawals", fail)
    for key in withdrawals:
        if key not in ("column", "values"):
            fail(f"[withdrawals] {key}", "onbekende sleutel (toegestaan: column, values)")
    withdrawal_column = withdrawals.get("column", "")
    withdrawal_values = withdrawals.get("values", [])
    if withdrawals and (not isinstance(withdrawal_column, str) or not withdrawal_column.strip()):
        fail("[withdrawals] column", "ontbreekt: de kolom met de status van het record (bijv. 'Status')")
    if withdrawals and (
        not isinstance(withdrawal_values, list)
        or not withdrawal_values
        or not all(isinstance(v, str) and v.strip() for v in withdrawal_values)
    ):
        fail("[withdrawals] values", 'moet een lijst van statuswaarden zijn, bijv. ["vervallen", "ingetrokken"]')

    profile = Profile(
        name=name,
        path=path,
        sha256=sha256,
        description=str(data.get("description", "")),
        source_code=source["code"].strip(),
        source_name=source["name"].strip(),
        source_type=source["type"],
        file_type=file_type,
        delimiter=delimiter,
        quotechar=quotechar,
        encoding=encoding,
        sheet=sheet,
        date_formats=tuple(date_formats),
        record_id=record_id.strip(),
        columns={t: c.strip() for t, c in columns.items()},
        constants=dict(constants),
        defaults=dict(defaults),
        lists=dict(lists),
        values=values,
        required=frozenset(required),
        max_age_years=max_age,
        auxiliary=auxiliary_fields(essential, auxiliary, frozenset(required)),
        max_set_aside_share=float(max_share),
        encoding_declared="encoding" in file,
        withdrawal_column=withdrawal_column.strip(),
        withdrawal_values=tuple(v.strip() for v in withdrawal_values),
        raw=data,
    )
    for target in required:
        _known_target(target, "[validation] required", fail)
        if not profile.mapped(target):
            fail(f"[validation] required '{target}'", "is verplicht maar staat niet in [columns] of [constants]")
    for target in ("report.kind", "report.datum", "party.rol"):
        if not profile.mapped(target):
            fail("[columns]", f"'{target}' ontbreekt (in [columns] of [constants]): elk record heeft dit nodig")
    if profile.mapped("address.adres") and (profile.mapped("address.straat") or profile.mapped("address.huisnummer")):
        fail("[columns] 'address.adres'", "kies één vrij adres óf address.straat/address.huisnummer, niet beide")
    if profile.mapped("address.toevoeging") and not profile.mapped("address.huisnummer"):
        fail("[columns] 'address.toevoeging'", "vereist ook 'address.huisnummer'")
    if profile.mapped("person.naam") and any(
        profile.mapped(f"person.{p}") for p in ("voornamen", "voorletters", "tussenvoegsel", "achternaam")
    ):
        fail("[columns] 'person.naam'", "kies één volledige naam óf de losse naamdelen, niet beide")
    for target in profile.lists:
        if not profile.mapped(target):
            fail(f"[lists] '{target}'", "staat niet in [columns]")
    return profile


def _table(data: dict, key: str, fail, required: bool = False) -> dict:
    value = data.get(key)
    if value is None:
        if required:
            fail(f"[{key}]", "tabel ontbreekt")
        return {}
    if not isinstance(value, dict):
        fail(f"[{key}]", "moet een tabel zijn")
    return value


def _known_target(target: str, where: str, fail):
    if target not in TARGETS:
        fail(f"{where} '{target}'", "onbekend doelveld (zie docs/import-profiles.md voor de lijst)")
    return TARGETS[target]


def _check_value(target, value, where: str, fail) -> None:
    if target.kind == "bool":
        if not isinstance(value, bool):
            fail(where, "moet true of false zijn")
        return
    codes = allowed_codes(target)
    if not isinstance(value, str) or value not in codes:
        fail(where, f"onbekende code voor {target.name} (toegestaan: {', '.join(sorted(codes))})")


def bool_map(profile: Profile, target: str) -> dict[str, bool]:
    """The profile's yes/no wording for ``target``, else the common Dutch and English words."""
    return profile.values.get(target) or BOOL_DEFAULTS
