"""Small builders for casework tests: geography, organisations, addresses, reports with parties."""

from __future__ import annotations

import itertools
from datetime import date

from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.registry.models import Address, Organisation, Person, Report, ReportParty

_seq = itertools.count(1)


def geography():
    gm, _ = Gemeente.objects.get_or_create(code="GM0855", defaults={"naam": "Tilburg", "indeling_jaar": 2024})
    wk, _ = Wijk.objects.get_or_create(code="WK085501", defaults={"naam": "Centrum", "gemeente": gm, "indeling_jaar": 2024})
    bu, _ = Buurt.objects.get_or_create(
        code="BU08550101", defaults={"naam": "Binnenstad", "wijk": wk, "gemeente": gm, "indeling_jaar": 2024}
    )
    return gm, wk, bu


def organisation(code: str, type_: str, **extra) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "naam": extra.pop("naam", code.capitalize()),
            "type": type_,
            "contact_naam": f"Contact {code}",
            "contact_telefoon": "013-1234567",
            **extra,
        },
    )
    return org


def address(postcode="5021AB", huisnummer=12, toevoeging="", buurt=None) -> Address:
    if buurt is None:
        buurt = geography()[2]
    addr, _ = Address.objects.get_or_create(
        key=f"{postcode}|{huisnummer}|{toevoeging}",
        defaults={
            "postcode": postcode,
            "huisnummer": huisnummer,
            "toevoeging": toevoeging,
            "straat": "Heuvelstraat",
            "woonplaats": "Tilburg",
            "buurt": buurt,
        },
    )
    return addr


def person(source, voornamen="Anna", achternaam="Jansen", geboortedatum="1990-04-01", address_=None, bsn_hash="") -> Person:
    return Person.objects.create(
        source=source,
        source_key=f"p{next(_seq)}",
        voornamen=voornamen,
        achternaam=achternaam,
        geboortedatum=geboortedatum,
        address=address_,
        bsn_hash=bsn_hash,
    )


def report(source, addr, datum: date, parties=(), **fields) -> Report:
    fields.setdefault("soort", "incident")
    fields.setdefault("aard", "ex_partnergeweld")
    rep = Report.objects.create(
        source=source, source_record_id=f"r{next(_seq)}", datum=datum, address=addr, buurt=addr.buurt if addr else None, **fields
    )
    for p, rol in parties:
        ReportParty.objects.create(report=rep, person=p, rol=rol)
    return rep
