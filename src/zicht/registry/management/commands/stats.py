"""``zicht stats``: what is in the registry, per record kind and per source (counts only)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.db.models import Count, Q, Sum

from zicht.registry.models import Address, AddressRegisterEntry, ImportBatch, Organisation, Person, Report


def registry_stats() -> dict:
    """Counts per record kind and per source; no personal data (also used by the imports page)."""
    per_source = {}
    for org in Organisation.objects.order_by("code"):
        per_source[org.code] = {"naam": org.naam, "reports": {}, "persons": 0, "batches": 0, "rows_rejected": 0}
    for row in Report.objects.values("source__code", "soort").annotate(n=Count("id")).order_by():
        per_source.setdefault(row["source__code"], {"reports": {}, "persons": 0, "batches": 0, "rows_rejected": 0})
        per_source[row["source__code"]]["reports"][row["soort"]] = row["n"]
    for row in Person.objects.values("source__code").annotate(n=Count("id")).order_by():
        per_source[row["source__code"]]["persons"] = row["n"]
    for row in ImportBatch.objects.values("source__code").annotate(n=Count("id"), r=Sum("rows_rejected")).order_by():
        per_source[row["source__code"]]["batches"] = row["n"]
        per_source[row["source__code"]]["rows_rejected"] = row["r"] or 0
    per_source = {k: v for k, v in per_source.items() if v["reports"] or v["persons"] or v["batches"]}
    addresses = Address.objects.aggregate(total=Count("id"), zonder_buurt=Count("id", filter=Q(buurt__isnull=True)))
    return {
        "reports": {row["soort"]: row["n"] for row in Report.objects.values("soort").annotate(n=Count("id")).order_by("soort")},
        "reports_total": Report.objects.count(),
        "persons": Person.objects.count(),
        "persons_with_bsn": Person.objects.exclude(bsn_hash="").count(),
        "addresses": addresses["total"],
        "addresses_without_buurt": addresses["zonder_buurt"],
        "address_register_entries": AddressRegisterEntry.objects.count(),
        "batches": {row["status"]: row["n"] for row in ImportBatch.objects.values("status").annotate(n=Count("id")).order_by("status")},
        "rows_rejected": ImportBatch.objects.aggregate(n=Sum("rows_rejected"))["n"] or 0,
        "per_source": per_source,
    }


class Command(BaseCommand):
    help = "Tellingen van het register per soort registratie en per bron (geen persoonsgegevens)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        stats = registry_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, indent=2, ensure_ascii=False))
            return
        w = self.stdout.write
        w(f"Records: {stats['reports_total']}  " + "  ".join(f"{k}: {v}" for k, v in stats["reports"].items()))
        w(f"Personen: {stats['persons']} (met BSN: {stats['persons_with_bsn']})")
        w(
            f"Adressen: {stats['addresses']} (zonder buurt: {stats['addresses_without_buurt']}); "
            f"adresregister: {stats['address_register_entries']}"
        )
        w(
            "Imports: "
            + ("  ".join(f"{k}: {v}" for k, v in stats["batches"].items()) or "geen")
            + f"; afgekeurde rijen: {stats['rows_rejected']}"
        )
        for code, s in stats["per_source"].items():
            kinds = ", ".join(f"{k} {v}" for k, v in s["reports"].items()) or "geen records"
            w(f"  {code}: {kinds}; personen {s['persons']}; imports {s['batches']}; afgekeurd {s['rows_rejected']}")
