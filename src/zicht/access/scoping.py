"""Scoping helpers for every app: narrow a queryset to what the signed-in user may see.

Use them in every view and API endpoint that lists or opens individual records::

    from zicht.access.scoping import visible_reports, get_visible_or_404
    reports = visible_reports(request.user, Report.objects.filter(...))
    address = get_visible_or_404(request.user, Address, pk)

The rule itself (zicht.access.domain.scope) is pure and table-tested; the query filters on the
registry and linkage tables live with those models (``zicht.registry.scoping``,
``zicht.linkage.scoping``) and are registered here by their apps. See docs/security.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from zicht.geo.regiodata import gemeenten_in_regio, regio_van_gemeente

from .domain.figure_scope import figure_gemeenten, figure_regions
from .domain.scope import NONE, ORGANISATION, REGION, Scope, decide_scope
from .rules import user_role


def scope_for(user) -> Scope:
    """The user's scope, from their profile (role, organisation, region, gemeente)."""
    role = user_role(user)
    if role is None:
        return Scope(NONE)
    profile = user.zicht_profile
    org = profile.organisation
    region = profile.regio_id or (org.regio_id if org else "") or ""
    codes = set()
    if role == "ketenregisseur":
        if region:  # the region's gemeenten this year (zicht.geo.regions); a merger changes them
            codes.update(gemeenten_in_regio(region))
        if profile.gemeente_id:
            codes.add(profile.gemeente_id)
        if not region and org is not None and org.gemeente_id:
            codes.add(org.gemeente_id)
    return decide_scope(
        role,
        organisation_id=org.pk if org else None,
        organisation_region=(org.regio_id or "") if org else "",
        profile_region=profile.regio_id or "",
        gemeente_codes=frozenset(codes),
    )


def editable_gemeente_codes(user) -> frozenset[str]:
    """The gemeenten whose reference data (prevention plans, matrix, organisations) the user may
    change; the rule is zicht.access.domain.gemeente_scope.editable_gemeenten."""
    from .domain.gemeente_scope import editable_gemeenten

    if user_role(user) is None:
        return frozenset()
    profile = user.zicht_profile
    org = profile.organisation
    region = profile.regio_id or (org.regio_id if org else "") or ""
    in_region = gemeenten_in_regio(region) if region else frozenset()
    return editable_gemeenten(
        profile_gemeente=profile.gemeente_id, region_gemeenten=in_region, organisation_gemeente=org.gemeente_id if org else None
    )


def _figure_inputs(user):
    profile = user.zicht_profile
    org = profile.organisation
    region = profile.regio_id or (org.regio_id if org else "") or ""
    return profile, org, region


def figure_gemeente_codes(user) -> frozenset[str]:
    """The gemeenten whose registry figures (gemeente and wijk pages, exports, API) the user may
    open; the rule is zicht.access.domain.figure_scope.figure_gemeenten."""
    role = user_role(user)
    if role is None:
        return frozenset()
    profile, org, region = _figure_inputs(user)
    return figure_gemeenten(
        role,
        profile_gemeente=profile.gemeente_id,
        region_gemeenten=gemeenten_in_regio(region) if region else frozenset(),
        organisation_gemeente=org.gemeente_id if org else None,
        installation_gemeente=settings.DEMO_GEMEENTE,
    )


def figure_region_codes(user) -> frozenset[str]:
    """The VT regions whose regional tables the user may open (zicht.access.domain.figure_scope)."""
    role = user_role(user)
    if role is None:
        return frozenset()
    profile, org, region = _figure_inputs(user)
    home = profile.gemeente_id or (org.gemeente_id if org else None) or settings.DEMO_GEMEENTE
    return figure_regions(
        role,
        profile_region=profile.regio_id,
        organisation_region=org.regio_id if org else None,
        home_gemeente_region=regio_van_gemeente(home) if home else None,
    )


def _region_q(scope: Scope, buurt: str, source: str) -> Q:
    """Records in the region: their buurt lies in a region gemeente; without buurt, their source is in it."""
    in_area = Q(**{f"{buurt}__gemeente_id__in": scope.gemeente_codes})
    source_in = Q(**{f"{source}__gemeente_id__in": scope.gemeente_codes})
    if scope.region:
        source_in |= Q(**{f"{source}__regio_id": scope.region})
    return in_area | (Q(**{f"{buurt}__isnull": True}) & source_in)


def report_filter(scope: Scope, prefix: str = "") -> Q | None:
    """Q on Report (or on a relation to it via ``prefix``, e.g. 'reports__'); None = nothing visible."""
    if scope.kind == ORGANISATION:
        return Q(**{f"{prefix}source_id": scope.organisation_id})
    if scope.kind == REGION:
        return _region_q(scope, f"{prefix}buurt", f"{prefix}source")
    return None


_VISIBLE: dict = {}  # model label -> func(user, qs); each app registers its own models in ready()
_SCOPE_SQL: dict = {}  # model label -> func(scope, alias) -> (sql, params) | None


def _registered(table: dict, label: str):
    try:
        return table[label]
    except KeyError:
        raise LookupError(f"No scoping rule for {label}; register one with register_visibility") from None


# The public helpers every app uses; the queries live with the models (zicht.registry.scoping,
# zicht.linkage.scoping), registered in the owning app's ready(), so access imports no app above it.
def visible_reports(user, qs=None):
    return _registered(_VISIBLE, "registry.report")(user, qs)


def visible_persons(user, qs=None):
    """Persons the organisation registered (professional) or that appear in the region (ketenregisseur)."""
    return _registered(_VISIBLE, "registry.person")(user, qs)


def visible_addresses(user, qs=None):
    """Addresses where the organisation reported something (professional) or in the region (ketenregisseur)."""
    return _registered(_VISIBLE, "registry.address")(user, qs)


def visible_household_members(user, qs):
    """Household members (HouseholdMember rows) whose address the user may see; a member without
    address only when the linked person is visible. Other members stay off the page entirely
    (their address, name and age belong to another region's or organisation's records)."""
    addresses = visible_addresses(user).values("pk")
    persons = visible_linked_persons(user).values("pk")
    return qs.filter(Q(address__in=addresses) | (Q(address__isnull=True) & Q(linked_person__in=persons)))


def visible_import_batches(user, qs=None):
    """Import batches: all for the functioneel beheerder (no personal data), region for a ketenregisseur."""
    return _registered(_VISIBLE, "registry.importbatch")(user, qs)


def visible_linked_persons(user, qs=None):
    return _registered(_VISIBLE, "linkage.linkedperson")(user, qs)


def visible_households(user, qs=None):
    return _registered(_VISIBLE, "linkage.household")(user, qs)


def address_scope_sql(scope: Scope, address: str) -> tuple[str, list] | None:
    """``visible_addresses`` as one SQL condition on the address row aliased ``address``
    (zicht.registry.scoping.address_scope_sql). None = nothing is visible."""
    return _registered(_SCOPE_SQL, "registry.address")(scope, address)


def register_scope_sql(model_label: str, func) -> None:
    """The app owning ``model_label`` registers its raw-SQL form of the scope (for hot pages)."""
    _SCOPE_SQL[model_label.lower()] = func


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
