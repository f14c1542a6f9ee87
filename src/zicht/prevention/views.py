"""Prevention pages: seed tables, catalogue, organisation map, matrix with witte vlekken, plans.

No page here shows individuals (``personal_data=False``). Reading is open to beleidsmedewerker,
ketenregisseur and functioneel beheerder; the catalogue and the map are edited by the functioneel
beheerder and the beleidsmedewerker; plans are written by the beleidsmedewerker.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zicht.access import roles
from zicht.access.rules import requires, user_role
from zicht.access.scoping import editable_gemeente_codes
from zicht.areas import risk_factors as rf
from zicht.geo.models import Gemeente, VtRegio, Wijk
from zicht.geo.regiodata import gemeenten_in_regio, regio_van_gemeente
from zicht.registry.models import Organisation

from . import export, indicator_charts, services
from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .domain import gaps as gaps_mod
from .domain import regional as reg
from .domain import seed_tables as seeds
from .domain import suggestions as sug
from .forms import (
    CatalogueFilterForm,
    CatalogueImportForm,
    IndicatorMetingForm,
    InterventionForm,
    OrganisationStoplichtForm,
    PartnerProfileForm,
    PlanCreateForm,
    PlanIndicatorForm,
    PlanLineForm,
)
from .labels import tr
from .models import Intervention, MatrixCell, PartnerProfile, PlanIndicator, PlanIntervention, PlanSection, PlanVersion, PreventionPlan
from .profile import risk_profile

READ = (roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER)
EDIT_REFERENCE = (roles.BELEIDSMEDEWERKER, roles.FUNCTIONEEL_BEHEERDER)
EDIT_PLAN = (roles.BELEIDSMEDEWERKER,)


def _today() -> date:
    return date.today()


def _can(request, allowed) -> bool:
    return user_role(request.user) in allowed


def _editable_gemeente_or_404(request, gemeente: Gemeente | None) -> Gemeente:
    """A gemeente the user works for (own gemeente or region); 404 for any other (no hint that it exists).
    Plans are opened and changed only there; the catalogue is national and open to every reader."""
    if gemeente is None or gemeente.code not in editable_gemeente_codes(request.user):
        raise Http404("Onbekende gemeente")
    return gemeente


def user_regio(user) -> str | None:
    """The VT region the user works in: their profile's, their organisation's, else their gemeente's."""
    profile = getattr(user, "zicht_profile", None)
    if profile is None:
        return None
    org = profile.organisation
    region = profile.regio_id or (org.regio_id if org else None)
    if region:
        return region
    home = profile.gemeente_id or (org.gemeente_id if org else None) or settings.DEMO_GEMEENTE
    return regio_van_gemeente(home) if home else None


def plan_access(request, plan) -> str | None:
    """EDIT, READ or None for this user and plan (the rule: ``domain.regional.plan_access``)."""
    profile = getattr(request.user, "zicht_profile", None)
    return reg.plan_access(
        user_role(request.user),
        plan_gemeente=plan.gemeente_id,
        plan_regio=plan.regio_id,
        editable_gemeenten=editable_gemeente_codes(request.user),
        profile_gemeente=profile.gemeente_id if profile else None,
        profile_regio=profile.regio_id if profile else None,
        user_regio=user_regio(request.user),
    )


def _plan_or_404(request, pk, need: str = reg.READ) -> PreventionPlan:
    """The plan if the user may read it (``need=READ``) or change it (``EDIT``); 404 otherwise (a
    regional plan a gemeente's beleidsmedewerker may only read answers 403, not 404: it exists for them)."""
    plan = get_object_or_404(PreventionPlan.objects.select_related("gemeente", "wijk", "regio"), pk=pk)
    access = plan_access(request, plan)
    if access is None:
        raise Http404("Onbekend plan")
    if need == reg.EDIT and access != reg.EDIT:
        raise PermissionDenied("Dit plan kunt u alleen inzien")
    return plan


def _editable_plan_or_404(request, pk, qs=None) -> PreventionPlan:
    return _plan_or_404(request, pk, reg.EDIT)


def _coordinated_region(request) -> VtRegio | None:
    """The region whose regional plan this user edits (a regional coordinator), else None."""
    profile = getattr(request.user, "zicht_profile", None)
    if profile is None or not reg.is_regional_coordinator(
        user_role(request.user), profile_gemeente=profile.gemeente_id, profile_regio=profile.regio_id
    ):
        return None
    return profile.regio


def current_gemeente(request) -> Gemeente | None:
    """The gemeente in view: ?gemeente=, else the user's own, else the demo gemeente."""
    code = request.GET.get("gemeente") or request.POST.get("gemeente")
    if not code:
        profile = getattr(request.user, "zicht_profile", None)
        code = profile.gemeente_id if profile and profile.gemeente_id else settings.DEMO_GEMEENTE
    return Gemeente.objects.filter(code=code).first()


# --- landing page with the seed tables ---------------------------------------------------------------


@requires(*READ)
def index(request):
    factors_000 = [rf.RISK_FACTORS[c] for c in rf.SEED_000_ORDER]
    factors_003 = [f for f in rf.RISK_FACTORS.values() if f.source == "003"]
    return render(
        request,
        "prevention/index.html",
        {
            "prevention_types": seeds.PREVENTION_TYPE_TABLE,
            "factors_000": factors_000,
            "factors_003": factors_003,
            "tasks": seeds.GEMEENTE_TASKS,
            "plan_format": seeds.PLAN_FORMAT,
            "bouwstenen": bs.BOUWSTENEN,
            "source_000": seeds.SOURCE_000,
            "source_003": seeds.SOURCE_003,
            "n_interventions": Intervention.objects.count(),
        },
    )


# --- catalogue ---------------------------------------------------------------------------------------


@requires(*READ)
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    query = form.query() if request.GET else cat.CatalogueQuery()
    today = _today()
    entries = [services.entry_for_display(e, today) for e in services.catalogue_entries()]
    results = [e for e in entries if cat.matches(e, query, today)]
    return render(
        request,
        "prevention/catalogue.html",
        {
            "form": form,
            "results": results,
            "total": len(entries),
            "filtered": query.active(),
            "can_edit": _can(request, EDIT_REFERENCE),
            "today": today,
        },
    )


@requires(*READ)
def intervention_detail(request, slug):
    obj = get_object_or_404(Intervention, slug=slug)
    entry = services.entry_for_display(obj.as_entry(), _today())
    factor_labels = [tr(rf.RISK_FACTORS[c].label) for c in entry["risicofactoren"] if c in rf.RISK_FACTORS]
    aanbieders = Organisation.objects.filter(prevention_profile__interventies=obj).order_by("naam")
    return render(
        request,
        "prevention/intervention_detail.html",
        {
            "i": obj,
            "e": entry,
            "factor_labels": factor_labels,
            "aanbieders": aanbieders,
            "can_edit": _can(request, EDIT_REFERENCE),
            "bron_parts": [b.strip() for b in obj.bron.split(" ; ") if b.strip()],
        },
    )


@requires(*EDIT_REFERENCE)
def intervention_edit(request, slug=None):
    obj = get_object_or_404(Intervention, slug=slug) if slug else None
    form = InterventionForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        if obj is None:
            base = cat.slugify(item.naam) or "interventie"
            candidate, n = base, 2
            while Intervention.objects.filter(slug=candidate).exists():
                candidate, n = f"{base}-{n}", n + 1
            item.slug, item.herkomst = candidate, "handmatig"
        item.save()
        messages.success(request, _("'%(naam)s' is opgeslagen.") % {"naam": item.naam})
        return redirect("prevention:intervention", slug=item.slug)
    return render(request, "prevention/intervention_form.html", {"form": form, "obj": obj})


@requires(*EDIT_REFERENCE)
def catalogue_import(request):
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        created, updated, errors = services.import_catalogue_csv(form.cleaned_data["bestand"])
        if not errors:
            messages.success(
                request, _("Geïmporteerd: %(created)s nieuw, %(updated)s bijgewerkt.") % {"created": created, "updated": updated}
            )
            return redirect("prevention:catalogue")
    return render(request, "prevention/catalogue_import.html", {"form": form, "errors": errors, "columns": cat.COLUMNS})


# --- organisation map ----------------------------------------------------------------------------------


def _wijk_from_request(request, gemeente):
    code = request.GET.get("wijk")
    if not code or gemeente is None:
        return None
    return Wijk.objects.filter(code=code, gemeente=gemeente).first()


@requires(*READ)
def organisations(request):
    gemeente = current_gemeente(request)
    wijk = _wijk_from_request(request, gemeente)
    orgs = list(services.organisations_in(gemeente, wijk)) if gemeente else []
    stoplicht = request.GET.get("stoplicht", "")
    if stoplicht:
        orgs = [o for o in orgs if o.meldcode_stoplicht == stoplicht]
    counts = {k: sum(1 for o in orgs if o.meldcode_stoplicht == k) for k in seeds.STOPLICHT_MEANING}
    return render(
        request,
        "prevention/organisations.html",
        {
            "gemeente": gemeente,
            "wijk": wijk,
            "orgs": orgs,
            "stoplicht": stoplicht,
            "wijken": Wijk.objects.filter(gemeente=gemeente) if gemeente else [],
            "stoplicht_meaning": seeds.STOPLICHT_MEANING,
            "counts": counts,
            "can_edit": _can(request, EDIT_REFERENCE),
        },
    )


@requires(*EDIT_REFERENCE)
def organisation_edit(request, code):
    org = get_object_or_404(Organisation, code=code)
    _editable_gemeente_or_404(request, org.gemeente)
    profile = getattr(org, "prevention_profile", None)
    if profile is None:
        profile = PartnerProfile(organisation=org, partnertype=bs.ORGANISATION_TYPE_TO_PARTNER.get(org.type, "informeel"))
    org_form = OrganisationStoplichtForm(request.POST or None, instance=org, prefix="org")
    form = PartnerProfileForm(request.POST or None, instance=profile, prefix="p")
    if request.method == "POST" and org_form.is_valid() and form.is_valid():
        with transaction.atomic():
            org_form.save()
            form.save()
        messages.success(request, _("Partnerprofiel van %(naam)s is opgeslagen.") % {"naam": org.naam})
        return redirect(reverse("prevention:organisations") + f"?gemeente={org.gemeente_id or ''}")
    return render(request, "prevention/organisation_form.html", {"org": org, "form": form, "org_form": org_form})


# --- matrix and witte vlekken ----------------------------------------------------------------------------


@requires(*READ)
def matrix(request):
    gemeente = current_gemeente(request)
    wijk = _wijk_from_request(request, gemeente)
    if gemeente is None:
        return render(request, "prevention/matrix.html", {"gemeente": None})
    gem_matrix = services.gemeente_matrix(gemeente)
    edited = set(MatrixCell.objects.filter(gemeente=gemeente).values_list("partnertype", flat=True))
    orgs = list(services.organisations_in(gemeente, wijk))
    contributions, offered = services.contributions(orgs)
    profile_rows, profile_source = risk_profile(wijk.code if wijk else gemeente.code)
    elevated = list(sug.elevated_factors(profile_rows))
    factors = elevated if elevated else list(rf.RISK_FACTORS)
    gaps = gaps_mod.find_gaps(factors, contributions, offered, gem_matrix)
    partner_rows = [
        {
            "code": code,
            "label": tr(label),
            "cells": [(b, b.code in gem_matrix.get(code, set())) for b in bs.BOUWSTENEN],
            "edited": code in edited,
        }
        for code, label in bs.PARTNER_TYPES
    ]
    org_rows = [
        {"org": o, "cells": [b.code in contributions.get(o.code, set()) for b in bs.BOUWSTENEN]} for o in orgs if o.code in contributions
    ]
    coverage = [sum(1 for row in org_rows if row["cells"][i]) for i in range(len(bs.BOUWSTENEN))]
    return render(
        request,
        "prevention/matrix.html",
        {
            "gemeente": gemeente,
            "wijk": wijk,
            "wijken": Wijk.objects.filter(gemeente=gemeente),
            "bouwstenen": bs.BOUWSTENEN,
            "partner_rows": partner_rows,
            "org_rows": org_rows,
            "coverage": coverage,
            "gaps": gaps,
            "bouwsteen_label": {b.code: tr(b.titel) for b in bs.BOUWSTENEN},
            "factor_label": {f.code: tr(f.label) for f in rf.RISK_FACTORS.values()},
            "factors_basis": "verhoogd in het gebied" if elevated else "alle risicofactoren (geen verhoogde gevonden of geen cijfers)",
            "profile_source": profile_source,
            "can_edit": _can(request, EDIT_REFERENCE),
        },
    )


@requires(*EDIT_REFERENCE)
@require_POST
def matrix_save(request):
    gemeente = _editable_gemeente_or_404(request, current_gemeente(request))
    with transaction.atomic():
        for code, _label in bs.PARTNER_TYPES:
            chosen = [b for b in bs.BOUWSTEEN_CODES if request.POST.get(f"m-{code}-{b}")]
            MatrixCell.objects.update_or_create(
                gemeente=gemeente,
                partnertype=code,
                defaults={"bouwstenen": chosen, "updated_by": request.user.get_username()},
            )
    messages.success(request, _("Matrix voor %(naam)s is opgeslagen.") % {"naam": gemeente.naam})
    return redirect(reverse("prevention:matrix") + f"?gemeente={gemeente.code}")


@requires(*EDIT_REFERENCE)
@require_POST
def matrix_reset(request):
    gemeente = _editable_gemeente_or_404(request, current_gemeente(request))
    MatrixCell.objects.filter(gemeente=gemeente).delete()
    messages.success(request, _("De matrix volgt weer de Tilburgse handreiking."))
    return redirect(reverse("prevention:matrix") + f"?gemeente={gemeente.code}")


# --- plans ----------------------------------------------------------------------------------------------


@requires(*READ)
def plans(request):
    gemeente = current_gemeente(request)
    coordinated = _coordinated_region(request)
    form = PlanCreateForm(gemeente=gemeente)
    qs = PreventionPlan.objects.select_related("gemeente", "wijk", "regio")
    if gemeente and gemeente.code in editable_gemeente_codes(request.user):
        local = list(qs.filter(gemeente=gemeente))
    else:
        local = []
    region = user_regio(request.user)
    regional = [p for p in qs.filter(regio_id=region, gemeente=None)] if region else []
    return render(
        request,
        "prevention/plans.html",
        {
            "plans": local,
            "regional_plans": [(p, plan_access(request, p) == reg.EDIT) for p in regional],
            "regio": VtRegio.objects.filter(code=region).first() if region else None,
            "coordinated": coordinated,
            "gemeente": gemeente,
            "form": form,
            "can_edit": _can(request, EDIT_PLAN) and gemeente is not None and gemeente.code in editable_gemeente_codes(request.user),
        },
    )


def _stand_van_zaken_text(plan, rows, source) -> str:
    """A first draft of section 1 from the area profile; the author edits it."""
    if not rows:
        return ""
    year = getattr(rows[0], "year", None)
    lines = [f"Risicoprofiel {plan.area_name} (bron: CBS-kerncijfers{f' {year}' if year else ''}, via de gebiedscan):"]
    for row in rows:
        if row.elevated:
            lines.append(
                "- Verhoogd: "
                + sug.describe_signal(plan.area_name, row).split(": ", 1)[1]
                + f" ({rf.RISK_FACTORS[row.factor].label.lower()})."
            )
    if len(lines) == 1:
        lines.append("- Geen risicofactor verhoogd ten opzichte van de vergelijkingsregio.")
    return "\n".join(lines)


@requires(*EDIT_PLAN)
@require_POST
def plan_create_regional(request):
    """A regional plan of the coordinator's own VT region (only a regional coordinator)."""
    region = _coordinated_region(request)
    if region is None:
        raise PermissionDenied("Alleen de regionale coördinator maakt het regionale plan")
    form = PlanCreateForm(request.POST, gemeente=None)
    if not form.is_valid():
        messages.error(request, _("Het plan kon niet worden aangemaakt: controleer de titel."))
        return redirect("prevention:plans")
    with transaction.atomic():
        plan = form.save(commit=False)
        plan.gemeente, plan.wijk, plan.regio, plan.created_by = None, None, region, request.user
        plan.save()
        for code in seeds.PLAN_SECTION_CODES:
            PlanSection.objects.create(plan=plan, code=code, tekst="")
    messages.success(request, _("Regionaal plan '%(titel)s' is aangemaakt.") % {"titel": plan.titel})
    return redirect("prevention:plan", pk=plan.pk)


@requires(*EDIT_PLAN)
@require_POST
def plan_create(request):
    gemeente = _editable_gemeente_or_404(request, current_gemeente(request))
    form = PlanCreateForm(request.POST, gemeente=gemeente)
    if not form.is_valid():
        messages.error(request, _("Het plan kon niet worden aangemaakt: controleer titel en wijk."))
        return redirect(reverse("prevention:plans") + f"?gemeente={gemeente.code}")
    with transaction.atomic():
        plan = form.save(commit=False)
        plan.gemeente, plan.created_by = gemeente, request.user
        plan.save()
        rows, source = risk_profile(plan.area_code)
        for code in seeds.PLAN_SECTION_CODES:
            text = _stand_van_zaken_text(plan, rows, source) if code == "stand_van_zaken" else ""
            PlanSection.objects.create(plan=plan, code=code, tekst=text)
    messages.success(request, _("Plan '%(titel)s' is aangemaakt.") % {"titel": plan.titel})
    return redirect("prevention:plan", pk=plan.pk)


def regional_agreements(plan) -> list[dict]:
    """For a gemeente's plan: the regional agreements of its region's plans that apply here."""
    if plan.gemeente_id is None:
        return []
    region = regio_van_gemeente(plan.gemeente_id)
    if not region:
        return []
    lines = PlanIntervention.objects.filter(plan__regio_id=region, plan__gemeente=None).select_related("plan", "intervention", "eigenaar")
    rows = [{"schaal": line.schaal, "line": line, "plan": line.plan} for line in lines.order_by("plan__titel", "volgorde", "id")]
    return reg.applicable_regional_lines(rows)


def _plan_gemeenten(plan) -> list[str]:
    return sorted(gemeenten_in_regio(plan.regio_id)) if plan.is_regional else [plan.gemeente_id]


def _plan_context(request, plan):
    today = _today()
    rows, source = ([], "") if plan.is_regional else risk_profile(plan.area_code)
    entries = services.catalogue_entries()
    in_plan = set(plan.lines.exclude(intervention=None).values_list("intervention__slug", flat=True))
    suggestions = [s for s in sug.suggest(rows, entries, area_name=plan.area_name, today=today, limit=15)]
    sections = {s.code: s for s in plan.sections.all()}
    section_rows = [
        {"code": code, "titel": titel, "vraag": vraag, "tekst": sections[code].tekst if code in sections else ""}
        for code, titel, vraag in seeds.PLAN_FORMAT
    ]
    snapshot = services.plan_snapshot(plan)
    orgs = (
        services.organisations_in_gemeenten(_plan_gemeenten(plan))
        if plan.is_regional
        else services.organisations_in(plan.gemeente, plan.wijk)
    )
    contributions, offered = services.contributions(orgs)
    elevated = list(sug.elevated_factors(rows))
    gaps = gaps_mod.find_gaps(elevated, contributions, offered)
    return {
        "plan": plan,
        "profile_rows": rows,
        "profile_source": source,
        "indicator_info": rf.INDICATORS,
        "factor_info": rf.RISK_FACTORS,
        "suggestions": suggestions,
        "in_plan": in_plan,
        "uncovered": [tr(rf.RISK_FACTORS[c].label) for c in sug.uncovered_factors(rows, entries)],
        "sections": section_rows,
        "lines": plan.lines.select_related("intervention", "eigenaar").prefetch_related("partners"),
        "indicators": _indicator_rows(plan, snapshot),
        "versions": plan.versions.all(),
        "total_budget": services.total_budget(snapshot),
        "line_form": _line_form(plan),
        "indicator_form": PlanIndicatorForm(prefix="ind"),
        "can_edit": plan_access(request, plan) == reg.EDIT,
        "regional_agreements": regional_agreements(plan),
        "gaps": gaps,
        "bouwsteen_label": {b.code: tr(b.titel) for b in bs.BOUWSTENEN},
        "type_label": rf.PREVENTION_TYPE_LABELS,
        "framework_label": rf.POLICY_FRAMEWORKS,
    }


def _indicator_rows(plan, snapshot) -> list[dict]:
    """Per indicator: the model row (for edit links), its snapshot dict with measured values, chart and progress."""
    return [
        {
            "obj": obj,
            "snap": snap,
            "svg": indicator_charts.svg(snap),
            "progress": indicator_charts.progress_text(snap),
            "points": [{**p, "cell": indicator_charts._cell(p)} for p in snap["metingen"]],
            "meting_form": IndicatorMetingForm(prefix=f"met{obj.pk}") if obj.type == "hand" else None,
        }
        for obj, snap in zip(plan.indicators.all(), snapshot["indicators"])
    ]


def _line_form(plan, data=None, instance=None):
    if plan.is_regional:
        return PlanLineForm(
            data, instance=instance, gemeenten=_plan_gemeenten(plan), prefix="line", initial={"schaal": reg.default_schaal(True)}
        )
    return PlanLineForm(data, instance=instance, gemeente=plan.gemeente, prefix="line")


@requires(*READ)
def plan_detail(request, pk):
    plan = _plan_or_404(request, pk)
    return render(request, "prevention/plan_detail.html", _plan_context(request, plan))


@requires(*EDIT_PLAN)
@require_POST
def plan_sections(request, pk):
    plan = _editable_plan_or_404(request, pk)
    with transaction.atomic():
        for code in seeds.PLAN_SECTION_CODES:
            if f"s-{code}" in request.POST:
                PlanSection.objects.update_or_create(plan=plan, code=code, defaults={"tekst": request.POST[f"s-{code}"][:20000]})
        plan.save(update_fields=["updated_at"])
    messages.success(request, _("De teksten van het plan zijn opgeslagen."))
    return redirect(reverse("prevention:plan", args=[plan.pk]) + "#teksten")


@requires(*EDIT_PLAN)
@require_POST
def plan_add_suggestion(request, pk):
    plan = _editable_plan_or_404(request, pk)
    slug = request.POST.get("slug", "")
    intervention = get_object_or_404(Intervention, slug=slug)
    rows, _notes = risk_profile(plan.area_code)
    match = next(
        (s for s in sug.suggest(rows, services.catalogue_entries(), area_name=plan.area_name, today=_today(), limit=0) if s.slug == slug),
        None,
    )
    reason = "\n".join(match.reasons) if match else request.POST.get("reden", "")[:2000]
    if plan.lines.filter(intervention=intervention).exists():
        messages.info(request, _("'%(naam)s' staat al in het plan.") % {"naam": intervention.naam})
    else:
        PlanIntervention.objects.create(
            plan=plan,
            schaal=reg.default_schaal(plan.is_regional),
            intervention=intervention,
            naam=intervention.naam,
            doelgroep=intervention.doelgroep[:300],
            reden=reason,
            volgorde=plan.lines.count() + 1,
        )
        plan.save(update_fields=["updated_at"])
        messages.success(request, _("'%(naam)s' is aan het plan toegevoegd.") % {"naam": intervention.naam})
    return redirect(reverse("prevention:plan", args=[plan.pk]) + "#interventies")


@requires(*EDIT_PLAN)
def plan_line(request, pk, line_id=None):
    plan = _editable_plan_or_404(request, pk)
    line = get_object_or_404(PlanIntervention, pk=line_id, plan=plan) if line_id else None
    form = _line_form(plan, request.POST or None, line)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.plan = plan
        if line is None:
            item.volgorde = plan.lines.count() + 1
        item.save()
        form.save_m2m()
        plan.save(update_fields=["updated_at"])
        messages.success(request, _("Regel '%(naam)s' is opgeslagen.") % {"naam": item.naam})
        return redirect(reverse("prevention:plan", args=[plan.pk]) + "#interventies")
    return render(request, "prevention/plan_line_form.html", {"plan": plan, "form": form, "line": line})


def _plan_item_delete(name: str, model, id_kwarg: str, message: str, section: str):
    """A POST view that deletes one ``model`` row of a plan (a line, an indicator) and returns to its section."""

    def delete(request, pk, **kwargs):
        plan = _editable_plan_or_404(request, pk)
        get_object_or_404(model, pk=kwargs[id_kwarg], plan=plan).delete()
        messages.success(request, message)
        return redirect(reverse("prevention:plan", args=[plan.pk]) + f"#{section}")

    delete.__name__ = delete.__qualname__ = name
    return requires(*EDIT_PLAN)(require_POST(delete))


plan_line_delete = _plan_item_delete(
    "plan_line_delete",
    PlanIntervention,
    "line_id",
    gettext_lazy("De regel is uit het plan verwijderd (eerdere versies bewaren hem)."),
    "interventies",
)
plan_indicator_delete = _plan_item_delete(
    "plan_indicator_delete", PlanIndicator, "indicator_id", gettext_lazy("De indicator is verwijderd."), "evaluatie"
)


@requires(*EDIT_PLAN)
@require_POST
def plan_indicator(request, pk):
    plan = _editable_plan_or_404(request, pk)
    form = PlanIndicatorForm(request.POST, prefix="ind")
    if form.is_valid():
        item = form.save(commit=False)
        item.plan = plan
        item.save()
        messages.success(request, _("Indicator '%(naam)s' is toegevoegd.") % {"naam": item.naam})
    else:
        messages.error(
            request,
            _("De indicator kon niet worden opgeslagen: %(errors)s")
            % {"errors": "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields)},
        )
    return redirect(reverse("prevention:plan", args=[plan.pk]) + "#evaluatie")


@requires(*EDIT_PLAN)
@require_POST
def plan_indicator_meting(request, pk, indicator_id):
    """Add a measured value entered by hand (participants, sessions, a survey score) with date and source."""
    plan = _editable_plan_or_404(request, pk)
    indicator = get_object_or_404(PlanIndicator, pk=indicator_id, plan=plan, type="hand")
    form = IndicatorMetingForm(request.POST, prefix=f"met{indicator.pk}")
    if form.is_valid():
        meting = form.save(commit=False)
        meting.indicator = indicator
        meting.save()
        plan.save(update_fields=["updated_at"])
        messages.success(request, _("Meting voor '%(naam)s' is toegevoegd.") % {"naam": indicator.naam})
    else:
        messages.error(
            request,
            _("De meting kon niet worden opgeslagen: %(errors)s")
            % {"errors": "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields)},
        )
    return redirect(reverse("prevention:plan", args=[plan.pk]) + f"#indicator-{indicator.pk}")


@requires(*EDIT_PLAN)
@require_POST
def plan_save_version(request, pk):
    plan = _editable_plan_or_404(request, pk)
    status = request.POST.get("status")
    if status in dict(PreventionPlan.STATUS):
        plan.status = status
        plan.save(update_fields=["status", "updated_at"])
    version = services.save_version(plan, user=request.user, opmerking=request.POST.get("opmerking", ""))
    messages.success(request, _("Versie %(nummer)s is vastgelegd.") % {"nummer": version.nummer})
    return redirect(reverse("prevention:plan", args=[plan.pk]) + "#versies")


@requires(*READ)
def plan_version(request, pk, nummer):
    _plan_or_404(request, pk)
    version = get_object_or_404(PlanVersion.objects.select_related("plan"), plan_id=pk, nummer=nummer)
    return render(
        request,
        "prevention/plan_version.html",
        {
            "plan": version.plan,
            "version": version,
            "doc": export.document_model(version.snapshot),
        },
    )


def _export(snapshot: dict, fmt: str, filename: str, version_label: str) -> HttpResponse:
    if fmt == "pdf":
        data, ctype = export.render_pdf(snapshot, version_label), "application/pdf"
    elif fmt == "docx":
        data = export.render_docx(snapshot, version_label)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404("Onbekend formaat")
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@requires(*READ)
def plan_export(request, pk, fmt):
    plan = _plan_or_404(request, pk)
    return _export(services.plan_snapshot(plan), fmt, f"preventieplan-{cat.slugify(plan.titel)}", "werkversie")


@requires(*READ)
def plan_version_export(request, pk, nummer, fmt):
    _plan_or_404(request, pk)
    version = get_object_or_404(PlanVersion.objects.select_related("plan"), plan_id=pk, nummer=nummer)
    return _export(
        version.snapshot,
        fmt,
        f"preventieplan-{cat.slugify(version.plan.titel)}-v{nummer}",
        f"versie {nummer} ({version.created_at:%d-%m-%Y})",
    )
