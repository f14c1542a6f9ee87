"""Verwijsindex pages: a professional's own signals, registering and withdrawing one, and the
ketenregisseur's overview and inbox of matches.

Access: signals only for professionals of the organisation that owns them (another
organisation's signal is a 404, not a 403, so its existence leaks nothing); the inbox only for
the ketenregisseur, with the matches ``domain.visibility`` allows. Every read is logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from zicht.access.domain.scope import REGION
from zicht.access.roles import KETENREGISSEUR, PROFESSIONAL
from zicht.access.rules import log_access, requires
from zicht.access.scoping import scope_for, visible_households, visible_linked_persons
from zicht.registry.models import Address, Organisation

from ..domain.stacking import STATUS_LABELS, may_register
from ..domain.visibility import match_organisations
from ..pages import PAGE_SIZE, birth_date, full_name, own_organisation, page_number
from ..rulesets import stacking_rules
from . import forms
from .models import Signal, SignalMatch
from .registration import counterpart_contacts, register_signal, withdraw_signal


@requires(PROFESSIONAL, KETENREGISSEUR, personal_data=True)
def signal_list(request):
    today = timezone.localdate()
    rules = stacking_rules()
    if request.user.zicht_profile.role == KETENREGISSEUR:
        by_org = Signal.objects.active(today).values("organisation__naam").annotate(n=Count("id")).order_by("organisation__naam")
        matches = SignalMatch.objects.filter(ended_at__isnull=True).count()
        return render(request, "casework/verwijsindex/signal_overview.html", {"by_org": by_org, "matches": matches, "rules": rules})
    org = own_organisation(request)
    page = page_number(request)
    signals = list(
        Signal.objects.filter(organisation=org)
        .prefetch_related("matches")
        .order_by("-datum", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    rows = [
        {"signal": s, "status": _status_label(s.status(today, rules)), "contacts": counterpart_contacts(s)} for s in signals[:PAGE_SIZE]
    ]
    shown = signals[:PAGE_SIZE]
    log_access(
        request,
        action="view",
        record_type="signal_list",
        record_id=f"org:{org.pk}:p{page}",
        reason="Eigen signalen (verwijsindex)",
        records=[("signal", s.pk) for s in shown] + [("person", s.person_id) for s in shown],
    )
    return render(
        request,
        "casework/verwijsindex/signal_list.html",
        {"rows": rows, "organisation": org, "page": page, "has_next": len(signals) > PAGE_SIZE, "rules": rules},
    )


@requires(PROFESSIONAL, personal_data=True)
def signal_new(request):
    org = own_organisation(request)
    initial = {
        "datum": timezone.localdate(),
        "contact_naam": request.user.get_full_name() or org.contact_naam,
        "contact_telefoon": org.contact_telefoon,
        "contact_email": request.user.email or org.contact_email,
    }
    form = forms.SignalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, why = may_register(form.cleaned_data["geboortedatum"], form.cleaned_data["datum"], stacking_rules(), tr=gettext)
        if not ok:
            form.add_error("geboortedatum", why)
        else:
            signal = register_signal(user=request.user, organisation=org, data=form.cleaned_data)
            log_access(request, action="create", record_type="signal", record_id=signal.pk, reason="Signaal registreren (verwijsindex)")
            contacts = counterpart_contacts(signal)
            if contacts:
                messages.warning(
                    request,
                    gettext("Match: ook %(organisations)s is betrokken. Neem contact op en spreek af wie de regie neemt.")
                    % {"organisations": ", ".join(sorted({c["organisatie"] for c in contacts}))},
                )
            else:
                messages.success(request, gettext("Het signaal is geregistreerd. U hoort het als een andere organisatie ook betrokken is."))
            return redirect("casework:signal_detail", pk=signal.pk)
    return render(request, "casework/verwijsindex/signal_form.html", {"form": form, "organisation": org, "rules": stacking_rules()})


def _status_label(code: str) -> str:
    return gettext(STATUS_LABELS.get(code, code.capitalize()))


def _own_signal(request, pk: int) -> Signal:
    org = own_organisation(request)
    signal = Signal.objects.select_related("person__address", "organisation").filter(pk=pk, organisation=org).first()
    if signal is None:
        raise Http404("Signaal niet gevonden")
    return signal


@requires(PROFESSIONAL, personal_data=True)
def signal_detail(request, pk: int):
    signal = _own_signal(request, pk)
    log_access(
        request,
        action="view",
        record_type="signal",
        record_id=signal.pk,
        reason="Eigen signaal (verwijsindex)",
        records=[("signal", signal.pk), ("person", signal.person_id)],
    )
    today = timezone.localdate()
    return render(
        request,
        "casework/verwijsindex/signal_detail.html",
        {
            "signal": signal,
            "name": full_name(signal.person),
            "born": birth_date(signal.person),
            "status": _status_label(signal.status(today, stacking_rules())),
            "contacts": counterpart_contacts(signal),
            "withdraw_form": forms.WithdrawForm(),
        },
    )


@requires(PROFESSIONAL, personal_data=True)
@require_POST
def signal_withdraw(request, pk: int):
    signal = _own_signal(request, pk)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid() and not signal.withdrawn_on:
        withdraw_signal(signal, user=request.user, reason=form.cleaned_data["reason"])
        log_access(request, action="change", record_type="signal", record_id=signal.pk, reason="Signaal ingetrokken")
        messages.success(request, gettext("Het signaal is ingetrokken en telt niet meer mee voor matches."))
    return redirect("casework:signal_detail", pk=signal.pk)


def visible_matches(user):
    """The matches ``domain.visibility`` lets this user see (persons, households or organisations of the region)."""
    scope = scope_for(user)
    orgs = match_organisations(scope.kind, REGION, scope.gemeente_codes, scope.region)
    if orgs is None:
        return SignalMatch.objects.none()
    in_region = Q(gemeente_id__in=orgs.gemeente_codes)
    if orgs.vt_regio:
        in_region |= Q(regio_id=orgs.vt_regio)
    return SignalMatch.objects.filter(
        Q(linked_person__in=visible_linked_persons(user).values("pk"))
        | Q(household__in=visible_households(user).values("pk"))
        | Q(organisations__in=Organisation.objects.filter(in_region).values("pk"))
    ).distinct()


@requires(KETENREGISSEUR, personal_data=True)
def inbox(request):
    status = request.GET.get("status") or "open"
    qs = visible_matches(request.user).filter(ended_at__isnull=True)
    qs = qs.exclude(status="regie_belegd") if status == "open" else qs.filter(status="regie_belegd")
    matches = list(qs.prefetch_related("organisations", "signals__organisation").select_related("regie_organisatie")[:200])
    rows = []
    for match in matches:
        addresses = []
        if match.linked_person_id:
            addresses = list(Address.objects.filter(persons__link__linked_person_id=match.linked_person_id).distinct()[:5])
        contacts = [
            {"organisatie": s.organisation.naam, "contact_naam": s.contact_naam, "contact_telefoon": s.contact_telefoon}
            for s in match.signals.all()
        ]
        # auto_id per match: one form per row, so every label points at its own control (unique ids)
        form = forms.InboxForm(
            initial={"status": match.status, "regie_organisatie": match.regie_organisatie_id},
            organisations=match.organisations.all(),
            auto_id=f"id_%s-{match.pk}",
        )
        rows.append({"match": match, "addresses": addresses, "contacts": contacts, "form": form})
    records = []
    for row in rows:
        match = row["match"]
        records.append(("signal_match", match.pk))
        if match.linked_person_id:
            records.append(("linked_person", match.linked_person_id))
        if match.household_id:
            records.append(("household", match.household_id))
        records += [("address", a.pk) for a in row["addresses"]] + [("signal", s.pk) for s in match.signals.all()]
    log_access(
        request,
        action="view",
        record_type="signal_inbox",
        record_id=status,
        reason="Inbox signaalmatches",
        records=list(dict.fromkeys(records)),
    )
    return render(request, "casework/verwijsindex/inbox.html", {"rows": rows, "status": status})


@requires(KETENREGISSEUR, personal_data=True)
@require_POST
def inbox_handle(request, pk: int):
    match = get_object_or_404(visible_matches(request.user), pk=pk)
    form = forms.InboxForm(request.POST, organisations=match.organisations.all())
    if form.is_valid():
        match.status = form.cleaned_data["status"]
        match.regie_organisatie = form.cleaned_data["regie_organisatie"]
        match.coordinator_note = form.cleaned_data["note"]
        match.handled_by = request.user
        match.handled_at = timezone.now()
        match.save()
        log_access(request, action="change", record_type="signal_match", record_id=match.pk, reason="Regie signaalmatch")
        messages.success(request, gettext("De match is bijgewerkt."))
    return redirect("casework:inbox")
