"""Scoping of the registry models: the queries behind ``zicht.access.scoping``'s helpers.

Registered in RegistryConfig.ready(); views keep using ``zicht.access.scoping``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from zicht.access.domain.scope import ORGANISATION, REGION, Scope
from zicht.access.rules import user_role
from zicht.access.scoping import report_filter, scope_for
from zicht.geo.models import Buurt

from .models import Address, ImportBatch, Organisation, Person, Report, ReportParty, current_report_sql


def visible_reports(user, qs=None):
    qs = Report.objects.all() if qs is None else qs
    q = report_filter(scope_for(user))
    return qs.none() if q is None else qs.filter(q)


def visible_persons(user, qs=None):
    """Persons the organisation registered (professional) or that appear in the region (ketenregisseur)."""
    qs = Person.objects.all() if qs is None else qs
    scope = scope_for(user)
    if scope.kind == ORGANISATION:
        return qs.filter(source_id=scope.organisation_id)
    if scope.kind == REGION:
        parties = ReportParty.objects.filter(person=OuterRef("pk")).filter(report_filter(scope, "report__"))
        own_area = Q(address__buurt__gemeente_id__in=scope.gemeente_codes)
        return qs.filter(Exists(parties) | own_area)
    return qs.none()


def visible_addresses(user, qs=None):
    """Addresses where the organisation reported something (professional) or in the region (ketenregisseur)."""
    qs = Address.objects.all() if qs is None else qs
    scope = scope_for(user)
    q = report_filter(scope)
    if q is None:
        return qs.none()
    reports = Report.objects.filter(address=OuterRef("pk")).filter(q)
    if scope.kind == REGION:
        return qs.filter(Exists(reports) | Q(buurt__gemeente_id__in=scope.gemeente_codes))
    return qs.filter(Exists(reports))


def address_scope_sql(scope: Scope, address: str) -> tuple[str, list] | None:
    """``visible_addresses`` as one SQL condition on the address row aliased ``address``.

    For hot pages that authorise and load a record in a single raw query (the address page).
    The same rule as the queryset above (a test compares both on a table of cases); like it, only
    current reports count (``current_report_sql``: a withdrawn record places an address in no
    scope). Values are always bound parameters. None = nothing is visible.
    """
    report, buurt, source = Report._meta.db_table, Buurt._meta.db_table, Organisation._meta.db_table
    if scope.kind == ORGANISATION:
        return (
            f"EXISTS (SELECT 1 FROM {report} sr WHERE sr.address_id = {address}.id AND {current_report_sql('sr')} AND sr.source_id = %s)",
            [scope.organisation_id],
        )
    if scope.kind != REGION:
        return None
    codes = sorted(scope.gemeente_codes)
    marks = ", ".join(["%s"] * len(codes))
    source_in, source_params = [], []
    if codes:
        source_in.append(f"so.gemeente_id IN ({marks})")
        source_params += codes
    if scope.region:
        source_in.append("so.regio_id = %s")
        source_params.append(scope.region)
    report_in, params = [], []
    if codes:
        report_in.append(f"EXISTS (SELECT 1 FROM {buurt} sb WHERE sb.code = sr.buurt_id AND sb.gemeente_id IN ({marks}))")
        params += codes
    if source_in:
        report_in.append(
            f"(sr.buurt_id IS NULL AND EXISTS (SELECT 1 FROM {source} so WHERE so.id = sr.source_id AND ({' OR '.join(source_in)})))"
        )
        params += source_params
    if not report_in:
        return None
    parts, own = [], []
    if codes:  # the address's own buurt first: the cheap, common case
        parts.append(f"EXISTS (SELECT 1 FROM {buurt} ab WHERE ab.code = {address}.buurt_id AND ab.gemeente_id IN ({marks}))")
        own = codes
    parts.append(
        f"EXISTS (SELECT 1 FROM {report} sr WHERE sr.address_id = {address}.id AND {current_report_sql('sr')} AND ({' OR '.join(report_in)}))"
    )
    return f"({' OR '.join(parts)})", own + params


def visible_import_batches(user, qs=None):
    """Import batches: all for the functioneel beheerder (no personal data), region for a ketenregisseur."""
    qs = ImportBatch.objects.all() if qs is None else qs
    role = user_role(user)
    if role == "functioneel_beheerder":
        return qs
    scope = scope_for(user)
    if scope.kind == REGION:
        q = Q(source__gemeente_id__in=scope.gemeente_codes)
        if scope.region:
            q |= Q(source__regio_id=scope.region)
        return qs.filter(q)
    if scope.kind == ORGANISATION:
        return qs.filter(source_id=scope.organisation_id)
    return qs.none()


VISIBILITY = {
    "registry.report": visible_reports,
    "registry.person": visible_persons,
    "registry.address": visible_addresses,
    "registry.importbatch": visible_import_batches,
}


def visible_report_ids(user, report_ids) -> set[int]:
    """The ids among ``report_ids`` the user may see (a household page gathers reports of every
    address its members ever had, some of them outside the user's region or organisation)."""
    return set(visible_reports(user, Report.objects.filter(id__in=list(report_ids))).values_list("id", flat=True))
