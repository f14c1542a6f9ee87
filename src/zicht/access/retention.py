"""Retention: a small registry of rules, one per record kind, run by ``zicht retention``.

Each rule lists which records have outlived their term (``candidates``) and deletes or
anonymises them (``apply``). Apps register rules for their own models, so access never
imports their code::

    from zicht.access.retention import DateFieldRule, register
    register(DateFieldRule("casework.Signal", date_field="datum", kind="signaal", years_key="signaal_years"))

Registry registers its report and person rules (``zicht.registry.retention``), casework its
signal rule and the persons its signals still hold (``register_person_hold``).

A run writes one access-log entry per record (action ``delete``, actor ``systeem``, reason
naming the rule and the term) and one RetentionRun with counts, so the privacy officer sees
what happened without any personal value. Anonymisation blanks every encrypted field (names,
date of birth, free text) and the BSN hash, and cuts the link to the address, while the
record itself stays so aggregates (counts per buurt, month, aard) do not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction

from zicht.core.fields import EncryptedTextField

from .chain import append_many
from .domain.retention import add_years, is_expired
from .models import AccessLogEntry, RetentionRun

ANONYMISED = "geanonimiseerd-"


@dataclass(frozen=True)
class Candidate:
    record_type: str
    record_id: int
    anchor: dt.date
    years: int


class RetentionRule:
    name = "rule"
    kind = "record"
    action = "delete"  # or "anonymise"

    def candidates(self, today: dt.date, config: dict) -> list[Candidate]:
        raise NotImplementedError

    def apply(self, ids: list[int], today: dt.date) -> int:
        raise NotImplementedError

    def available(self) -> bool:
        return True


def _blank_values(model) -> dict:
    return {f.name: "" for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}


def anonymise(model, ids, extra: dict | None = None, key_field: str | None = None) -> int:
    """Blank the encrypted fields (+ ``extra``); give ``key_field`` a neutral unique value."""
    count = 0
    values = {**_blank_values(model), **(extra or {})}
    for obj in model._base_manager.filter(pk__in=ids).only("pk"):
        row = dict(values)
        if key_field:
            row[key_field] = f"{ANONYMISED}{obj.pk}"
        count += model._base_manager.filter(pk=obj.pk).update(**row)
    return count


class DateFieldRule(RetentionRule):
    """Delete (or anonymise) records whose ``date_field`` is older than a configured term."""

    def __init__(self, model_label: str, date_field: str, kind: str, years_key: str, action: str = "delete", name: str | None = None):
        self.model_label, self.date_field, self.kind, self.years_key, self.action = model_label, date_field, kind, years_key, action
        self.name = name or f"{model_label.lower()}:{date_field}"

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def available(self) -> bool:
        try:
            self.model  # noqa: B018 - resolving the model label is the check
        except LookupError:
            return False
        return True

    def candidates(self, today, config):
        years = int(config[self.years_key])

        cutoff = add_years(today, -years)
        rows = self.model._base_manager.filter(**{f"{self.date_field}__lte": cutoff}).values_list("pk", self.date_field)
        return [
            Candidate(self.kind, pk, day if isinstance(day, dt.date) and not isinstance(day, dt.datetime) else day.date(), years)
            for pk, day in rows
            if is_expired(day if not isinstance(day, dt.datetime) else day.date(), years, today)
        ]

    def apply(self, ids, today):
        if self.action == "anonymise":
            return anonymise(self.model, ids)
        deleted = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self.model._base_manager.filter(pk__in=chunk).delete()
            deleted += len(chunk)
        return deleted


_REGISTRY: dict[str, RetentionRule] = {}
_PERSON_HOLDS: dict[str, Callable[[], set[int]]] = {}


def register(rule: RetentionRule) -> RetentionRule:
    """An app registers the rules for its own records (in its AppConfig.ready()); they run in
    registration order, so registry's report rule comes before its person rule."""
    _REGISTRY[rule.name] = rule
    return rule


def registered_rules() -> list[RetentionRule]:
    return [rule for rule in _REGISTRY.values() if rule.available()]


def register_person_hold(name: str, held: Callable[[], set[int]]) -> None:
    """A higher app that keeps registry persons alive (a verwijsindex signal names its person)
    registers which person ids it still holds; the person rule leaves those alone."""
    _PERSON_HOLDS[name] = held


def held_person_ids() -> set[int]:
    """Registry person ids some app still holds (``register_person_hold``)."""
    out: set[int] = set()
    for held in _PERSON_HOLDS.values():
        out |= held()
    return out


def _reason(rule: RetentionRule, c: Candidate) -> str:
    done = "geanonimiseerd" if rule.action == "anonymise" else "verwijderd"
    if c.years < 0:
        return f"Bewaartermijn verlopen ({rule.name}: alle meldingen van deze persoon zijn verlopen); {done}"
    return f"Bewaartermijn verlopen ({rule.name}: {c.years} jaar na {c.anchor.isoformat()}); {done}"[:300]


def config_from_settings() -> dict:
    return dict(settings.RETENTION)


def run(today: dt.date | None = None, dry_run: bool = True, config: dict | None = None, actor: str = "systeem") -> dict:
    """Find and (unless dry_run) process expired records; log per record; return the summary."""
    from django.utils import timezone

    today = today or timezone.localdate()
    config = config or config_from_settings()
    summary = []
    with transaction.atomic():
        # Persons are decided after reports, so run the rules in registration order.
        for rule in registered_rules():
            found = rule.candidates(today, config)
            item = {"rule": rule.name, "kind": rule.kind, "action": rule.action, "count": len(found), "ids": [c.record_id for c in found]}
            if found and not dry_run:
                rule.apply([c.record_id for c in found], today)
                append_many(
                    [
                        AccessLogEntry(
                            username=actor,
                            action="delete",
                            record_type=c.record_type,
                            record_id=str(c.record_id),
                            reason=_reason(rule, c),
                        )
                        for c in found
                    ]
                )
            summary.append(item)
        RetentionRun.objects.create(
            dry_run=dry_run, today=today, by=actor, summary=[{k: v for k, v in s.items() if k != "ids"} for s in summary]
        )
    return {"today": today.isoformat(), "dry_run": dry_run, "rules": summary}
