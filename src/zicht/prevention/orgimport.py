"""Import organisations with their meldcode status through a profile (CSV or XLSX), all or nothing.

Like the partner-file import profiles (``zicht.registry.profiles``): a TOML profile maps the file's
columns to fields (``prevention/data/organisatieprofielen/*.toml``); the rules that check a row
live in ``domain.meldcode_map`` (pure). One error anywhere means nothing is written; every error
names the file, the row and the column. Re-importing the same file adds nothing and changes
nothing; a changed row updates that organisation only. Organisations are matched by ``code``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from zicht.geo.models import Gemeente
from zicht.geo.regiodata import regio_van_gemeente
from zicht.registry.models import Organisation

from .domain import meldcode_map as mm
from .models import MeldcodeStatus

PROFILE_DIR = Path(__file__).resolve().parent / "data" / "organisatieprofielen"
MAX_ROWS = 50_000


def profiles() -> dict[str, mm.Profile]:
    out = {}
    for path in sorted(PROFILE_DIR.glob("*.toml")):
        with open(path, "rb") as fh:
            profile = mm.Profile.from_dict(tomllib.load(fh))
        out[profile.name] = profile
    return out


def load_profile(name: str) -> mm.Profile:
    found = profiles().get(name)
    if found is None:
        raise KeyError(f"Onbekend organisatieprofiel '{name}'")
    return found


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[mm.RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Unreadable(Exception):
    pass


def _read(data: bytes, file_name: str, profile: mm.Profile) -> tuple[list[str], list[tuple[int, dict]]]:
    if data[:2] == b"PK" or file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise _Unreadable("geen geldig xlsx-bestand") from exc
        try:
            sheet = wb[profile.sheet] if profile.sheet else wb[wb.sheetnames[0]]
        except KeyError:
            wb.close()
            raise _Unreadable(f"werkblad '{profile.sheet}' ontbreekt") from None
        it = sheet.iter_rows(values_only=True)
        header = [("" if h is None else str(h).strip()) for h in next(it, [])]
        rows = []
        for n, cells in enumerate(it, start=2):
            if any(c not in (None, "") for c in cells):
                rows.append((n, {h: (c.isoformat()[:10] if isinstance(c, (dt.date, dt.datetime)) else c) for h, c in zip(header, cells)}))
        wb.close()
        return header, rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Unreadable("het bestand is geen UTF-8-tekst; sla het op als 'CSV UTF-8'") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text), dialect)
        header = [h.strip() for h in next(reader, [])]
        rows = [(n, dict(zip(header, cells))) for n, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except csv.Error:
        raise _Unreadable("CSV-structuur onleesbaar (aanhalingstekens of regeleinden kloppen niet)") from None
    return header, rows


def gemeente_lookup(allowed: frozenset[str] | None) -> dict[str, str]:
    """code and name (lower case) -> code, for the gemeenten the importer may change (None: all)."""
    qs = Gemeente.objects.all() if allowed is None else Gemeente.objects.filter(code__in=allowed)
    out = {}
    for code, naam in qs.values_list("code", "naam"):
        out[code.lower()] = code
        out.setdefault(naam.lower(), code)
    return out


STATUS_COLUMNS = ("sector", *mm.STATUS_FIELDS)


def import_organisations(fileobj, file_name: str, profile: mm.Profile, allowed_gemeenten: frozenset[str] | None) -> Result:
    """Validate every row, then write all of them in one transaction (or nothing)."""
    data = fileobj.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = Path(file_name).name
    try:
        header, rows = _read(data, name, profile)
    except _Unreadable as exc:
        return Result(errors=[mm.RowError(name, 1, "bestand", str(exc))])
    errors = mm.check_header(header, profile, name)
    if errors:
        return Result(errors=errors)
    if len(rows) > MAX_ROWS:
        return Result(errors=[mm.RowError(name, MAX_ROWS + 2, "bestand", f"meer dan {MAX_ROWS} rijen")])
    clean, errors = mm.validate(rows, profile, name, gemeente_lookup(allowed_gemeenten))
    existing = {o.code: o for o in Organisation.objects.filter(code__in=[r["code"] for r in clean])}
    if allowed_gemeenten is not None:
        for (row, _), values in zip(rows, clean):
            org = existing.get(values["code"])
            if org is not None and org.gemeente_id not in allowed_gemeenten:
                errors.append(mm.RowError(name, row, profile.columns["code"], "deze organisatie hoort bij een gemeente buiten uw regio"))
    if errors:
        return Result(errors=errors)
    with transaction.atomic():
        return _write(clean, existing, f"{name} ({profile.name})")


def _write(clean: list[dict], existing: dict, bron: str) -> Result:
    result = Result()
    regions = {g: regio_van_gemeente(g) for g in {r["gemeente"] for r in clean}}
    new_orgs = [
        Organisation(
            code=r["code"],
            naam=r["naam"],
            type=mm.SECTOR_TO_ORGANISATION_TYPE.get(r["sector"], "anders"),
            gemeente_id=r["gemeente"],
            regio_id=regions[r["gemeente"]],
            meldcode_stoplicht=r["stoplicht"],
        )
        for r in clean
        if r["code"] not in existing
    ]
    Organisation.objects.bulk_create(new_orgs, batch_size=1000)
    changed_orgs = []
    for r in clean:
        org = existing.get(r["code"])
        if org is None:
            continue
        target = {"naam": r["naam"], "gemeente_id": r["gemeente"], "meldcode_stoplicht": r["stoplicht"]}
        if org.gemeente_id != r["gemeente"]:  # moved to another gemeente: its region follows
            target["regio_id"] = regions[r["gemeente"]]
        if any(getattr(org, k) != v for k, v in target.items()):
            for k, v in target.items():
                setattr(org, k, v)
            changed_orgs.append(org)
    if changed_orgs:
        Organisation.objects.bulk_update(changed_orgs, ["naam", "gemeente_id", "regio_id", "meldcode_stoplicht"], batch_size=1000)
    ids = dict(Organisation.objects.filter(code__in=[r["code"] for r in clean]).values_list("code", "id"))
    statuses = {s.organisation_id: s for s in MeldcodeStatus.objects.filter(organisation_id__in=ids.values())}
    new_status, changed_status = [], []
    changed_codes = {o.code for o in changed_orgs}
    for r in clean:
        peil = dt.date.fromisoformat(r["peildatum"]) if r["peildatum"] else None
        values = {k: r[k] for k in STATUS_COLUMNS} | {"peildatum": peil}
        status = statuses.get(ids[r["code"]])
        if status is None:
            new_status.append(MeldcodeStatus(organisation_id=ids[r["code"]], bron=bron, **values))
        elif any(getattr(status, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(status, k, v)
            status.bron = bron
            changed_status.append(status)
            changed_codes.add(r["code"])
        if r["code"] not in existing:
            result.created += 1
        elif r["code"] in changed_codes or status is None:
            result.updated += 1
        else:
            result.unchanged += 1
    MeldcodeStatus.objects.bulk_create(new_status, batch_size=1000)
    if changed_status:
        now = dt.datetime.now(dt.UTC)
        for s in changed_status:
            s.updated_at = now
        MeldcodeStatus.objects.bulk_update(changed_status, [*STATUS_COLUMNS, "peildatum", "bron", "updated_at"], batch_size=1000)
    return result


def map_records(gemeenten: list[str]) -> list[dict]:
    """The organisations of the gemeenten with their status, as plain dicts (one query)."""
    rows = (
        Organisation.objects.filter(gemeente_id__in=gemeenten)
        .order_by("gemeente_id", "naam")
        .values_list(
            "code",
            "naam",
            "gemeente_id",
            "meldcode_stoplicht",
            "meldcode_status__sector",
            "meldcode_status__meldcode",
            "meldcode_status__aandachtsfunctionaris",
            "meldcode_status__af_getraind",
            "meldcode_status__medewerkers_getraind",
            "meldcode_status__peildatum",
        )
    )
    out = []
    for code, naam, gm, stoplicht, sector, meldcode, af, af_t, med_t, peil in rows:
        out.append(
            {
                "code": code,
                "naam": naam,
                "gemeente": gm,
                "stoplicht": stoplicht,
                "sector": sector or "overig",
                "meldcode": meldcode or mm.ONBEKEND,
                "aandachtsfunctionaris": af or mm.ONBEKEND,
                "af_getraind": af_t or mm.ONBEKEND,
                "medewerkers_getraind": med_t or mm.ONBEKEND,
                "peildatum": peil,
            }
        )
    return out
