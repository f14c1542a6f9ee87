"""``zicht retention [--dry-run] [--json] [--today DATE]``: delete or anonymise what outlived its term."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from zicht.access import retention


class Command(BaseCommand):
    help = "Apply the retention terms: --dry-run lists what expired, without it records are deleted or anonymised and logged."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--today", help="Reference date (JJJJ-MM-DD), default today")
        parser.add_argument("--show-ids", action="store_true", help="List record ids (never names)")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today verwacht JJJJ-MM-DD") from exc
        result = retention.run(today=today, dry_run=options["dry_run"])
        if options["json"]:
            if not options["show_ids"]:
                for rule in result["rules"]:
                    rule.pop("ids")
            self.stdout.write(json.dumps(result, indent=1))
            return
        verb = {
            "delete": "te verwijderen" if options["dry_run"] else "verwijderd",
            "anonymise": "te anonimiseren" if options["dry_run"] else "geanonimiseerd",
        }
        self.stdout.write(f"Bewaartermijnen per {result['today']}{' (proefrun, er is niets gewijzigd)' if options['dry_run'] else ''}:")
        for rule in result["rules"]:
            self.stdout.write(f"  {rule['rule']:<22} {rule['kind']:<10} {rule['count']:>8} {verb[rule['action']]}")
            if options["show_ids"] and rule["ids"]:
                self.stdout.write("    ids: " + ", ".join(map(str, rule["ids"][:200])) + (" …" if len(rule["ids"]) > 200 else ""))
