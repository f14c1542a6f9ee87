"""Registry's retention rules, registered with ``zicht.access.retention`` in RegistryConfig.ready().

Reports are anonymised when their casus (all reports at the address) is older than the region's
term; persons once every report they are party to has expired (or, without reports, after their
own term), unless a higher app still holds them (``access.retention.register_person_hold``).
"""

from __future__ import annotations

from django.db.models import Max

from zicht.access.domain.retention import casus_anchor, is_expired, registry_term
from zicht.access.retention import ANONYMISED, Candidate, RetentionRule, anonymise, held_person_ids, register
from zicht.geo.models import VtRegio
from zicht.geo.regiodata import memberships
from zicht.geo.regions import regio_of

from .models import Person, RecordChange, Report, ReportParty, SetAsideValue


class RegistryReportRule(RetentionRule):
    """Registry reports: anonymised when the casus (all reports at the address) is older than the region's term."""

    name = "registry-meldingen"
    kind = "report"
    action = "anonymise"

    def candidates(self, today, config):
        last = dict(
            Report._base_manager.filter(address__isnull=False).values("address").annotate(m=Max("datum")).values_list("address", "m")
        )
        rows = (
            Report._base_manager.exclude(source_record_id__startswith=ANONYMISED)
            .values_list("pk", "datum", "address_id", "buurt__gemeente_id", "source__regio__naam")
            .iterator(chunk_size=5000)
        )
        members, names = memberships(), dict(VtRegio.objects.values_list("code", "naam"))
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
        # the record's history (corrections, withdrawal: previous values) goes with it (issue 13)
        RecordChange.objects.filter(report_id__in=ids).delete()
        return anonymise(Report, ids, {"address": None, "source_rows": ""}, key_field="source_record_id")


class RegistryPersonRule(RetentionRule):
    """Registry persons: anonymised once every report they are party to has expired (or, without reports, their own term)."""

    name = "registry-personen"
    kind = "person"
    action = "anonymise"

    def __init__(self, report_rule: RegistryReportRule):
        self.report_rule = report_rule

    def candidates(self, today, config):
        expired = {c.record_id for c in self.report_rule.candidates(today, config)}
        expired |= set(Report._base_manager.filter(source_record_id__startswith=ANONYMISED).values_list("pk", flat=True))
        live_persons = {
            p for p, r in ReportParty.all_objects.values_list("person_id", "report_id").iterator(chunk_size=10000) if r not in expired
        }
        has_reports = set(ReportParty.all_objects.values_list("person_id", flat=True).distinct())  # withdrawn records too
        held = held_person_ids()
        found = []
        default_years = config["registry_years"]
        rows = Person._base_manager.exclude(source_key__startswith=ANONYMISED).values_list("pk", "created_at", "source__regio__naam")
        for pk, created_at, region in rows.iterator(chunk_size=5000):
            if pk in live_persons or pk in held:
                continue
            if pk in has_reports:
                found.append(Candidate(self.kind, pk, today, -1))  # follows its reports
            else:
                years = registry_term(region, default_years, config["registry_years_per_region"])
                if is_expired(created_at.date(), years, today):
                    found.append(Candidate(self.kind, pk, created_at.date(), years))
        return found

    def apply(self, ids, today):
        # the invalid values set aside at import (issue 19) go with the person
        SetAsideValue._base_manager.filter(person_id__in=ids).delete()
        RecordChange.objects.filter(person_id__in=ids).delete()  # a person's corrected values go with the person
        return anonymise(Person, ids, {"bsn_hash": "", "address": None}, key_field="source_key")


def register_rules() -> None:
    """Called from RegistryConfig.ready(): reports first, then the persons that follow them."""
    report_rule = register(RegistryReportRule())
    register(RegistryPersonRule(report_rule))
