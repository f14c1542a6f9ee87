"""Loading the address register (PC6 + huisnummer [+ toevoeging] → buurt).

Why atomic and idempotent: the register decides in which buurt every report is counted;
a half-loaded register would silently shift figures between buurten. The whole file is
checked first; only a clean file is written, in one transaction, as inserts of new and
updates of changed entries, so loading the same file twice changes nothing. Afterwards,
addresses that had no buurt yet are matched again.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from zicht.geo.models import Buurt

from .domain.address import AddressError, address_key, normalise_postcode, normalise_toevoeging
from .models import Address, AddressRegisterEntry

COLUMNS = ["postcode", "huisnummer", "toevoeging", "straat", "woonplaats", "buurtcode", "jaar"]


@dataclass
class RegisterResult:
    ok: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    addresses_matched: int = 0
    rejects: list[dict] = field(default_factory=list)
    message: str = ""


def load_address_register(path: Path) -> RegisterResult:
    path = Path(path)
    name = path.name
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError:
        return RegisterResult(False, message=f"{name}: bestand niet gevonden of niet leesbaar")
    rejects: list[dict] = []
    entries: dict[tuple[str, int, str], tuple[str, str, str, int]] = {}
    known_buurten = set(Buurt.objects.values_list("code", flat=True))
    with handle:
        try:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                return RegisterResult(False, message=f"{name}: kolommen ontbreken: {', '.join(missing)}")
            idx = {c: header.index(c) for c in COLUMNS}
            for row_number, cells in enumerate(reader, start=2):
                if not cells:
                    continue
                if len(cells) < len(header):
                    rejects.append({"file": name, "row": row_number, "field": "(rij)", "reason": "te weinig kolommen"})
                    continue
                get = lambda c, cells=cells: cells[idx[c]].strip()  # noqa: E731
                try:
                    pc = normalise_postcode(get("postcode"))
                except AddressError as exc:
                    rejects.append({"file": name, "row": row_number, "field": "postcode", "reason": str(exc)})
                    continue
                if not get("huisnummer").isdigit() or not 0 < int(get("huisnummer")) < 100000:
                    rejects.append({"file": name, "row": row_number, "field": "huisnummer", "reason": "ongeldig huisnummer"})
                    continue
                try:
                    tv = normalise_toevoeging(get("toevoeging"))
                except AddressError as exc:
                    rejects.append({"file": name, "row": row_number, "field": "toevoeging", "reason": str(exc)})
                    continue
                buurt = get("buurtcode").upper()
                if buurt not in known_buurten:
                    rejects.append(
                        {"file": name, "row": row_number, "field": "buurtcode", "reason": "onbekende buurtcode (laad eerst de CBS-buurten)"}
                    )
                    continue
                jaar = get("jaar")
                if not (jaar.isdigit() and 1900 < int(jaar) < 2200):
                    rejects.append({"file": name, "row": row_number, "field": "jaar", "reason": "ongeldig jaar"})
                    continue
                key = (pc, int(get("huisnummer")), tv)
                entries[key] = (get("straat")[:120], get("woonplaats")[:80], buurt, int(jaar))
        except (UnicodeDecodeError, csv.Error):
            return RegisterResult(False, message=f"{name}: geen leesbaar UTF-8 CSV-bestand")
    if rejects:
        return RegisterResult(False, rejects=rejects, message=f"{name}: {len(rejects)} rijen afgekeurd; er is niets geladen")
    if not entries:
        return RegisterResult(False, message=f"{name}: bestand bevat geen adressen")

    result = RegisterResult(True)
    with transaction.atomic():
        existing = {
            (e.postcode, e.huisnummer, e.toevoeging): e
            for e in AddressRegisterEntry.objects.filter(postcode__in={k[0] for k in entries}).iterator(chunk_size=5000)
        }
        new, changed = [], []
        for key, (straat, woonplaats, buurt, jaar) in entries.items():
            entry = existing.get(key)
            if entry is None:
                new.append(
                    AddressRegisterEntry(
                        postcode=key[0],
                        huisnummer=key[1],
                        toevoeging=key[2],
                        straat=straat,
                        woonplaats=woonplaats,
                        buurt_id=buurt,
                        jaar=jaar,
                    )
                )
            elif (entry.straat, entry.woonplaats, entry.buurt_id, entry.jaar) != (straat, woonplaats, buurt, jaar):
                entry.straat, entry.woonplaats, entry.buurt_id, entry.jaar = straat, woonplaats, buurt, jaar
                changed.append(entry)
            else:
                result.unchanged += 1
        AddressRegisterEntry.objects.bulk_create(new, batch_size=5000)
        AddressRegisterEntry.objects.bulk_update(changed, ["straat", "woonplaats", "buurt", "jaar"], batch_size=5000)
        result.created, result.updated = len(new), len(changed)
        # Addresses imported before the register knew them get their buurt now.
        matched = []
        for address in Address.objects.filter(buurt__isnull=True).iterator(chunk_size=5000):
            hit = entries.get((address.postcode, address.huisnummer, address.toevoeging)) or entries.get(
                (address.postcode, address.huisnummer, "")
            )
            if hit:
                address.buurt_id = hit[2]
                matched.append(address)
        Address.objects.bulk_update(matched, ["buurt"], batch_size=5000)
        result.addresses_matched = len(matched)
    result.message = (
        f"{name}: {result.created} nieuw, {result.updated} gewijzigd, {result.unchanged} ongewijzigd; "
        f"{result.addresses_matched} adressen kregen alsnog een buurt"
    )
    return result


def address_for(postcode: str, huisnummer: int | None, toevoeging: str = "") -> Address | None:
    """The canonical address for PC6 + huisnummer (+ toevoeging), created if new with the street,
    place and buurt the address register knows for it; None without a postcode or number.

    For addresses entered one at a time (a verwijsindex signal); the import resolves its
    addresses in bulk with the same key and the same register.
    """
    if not postcode or not huisnummer:
        return None
    postcode = normalise_postcode(postcode)
    toevoeging = normalise_toevoeging(toevoeging or "")
    key = address_key(postcode, int(huisnummer), toevoeging)
    address = Address.objects.filter(key=key).first()
    if address:
        return address
    entry = AddressRegisterEntry.objects.filter(postcode=postcode, huisnummer=huisnummer, toevoeging=toevoeging).first()
    return Address.objects.create(
        key=key,
        postcode=postcode,
        huisnummer=huisnummer,
        toevoeging=toevoeging,
        straat=entry.straat if entry else "",
        woonplaats=entry.woonplaats if entry else "",
        buurt_id=entry.buurt_id if entry else None,
    )
