"""``zicht buurtregie-reminders``: the open buurtregie actions past their due date, per member.

Run daily (cron). Prints one line per overdue action (buurtregie, owner account, due date; never
the action's text) and with ``--mail`` sends each owner one e-mail with the number of overdue
actions and the link to the agenda. Logged as a command in the access log.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from zicht.access.rules import log_command
from zicht.buurtregie.services import overdue_actions


class Command(BaseCommand):
    help = "Herinneringen: afgesproken acties van de buurtregie die over datum zijn."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Peildatum JJJJ-MM-DD (standaard: vandaag)")
        parser.add_argument("--mail", action="store_true", help="Stuur elke eigenaar één e-mail (alleen aantal en link)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        today = options["today"] or timezone.localdate()
        actions = overdue_actions(today)
        per_owner = defaultdict(list)
        for action in actions:
            per_owner[action.owner.user].append(action)
        log_command("buurtregie-reminders", f"--today {today.isoformat()}" + (" --mail" if options["mail"] else ""), records=len(actions))
        rows = [
            {
                "action": a.pk,
                "buurtregie": a.regie.naam,
                "owner": a.owner.user.get_username(),
                "due_on": a.due_on.isoformat(),
                "days_overdue": (today - a.due_on).days,
            }
            for a in actions
        ]
        sent = 0
        if options["mail"]:
            base = getattr(settings, "ZICHT_BASE_URL", "").rstrip("/")
            for user, owned in per_owner.items():
                if not user.email:
                    continue
                links = sorted({f"{base}{reverse('buurtregie:agenda', args=[a.regie_id])}" for a in owned})
                send_mail(
                    "Zicht: acties van de buurtregie over datum",
                    f"U heeft {len(owned)} afgesproken actie(s) van de buurtregie die over datum zijn.\n\n" + "\n".join(links),
                    None,
                    [user.email],
                )
                sent += 1
        if options["json"]:
            self.stdout.write(json.dumps({"today": today.isoformat(), "overdue": rows, "mails": sent}, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['buurtregie']}: actie {row['action']} van {row['owner']}, uiterlijk {row['due_on']} ({row['days_overdue']} dagen over datum)"
            )
        self.stdout.write(f"{len(rows)} actie(s) over datum bij {len(per_owner)} eigenaar/eigenaren; {sent} e-mail(s) verstuurd.")
