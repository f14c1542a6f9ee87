"""Retention of the access log itself: the one way entries leave the append-only log.

``purge_before(day)`` removes every entry (and its record rows) older than ``day``, as a
prefix of the hash chain, in one transaction:

1. take the append lock and write an anchor entry (``accesslog_retentie`` / ``delete``) whose
   ``query`` names the last removed entry and its hash (``tot_en_met=N&hash=H``), so
   ``zicht accesslog --verify`` still proves the rest of the chain and shows that, when and by
   whom the oldest part was removed;
2. lift the DELETE refusal (``triggers.suspended``: on PostgreSQL ``ALTER TABLE ... DISABLE
   TRIGGER``, which only the table owner may run, re-enabled before commit), delete, restore.

Entries younger than the minimum term (``settings.ACCESS_LOG_RETENTION_YEARS``, default 5) are
never removed (``earliest_allowed_cutoff``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from .domain.retention import add_years


def earliest_allowed_cutoff(today: dt.date, years: int) -> dt.date:
    """The latest day before which log entries may be removed: ``years`` before today."""
    return add_years(today, -years)


def purge_before(day: dt.date, today: dt.date | None = None) -> dict:
    from . import chain, triggers
    from .models import AccessLogEntry
    from .rules import log_command

    today = today or timezone.localdate()
    years = int(getattr(settings, "ACCESS_LOG_RETENTION_YEARS", 5))
    if day > earliest_allowed_cutoff(today, years):
        raise CommandError(
            f"Het toegangslog wordt minstens {years} jaar bewaard: kies een datum op of voor {earliest_allowed_cutoff(today, years)}"
        )
    cutoff = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        last = AccessLogEntry.objects.filter(at__lt=cutoff).exclude(seq=None).order_by("-seq").values_list("seq", "entry_hash").first()
        if last is None:
            return {"removed": 0, "up_to_seq": 0}
        up_to_seq, up_to_hash = last
        log_command("accesslog", f"--purge-before={day.isoformat()}", reason="bewaartermijn toegangslog")
        from .rules import log_access

        log_access(
            None,
            action="delete",
            record_type=chain.ANCHOR_RECORD_TYPE,
            record_id=f"t/m {up_to_seq}",
            reason=f"Bewaartermijn toegangslog: regels voor {day.isoformat()} verwijderd",
            query=chain.anchor_query(up_to_seq, up_to_hash),
        )
        with triggers.suspended(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM access_accesslogrecord WHERE entry_id IN (SELECT id FROM access_accesslogentry WHERE seq <= %s)",
                [up_to_seq],
            )
            cursor.execute("DELETE FROM access_accesslogentry WHERE seq <= %s", [up_to_seq])
            removed = cursor.rowcount
    return {"removed": removed, "up_to_seq": up_to_seq}
