"""``zicht import --profile NAME FILE``: load one partner export, atomically, with a rejects report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zicht.access.rules import log_command
from zicht.registry.corrections import import_withdrawals
from zicht.registry.domain.profile import ProfileError, available_profiles, find_profile
from zicht.registry.domain.setaside import REASONS
from zicht.registry.pipeline import import_file

PROGRESS_FROM_BYTES = 2_000_000


def _arguments(path: Path, options: dict) -> str:
    """The call as logged (NEN 7513): the file's name and the flags, never its contents."""
    flags = [f"--profile={options['profile']}"] + [f"--{k.replace('_', '-')}" for k in ("accept_partial", "json") if options.get(k)]
    if options.get("user"):
        flags.append(f"--user={options['user']}")
    return " ".join([path.name, *flags])


SHOW_REJECTS = 20


def describe_reason(code: str) -> str:
    return REASONS.get(code, code)


class Command(BaseCommand):
    help = (
        "Importeer een partnerexport met een importprofiel. Standaard alles-of-niets: één afgekeurde rij "
        "en er wordt niets geladen. Rijnummers zoals in een spreadsheet: kopregel = rij 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="het partnerbestand (CSV of XLSX)")
        parser.add_argument("--profile", required=True, help="naam van het importprofiel, bijv. politie-bvh")
        parser.add_argument("--accept-partial", action="store_true", help="laad de geldige records, sla afgekeurde over")
        parser.add_argument("--rejects-out", type=Path, help="schrijf alle afgekeurde rijen naar dit CSV-bestand")
        parser.add_argument("--json", action="store_true", help="uitkomst als JSON")
        parser.add_argument("--user", help="gebruikersnaam die als importeur wordt vastgelegd")
        parser.add_argument("--no-progress", action="store_true", help="geen voortgangsbalk op stderr")
        parser.add_argument(
            "--defer", action="store_true", help="koppelen en kleuren niet nu: `zicht postprocess` doet het (buiten de import)"
        )
        parser.add_argument(
            "--withdrawals",
            action="store_true",
            help="het bestand is een lijst van ingetrokken of vervallen records (kolom registratienummer van het profiel)",
        )

    def _withdrawals(self, path: Path, options: dict, user) -> None:
        """``--withdrawals``: the source's deletion list (registry.corrections.import_withdrawals)."""
        try:
            profile = find_profile(options["profile"])
        except ProfileError as exc:
            raise CommandError(f"{exc}\nBeschikbare profielen: {', '.join(sorted(available_profiles()))}") from None
        batch = import_withdrawals(path, profile, user=user, accept_partial=options["accept_partial"], defer_postprocess=options["defer"])
        log_command("import", _arguments(path, options) + " --withdrawals", batch=str(batch.pk), reason=f"status {batch.status}")
        if options["json"]:
            outcome = {"batch": batch.pk, "status": batch.status, "message": batch.message, "reports_withdrawn": batch.reports_withdrawn}
            self.stdout.write(json.dumps({**outcome, "rejects": batch.rejects}, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"Intrekkingen #{batch.pk} ({batch.get_status_display()}): {batch.message}")
            for reject in batch.rejects[:SHOW_REJECTS]:
                self.stdout.write(f"  {reject['file']} rij {reject['row']}, {reject['field']}: {reject['reason']}")
        if batch.status == "rejected":
            sys.exit(1)

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Gebruiker '{options['user']}' bestaat niet")
        progress = not options["no_progress"] and path.stat().st_size >= PROGRESS_FROM_BYTES
        if options["withdrawals"]:
            return self._withdrawals(path, options, user)
        try:
            batch = import_file(
                path,
                options["profile"],
                accept_partial=options["accept_partial"],
                user=user,
                rejects_out=options["rejects_out"],
                progress=progress,
                defer_postprocess=options["defer"],
            )
        except ProfileError as exc:
            known = ", ".join(sorted(available_profiles()))
            raise CommandError(f"{exc}\nBeschikbare profielen: {known}") from None
        except Exception as exc:  # the batch is recorded as 'failed'; never a traceback with data
            log_command("import", _arguments(path, options), reason=f"mislukt ({type(exc).__name__})")
            raise CommandError(f"Import mislukt ({type(exc).__name__}); er is niets geladen.") from None
        log_command("import", _arguments(path, options), records=batch.rows_loaded, batch=str(batch.pk), reason=f"status {batch.status}")

        outcome = {
            "batch": batch.pk,
            "status": batch.status,
            "file": batch.file_name,
            "profile": batch.profile,
            "source": batch.source.code,
            "message": batch.message,
            "rows_total": batch.rows_total,
            "rows_loaded": batch.rows_loaded,
            "rows_rejected": batch.rows_rejected,
            "reports_created": batch.reports_created,
            "reports_already_present": batch.reports_already_present,
            "reports_corrected": batch.reports_corrected,
            "reports_withdrawn": batch.reports_withdrawn,
            "persons_created": batch.persons_created,
            "addresses_created": batch.addresses_created,
            "addresses_unmatched": batch.addresses_unmatched,
            "addresses_incomplete": batch.addresses_incomplete,
            "rejects": batch.rejects,
            "rows_set_aside": batch.rows_set_aside,
            "set_aside": batch.set_aside,  # [{file, row, field, reason}]: never the value
            "incidents_partial": batch.incidents_partial,
            "rows_duplicate": batch.rows_duplicate,  # exact duplicate lines skipped
            "encoding": batch.encoding,  # recognised text encoding ('' when UTF-8 or declared)
        }
        if options["json"]:
            self.stdout.write(json.dumps(outcome, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"Import #{batch.pk} ({batch.get_status_display()}): {batch.message}")
            for reject in batch.rejects[:SHOW_REJECTS]:
                self.stdout.write(f"  {reject['file']} rij {reject['row']}, {reject['field']}: {reject['reason']}")
            if batch.rows_rejected and len(batch.rejects) > SHOW_REJECTS or batch.rows_rejected > len(batch.rejects):
                rest = "zie --rejects-out" if not options["rejects_out"] else f"alle in {options['rejects_out']}"
                self.stdout.write(f"  … {batch.rows_rejected} afgekeurde rijen in totaal ({rest})")
            elif options["rejects_out"] and batch.rows_rejected:
                self.stdout.write(f"  Afgekeurde rijen: {options['rejects_out']}")
            for entry in batch.set_aside[:SHOW_REJECTS]:
                self.stdout.write(
                    f"  waarschuwing: {entry['file']} rij {entry['row']}, {entry['field']} terzijde gelegd: "
                    f"{describe_reason(entry['reason'])}"
                )
            if batch.rows_set_aside > min(len(batch.set_aside), SHOW_REJECTS):
                self.stdout.write(f"  … {batch.rows_set_aside} rijen met terzijde gelegde waarden (zie de importpagina)")
        if batch.status == "rejected":
            sys.exit(1)
