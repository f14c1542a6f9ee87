"""Synthetic reports for the areas tests (ORM, deterministic; no personal data needed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from zicht.registry.models import Address, Organisation, Report

AARDEN = ["kindermishandeling"] * 11 + ["ex_partnergeweld"] * 6 + ["geweld_tegen_ouders", "ouderenmishandeling", "hg_overig"]
RELATIES = ["partner", "ex_partner", "ouder_kind", "kind_ouder", "overig_familielid", "onbekend"]


def organisations() -> dict[str, Organisation]:
    out = {}
    for code, naam, type_ in (
        ("politie-test", "Politie Zeeland-West-Brabant", "politie"),
        ("vt-test", "Veilig Thuis Midden-Brabant", "veilig_thuis"),
        ("wijkteam-test-areas", "Wijkteam Tilburg", "wijkteam"),
    ):
        out[type_], _ = Organisation.objects.get_or_create(code=code, defaults={"naam": naam, "type": type_})
    return out


def make_reports(
    buurten: list[str], n: int, seed: int = 1, start: date = date(2023, 1, 1), days: int = 730, addresses_per_buurt: int = 40
) -> int:
    """``n`` reports spread over the buurten (weighted: the first buurt gets most) and two years."""
    rng = random.Random(seed)
    orgs = organisations()
    addresses = []
    for b in buurten:
        for i in range(addresses_per_buurt):
            addresses.append(Address(key=f"{b}|{i}", postcode=f"5000{b[-2:]}"[:6].ljust(6, "A"), huisnummer=i + 1, buurt_id=b))
    Address.objects.bulk_create(addresses, ignore_conflicts=True, batch_size=2000)
    by_buurt = {}
    for a in Address.objects.filter(buurt_id__in=buurten).values_list("id", "buurt_id"):
        by_buurt.setdefault(a[1], []).append(a[0])
    weights = [max(1, 10 - i) for i in range(len(buurten))]
    reports = []
    base = Report.objects.count()
    for i in range(n):
        buurt = rng.choices(buurten, weights)[0]
        source = rng.choices(["politie", "veilig_thuis", "wijkteam"], [4, 5, 1])[0]
        reports.append(
            Report(
                source=orgs[source],
                source_record_id=f"T{seed}-{base + i}",
                soort={"politie": "incident", "veilig_thuis": "melding", "wijkteam": "signaal"}[source],
                datum=start + timedelta(days=rng.randrange(days)),
                aard=rng.choice(AARDEN),
                relatie=rng.choice(RELATIES),
                kinderen_aanwezig=rng.choice([True, False, None]),
                buurt_id=buurt,
                address_id=rng.choice(by_buurt[buurt]) if rng.random() < 0.9 else None,
            )
        )
    Report.objects.bulk_create(reports, batch_size=5000)
    return n
