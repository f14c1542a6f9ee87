"""``zicht explain "5021 AB 12" [--json]``: an address's colour, the rule-set version and the reasons.

No names are printed; the read is written to the access log as a command-line read.
"""

from __future__ import annotations

import getpass
import json
import re

from django.core.management.base import BaseCommand, CommandError

from zicht.access.models import AccessLogEntry
from zicht.casework.colour.services import current_result
from zicht.registry.domain.address import AddressError, address_key, normalise_postcode, split_huisnummer
from zicht.registry.models import Address

_SPLIT = re.compile(r"^\s*(\d{4}\s*[A-Za-z]{2})\s*,?\s*(.+?)\s*$")


def parse_address(text: str) -> tuple[str, int, str]:
    """'5021 AB 12-a' → ('5021AB', 12, 'A'): postcode and huisnummer normalised by the registry's rules."""
    match = _SPLIT.match(text or "")
    if not match:
        raise ValueError('Geef een adres als postcode en huisnummer, bijvoorbeeld "5021 AB 12" of "5021AB 12-A".')
    try:
        number, addition = split_huisnummer(match.group(2))
        return normalise_postcode(match.group(1)), number, addition
    except AddressError as exc:
        raise ValueError(str(exc)) from exc


class Command(BaseCommand):
    help = "Toon de kleur van een adres, de regelsetversie en de redenen."

    def add_arguments(self, parser):
        parser.add_argument("address", help='Postcode en huisnummer, bijvoorbeeld "5021 AB 12"')
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            postcode, number, addition = parse_address(options["address"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        address = Address.objects.filter(key=address_key(postcode, number, addition)).first()
        if address is None:
            raise CommandError(f"Adres {postcode} {number}{addition} komt niet voor in de registratie.")
        result = current_result("address", address.pk)
        AccessLogEntry.objects.create(
            username=f"cli:{getpass.getuser()}",
            role="",
            action="view",
            record_type="address",
            record_id=str(address.pk),
            reason="zicht explain (opdrachtregel)",
            path="zicht explain",
        )
        data = {
            "address": {
                "id": address.pk,
                "postcode": address.postcode,
                "huisnummer": address.huisnummer,
                "toevoeging": address.toevoeging,
                "straat": address.straat,
                "woonplaats": address.woonplaats,
                "buurt": address.buurt_id,
            },
            "colour": result.colour,
            "ruleset_version": result.ruleset_version,
            "evaluated_at": result.evaluated_at.isoformat(),
            "events": result.events,
            "reports": result.reports,
            "last_report_date": result.last_report_date.isoformat() if result.last_report_date else None,
            "reasons": result.reasons,
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{address}: {result.colour.upper()} (regelset {result.ruleset_version}, {result.events} gebeurtenissen uit {result.reports} registraties)"
        )
        for reason in result.reasons:
            dates = ", ".join(reason.get("dates", []))
            self.stdout.write(
                f"  - [{reason['colour']}] {reason['rule']}: {reason['text']}"
                + (f" (data: {dates}; registraties {reason['reports']})" if dates else "")
            )
