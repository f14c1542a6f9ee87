"""The VT region table in the database: load it from the data file, ask it for a year.

The rule (which gemeente is in which region in which year) is ``zicht.geo.regions``; this module
only reads and writes ``VtRegio`` / ``VtRegioGemeente`` rows.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.db import transaction

from .models import VtRegio, VtRegioGemeente
from .regions import Membership, conflicts, gemeenten_of, regio_of

DATA_FILE = Path(__file__).with_name("data") / "vt_regios.csv"


def current_year() -> int:
    return datetime.date.today().year


def memberships() -> list[Membership]:
    return [
        Membership(r, g, v, t) for r, g, v, t in VtRegioGemeente.objects.values_list("regio_id", "gemeente_code", "van_jaar", "tot_jaar")
    ]


def gemeenten_in_regio(regio: str, jaar: int | None = None) -> frozenset[str]:
    """Gemeentecodes of region ``regio`` (its code) in ``jaar`` (default: this year)."""
    if not regio:
        return frozenset()
    rows = [
        Membership(regio, g, v, t)
        for g, v, t in VtRegioGemeente.objects.filter(regio_id=regio).values_list("gemeente_code", "van_jaar", "tot_jaar")
    ]
    return gemeenten_of(rows, regio, jaar or current_year())


def regio_van_gemeente(gemeente: str, jaar: int | None = None) -> str | None:
    if not gemeente:
        return None
    rows = [
        Membership(r, gemeente, v, t)
        for r, v, t in VtRegioGemeente.objects.filter(gemeente_code=gemeente).values_list("regio_id", "van_jaar", "tot_jaar")
    ]
    return regio_of(rows, gemeente, jaar or current_year())


def read_region_file(path: Path = DATA_FILE) -> list[dict]:
    """Rows of the region file (lines starting with '#' are its source notes)."""
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def load_regions(path: Path = DATA_FILE) -> dict:
    """Upsert the 26 regions and replace their memberships from the file, except rows the
    functioneel beheerder changed (``handmatig``). Refuses an inconsistent table."""
    rows = read_region_file(path)
    kept = list(VtRegioGemeente.objects.filter(handmatig=True))
    kept_keys = {(m.gemeente_code, m.van_jaar) for m in kept}
    new = [
        Membership(r["regio_code"], r["gemeentecode"], int(r["van_jaar"]), int(r["tot_jaar"]) if r["tot_jaar"] else None)
        for r in rows
        if (r["gemeentecode"], int(r["van_jaar"])) not in kept_keys
    ]
    kept_gemeenten = {m.gemeente_code for m in kept}
    new = [m for m in new if m.gemeente not in kept_gemeenten]
    problems = conflicts(new + [Membership(m.regio_id, m.gemeente_code, m.van_jaar, m.tot_jaar) for m in kept])
    if problems:
        raise ValueError("Regiotabel niet consistent: " + "; ".join(problems[:5]))
    by_key = {(r["gemeentecode"], int(r["van_jaar"])): r for r in rows}
    with transaction.atomic():
        for code, naam in sorted({(r["regio_code"], r["regio_naam"]) for r in rows}):
            VtRegio.objects.update_or_create(code=code, defaults={"naam": naam})
        VtRegioGemeente.objects.filter(handmatig=False).delete()
        VtRegioGemeente.objects.bulk_create(
            [
                VtRegioGemeente(
                    regio_id=m.regio,
                    gemeente_code=m.gemeente,
                    gemeente_naam=by_key[(m.gemeente, m.van_jaar)]["gemeentenaam"],
                    van_jaar=m.van_jaar,
                    tot_jaar=m.tot_jaar,
                    bevestigd=by_key[(m.gemeente, m.van_jaar)]["bevestigd"] == "ja",
                    bron=by_key[(m.gemeente, m.van_jaar)]["bron"][:300],
                )
                for m in new
            ]
        )
    return {"regios": VtRegio.objects.count(), "lidmaatschappen": len(new) + len(kept)}
