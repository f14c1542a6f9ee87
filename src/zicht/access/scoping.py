"""Scoping helpers for every app: narrow a queryset to what the signed-in user may see.

Use them in every view and API endpoint that lists or opens individual records::

    from zicht.access.scoping import visible_reports, get_visible_or_404
    reports = visible_reports(request.user, Report.objects.filter(...))
    address = get_visible_or_404(request.user, Address, pk)

The rule itself (zicht.access.domain.scope) is pure and table-tested; these functions only
translate it into query filters on the registry and linkage tables. See docs/security.md.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from .domain.scope import NONE, ORGANISATION, REGION, Scope, decide_scope
from .rules import user_role


def scope_for(user) -> Scope:
    """The user's scope, from their profile (role, organisation, region, gemeente)."""
    role = user_role(user)
    if role is None:
        return Scope(NONE)
    profile = user.zicht_profile
    org = profile.organisation
    region = (profile.vt_regio or (org.vt_regio if org else "") or "").strip()
    codes = set()
    if role == "ketenregisseur":
        from zicht.geo.models import Gemeente

        if region:
            codes.update(Gemeente.objects.filter(vt_regio=region).values_list("code", flat=True))
        if profile.gemeente_id:
            codes.add(profile.gemeente_id)
        if not region and org is not None and org.gemeente_id:
            codes.add(org.gemeente_id)
    return decide_scope(
        role,
        organisation_id=org.pk if org else None,
        organisation_region=org.vt_regio if org else "",
        profile_region=profile.vt_regio,
        gemeente_codes=frozenset(codes),
    )


def editable_gemeente_codes(user) -> frozenset[str]:
    """The gemeenten whose reference data (prevention plans, matrix, organisations) the user may
    change; the rule is zicht.access.domain.gemeente_scope.editable_gemeenten."""
    from zicht.geo.models import Gemeente

    from .domain.gemeente_scope import editable_gemeenten

    if user_role(user) is None:
        return frozenset()
    profile = user.zicht_profile
    org = profile.organisation
    region = (profile.vt_regio or (org.vt_regio if org else "") or "").strip()
    in_region = frozenset(Gemeente.objects.filter(vt_regio=region).values_list("code", flat=True)) if region else frozenset()
    return editable_gemeenten(
        profile_gemeente=profile.gemeente_id, region_gemeenten=in_region, organisation_gemeente=org.gemeente_id if org else None
    )


def _region_q(scope: Scope, buurt: str, source: str) -> Q:
    """Records in the region: their buurt lies in a region gemeente; without buurt, their source is in it."""
    in_area = Q(**{f"{buurt}__gemeente_id__in": scope.gemeente_codes})
    source_in = Q(**{f"{source}__gemeente_id__in": scope.gemeente_codes})
    if scope.region:
        source_in |= Q(**{f"{source}__vt_regio": scope.region})
    return in_area | (Q(**{f"{buurt}__isnull": True}) & source_in)


def report_filter(scope: Scope, prefix: str = "") -> Q | None:
    """Q on Report (or on a relation to it via ``prefix``, e.g. 'reports__'); None = nothing visible."""
    if scope.kind == ORGANISATION:
        return Q(**{f"{prefix}source_id": scope.organisation_id})
    if scope.kind == REGION:
        return _region_q(scope, f"{prefix}buurt", f"{prefix}source")
    return None


def visible_reports(user, qs=None):
    from zicht.registry.models import Report

    qs = Report.objects.all() if qs is None else qs
    q = report_filter(scope_for(user))
    return qs.none() if q is None else qs.filter(q)


def visible_persons(user, qs=None):
    """Persons the organisation registered (professional) or that appear in the region (ketenregisseur)."""
    from zicht.registry.models import Person, ReportParty

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
    from zicht.registry.models import Address, Report

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
    The same rule as the queryset above (a test compares both on a table of cases); values are
    always bound parameters. None = nothing is visible.
    """
    from zicht.geo.models import Buurt
    from zicht.registry.models import Organisation, Report

    report, buurt, source = Report._meta.db_table, Buurt._meta.db_table, Organisation._meta.db_table
    if scope.kind == ORGANISATION:
        return (f"EXISTS (SELECT 1 FROM {report} sr WHERE sr.address_id = {address}.id AND sr.source_id = %s)",
                [scope.organisation_id])
    if scope.kind != REGION:
        return None
    codes = sorted(scope.gemeente_codes)
    marks = ", ".join(["%s"] * len(codes))
    source_in, source_params = [], []
    if codes:
        source_in.append(f"so.gemeente_id IN ({marks})")
        source_params += codes
    if scope.region:
        source_in.append("so.vt_regio = %s")
        source_params.append(scope.region)
    report_in, params = [], []
    if codes:
        report_in.append(f"EXISTS (SELECT 1 FROM {buurt} sb WHERE sb.code = sr.buurt_id AND sb.gemeente_id IN ({marks}))")
        params += codes
    if source_in:
        report_in.append(f"(sr.buurt_id IS NULL AND EXISTS (SELECT 1 FROM {source} so WHERE so.id = sr.source_id AND ({' OR '.join(source_in)})))")
        params += source_params
    if not report_in:
        return None
    parts, own = [], []
    if codes:  # the address's own buurt first: the cheap, common case
        parts.append(f"EXISTS (SELECT 1 FROM {buurt} ab WHERE ab.code = {address}.buurt_id AND ab.gemeente_id IN ({marks}))")
        own = codes
    parts.append(f"EXISTS (SELECT 1 FROM {report} sr WHERE sr.address_id = {address}.id AND ({' OR '.join(report_in)}))")
    return f"({' OR '.join(parts)})", own + params


def visible_linked_persons(user, qs=None):
    from zicht.linkage.models import LinkedPerson

    qs = LinkedPerson.objects.all() if qs is None else qs
    persons = visible_persons(user).values("pk")
    return qs.filter(links__person__in=persons).distinct()


def visible_households(user, qs=None):
    from zicht.linkage.models import Household

    qs = Household.objects.all() if qs is None else qs
    members = visible_linked_persons(user).values("pk")
    return qs.filter(members__linked_person__in=members).distinct()


def visible_report_ids(user, report_ids) -> set[int]:
    """The ids among ``report_ids`` the user may see (a household page gathers reports of every
    address its members ever had, some of them outside the user's region or organisation)."""
    from zicht.registry.models import Report

    return set(visible_reports(user, Report.objects.filter(id__in=list(report_ids))).values_list("id", flat=True))


def visible_household_members(user, qs):
    """Household members (HouseholdMember rows) whose address the user may see; a member without
    address only when the linked person is visible. Other members stay off the page entirely
    (their address, name and age belong to another region's or organisation's records)."""
    addresses = visible_addresses(user).values("pk")
    persons = visible_linked_persons(user).values("pk")
    return qs.filter(Q(address__in=addresses) | (Q(address__isnull=True) & Q(linked_person__in=persons)))


def visible_import_batches(user, qs=None):
    """Import batches: all for the functioneel beheerder (no personal data), region for a ketenregisseur."""
    from zicht.registry.models import ImportBatch

    qs = ImportBatch.objects.all() if qs is None else qs
    role = user_role(user)
    if role == "functioneel_beheerder":
        return qs
    scope = scope_for(user)
    if scope.kind == REGION:
        q = Q(source__gemeente_id__in=scope.gemeente_codes)
        if scope.region:
            q |= Q(source__vt_regio=scope.region)
        return qs.filter(q)
    if scope.kind == ORGANISATION:
        return qs.filter(source_id=scope.organisation_id)
    return qs.none()


_VISIBLE = {
    "registry.report": visible_reports,
    "registry.person": visible_persons,
    "registry.address": visible_addresses,
    "registry.importbatch": visible_import_batches,
    "linkage.linkedperson": visible_linked_persons,
    "linkage.household": visible_households,
}


def register_visibility(model_label: str, func) -> None:
    """Other apps register how their own models are scoped (e.g. casework signals)."""
    _VISIBLE[model_label.lower()] = func


def visible(user, model, qs=None):
    func = _VISIBLE.get(model._meta.label_lower)
    if func is None:
        raise LookupError(f"No scoping rule for {model._meta.label}; register one with register_visibility")
    return func(user, qs if qs is not None else model.objects.all())


def can_view(user, obj) -> bool:
    return visible(user, type(obj), type(obj).objects.filter(pk=obj.pk)).exists()


def get_visible_or_404(user, model, pk):
    """The object if it exists and is in the user's scope; 404 otherwise (no hint that it exists)."""
    try:
        return visible(user, model, model.objects.filter(pk=pk)).get()
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("Niet gevonden") from None
