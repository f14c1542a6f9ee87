"""Retention: a small registry of rules, one per record kind, run by ``zicht retention``.

Each rule lists which records have outlived their term (``candidates``) and deletes or
anonymises them (``apply``). Apps register rules for their own models, so access never
imports their code::

    from zicht.access.retention import DateFieldRule, register
    register(DateFieldRule("casework.Signal", date_field="datum", kind="signaal", years_key="signaal_years"))

A run writes one access-log entry per record (action ``delete``, actor ``systeem``, reason
naming the rule and the term) and one RetentionRun with counts, so the privacy officer sees
what happened without any personal value. Anonymisation blanks every encrypted field (names,
date of birth, free text) and the BSN hash, and cuts the link to the address, while the
record itself stays so aggregates (counts per buurt, month, aard) do not change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from zicht.core.fields import EncryptedTextField
from zicht.geo.regiodata import memberships
from zicht.geo.regions import regio_of

from .chain import append_many
from .domain.retention import add_years, casus_anchor, is_expired, registry_term
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
        return [Candidate(self.kind, pk, day if isinstance(day, dt.date) and not isinstance(day, dt.datetime) else day.date(), years) for pk, day in rows if is_expired(day if not isinstance(day, dt.datetime) else day.date(), years, today)]

    def apply(self, ids, today):
        if self.action == "anonymise":
            return anonymise(self.model, ids)
        deleted = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self.model._base_manager.filter(pk__in=chunk).delete()
            deleted += len(chunk)
        return deleted


class SignalRule(DateFieldRule):
    """Verwijsindex signals: deleted two years after registration; the signal's own person is anonymised."""

    def __init__(self):
        super().__init__("casework.Signal", "datum", "signaal", "signaal_years", name="signalen")

    def apply(self, ids, today):
        Signal = self.model
        person_ids = set(Signal._base_manager.filter(pk__in=ids).values_list("person_id", flat=True))
        deleted = super().apply(ids, today)
        Person = apps.get_model("registry", "Person")
        orphans = (
            Person._base_manager.filter(pk__in=person_ids, parties__isnull=True, signals__isnull=True)
            .exclude(source_key__startswith=ANONYMISED)
            .values_list("pk", flat=True)
        )
        anonymise(Person, list(orphans), {"bsn_hash": "", "address": None}, key_field="source_key")
        return deleted


class RegistryReportRule(RetentionRule):
    """Registry reports: anonymised when the casus (all reports at the address) is older than the region's term."""

    name = "registry-meldingen"
    kind = "report"
    action = "anonymise"

    def candidates(self, today, config):
        Report = apps.get_model("registry", "Report")
        last = dict(
            Report._base_manager.filter(address__isnull=False).values("address").annotate(m=Max("datum")).values_list("address", "m")
        )
        rows = (
            Report._base_manager.exclude(source_record_id__startswith=ANONYMISED)
            .values_list("pk", "datum", "address_id", "buurt__gemeente_id", "source__regio__naam")
            .iterator(chunk_size=5000)
        )
        members, names = memberships(), dict(apps.get_model("geo", "VtRegio").objects.values_list("code", "naam"))
        found = []
        for pk, datum, address_id, gemeente, region_source in rows:
            # the region of the report's gemeente in the report's year (a merger can move it)
            region_area = names.get(regio_of(members, gemeente, datum.year)) if gemeente and datum else None
            years = registry_term(region_area or region_source, config["registry_years"], config["registry_years_per_region"])
            anchor = casus_anchor(datum, last.get(address_id))
            if is_expired(anchor, years, today):
                found.append(Candidate(self.kind, pk, anchor, years))
        return found

    def apply(self, ids, today):
        Report = apps.get_model("registry", "Report")
        return anonymise(Report, ids, {"address": None, "source_rows": ""}, key_field="source_record_id")


class RegistryPersonRule(RetentionRule):
    """Registry persons: anonymised once every report they are party to has expired (or, without reports, their own term)."""

    name = "registry-personen"
    kind = "person"
    action = "anonymise"

    def __init__(self, report_rule: RegistryReportRule):
        self.report_rule = report_rule
        self._expired_reports: set[int] = set()

    def candidates(self, today, config):
        Person = apps.get_model("registry", "Person")
        ReportParty = apps.get_model("registry", "ReportParty")
        Report = apps.get_model("registry", "Report")
        expired = {c.record_id for c in self.report_rule.candidates(today, config)}
        expired |= set(Report._base_manager.filter(source_record_id__startswith=ANONYMISED).values_list("pk", flat=True))
        live_persons = {p for p, r in ReportParty.objects.values_list("person_id", "report_id").iterator(chunk_size=10000) if r not in expired}
        has_reports = set(ReportParty.objects.values_list("person_id", flat=True).distinct())
        signal_persons = set()
        if apps.is_installed("zicht.casework"):
            with contextlib.suppress(LookupError):
                signal_persons = set(apps.get_model("casework", "Signal")._base_manager.values_list("person_id", flat=True))
        found = []
        default_years = config["registry_years"]
        rows = Person._base_manager.exclude(source_key__startswith=ANONYMISED).values_list("pk", "created_at", "source__regio__naam")
        for pk, created_at, region in rows.iterator(chunk_size=5000):
            if pk in live_persons or pk in signal_persons:
                continue
            if pk in has_reports:
                found.append(Candidate(self.kind, pk, today, -1))  # follows its reports
            else:
                years = registry_term(region, default_years, config["registry_years_per_region"])
                if is_expired(created_at.date(), years, today):
                    found.append(Candidate(self.kind, pk, created_at.date(), years))
        return found

    def apply(self, ids, today):
        Person = apps.get_model("registry", "Person")
        return anonymise(Person, ids, {"bsn_hash": "", "address": None}, key_field="source_key")


_REGISTRY: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    _REGISTRY[rule.name] = rule
    return rule


def registered_rules() -> list[RetentionRule]:
    return [rule for rule in _REGISTRY.values() if rule.available()]


def _register_defaults() -> None:
    report_rule = register(RegistryReportRule())
    register(RegistryPersonRule(report_rule))
    register(SignalRule())


_register_defaults()


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
