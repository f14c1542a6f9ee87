"""``zicht accesslog --since DATE [--until DATE] [--user NAME] [--record TYPE:ID] [--json]``: the access log for audits.

``--record TYPE:ID`` also finds list pages and exports that showed the record (AccessLogRecord).
``zicht accesslog --verify`` recomputes the hash chain and checks the database triggers (exit 1
on the first broken link). ``zicht accesslog --purge-before DATE`` is the retention procedure
of the log itself (schema owner only; see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zicht.access.models import AccessLogEntry
from zicht.access.rules import log_access
from zicht.access.views import EXPORT_COLUMNS, filter_log


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ongeldige datum {text!r}: gebruik JJJJ-MM-DD") from exc


class Command(BaseCommand):
    help = "Print the access log (who read or changed which personal data, when, why, from where)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_date, help="First day (JJJJ-MM-DD)")
        parser.add_argument("--verify", action="store_true", help="Recompute the hash chain; exit 1 at the first broken link")
        parser.add_argument("--head", help="With --verify: SEQ:HASH printed by an earlier --verify (kept outside the database)")
        parser.add_argument("--purge-before", type=_date, help="Retention: remove entries before this day (schema owner only)")
        parser.add_argument("--until", type=_date, help="Last day, inclusive (JJJJ-MM-DD)")
        parser.add_argument("--user", help="Only this username")
        parser.add_argument("--record", help="Only this record, as TYPE:ID (e.g. address:12)")
        parser.add_argument("--action", choices=[a for a, _ in AccessLogEntry.ACTIONS])
        parser.add_argument("--json", action="store_true", help="Print a JSON array (for audit tooling)")

    def handle(self, *args, **options):
        if options["verify"]:
            return self.verify(options["head"])
        if options["purge_before"]:
            from zicht.access.logretention import purge_before

            result = purge_before(options["purge_before"])
            self.stdout.write(f"{result['removed']} regels verwijderd (t/m volgnummer {result['up_to_seq']})")
            return
        if not options["since"]:
            raise CommandError("Geef --since JJJJ-MM-DD (of --verify)")
        criteria = {"van": options["since"], "tot": options["until"], "gebruiker": options["user"], "actie": options["action"]}
        if options["record"]:
            if ":" not in options["record"]:
                raise CommandError("--record verwacht TYPE:ID")
            criteria["record_type"], criteria["record_id"] = options["record"].split(":", 1)
        entries = list(filter_log(AccessLogEntry.objects.order_by("at", "pk"), criteria))
        rows = [{c: (timezone.localtime(e.at).isoformat() if c == "at" else getattr(e, c)) for c in EXPORT_COLUMNS} for e in entries]
        # Reading the log is itself an export of (employee) personal data: log it, as the system.
        arguments = " ".join(f"--{k}={v}" for k, v in criteria.items() if v)
        log_access(
            None,
            action="export",
            record_type="accesslog",
            record_id=f"{len(rows)} regels",
            reason=f"zicht accesslog --since {options['since']}",
            records=[e.pk for e in entries],
            query=arguments,
        )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            self.stdout.write(
                f"{row['at']}  {row['username']:<20} {row['role']:<22} {row['action']:<7} {row['record_type']}:{row['record_id']}  {row['reason']}  {row['ip'] or ''}"
            )
        self.stdout.write(f"{len(rows)} regels")

    def verify(self, head_text: str | None):
        from zicht.access import chain, triggers

        head = None
        if head_text:
            seq, _, digest = head_text.partition(":")
            if not seq.isdigit() or len(digest) != 64:
                raise CommandError("--head verwacht VOLGNUMMER:HASH (zoals --verify het afdrukt)")
            head = (int(seq), digest)
        checked, broken = chain.verify(head)
        missing = triggers.missing()
        if broken is None and not missing:
            last = chain.last_link()
            self.stdout.write(f"Toegangslog intact: {checked} regels, keten klopt, triggers aanwezig")
            if last:
                self.stdout.write(f"Laatste schakel (bewaar buiten de database): {last[0]}:{last[1]}")
            return
        if missing:
            self.stderr.write("Triggers ontbreken: " + ", ".join(missing))
        if broken is not None:
            self.stderr.write(f"Keten gebroken bij volgnummer {broken.seq}: {broken.reason}")
        raise SystemExit(1)
