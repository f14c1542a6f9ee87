"""Set-up pages of the buurtregie (issue 18; before, only the Django admin): create a buurtregie
for a wijk, edit its schedule and place, add and remove members.

Who: ``domain.setup_rules`` (the functioneel beheerder for every buurtregie and for new ones; the
chair for their own). Anyone else gets a 404, as on the other buurtregie pages. Every page view
and change is logged (``log_access``): the member list names professionals.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.access.roles import FUNCTIONEEL_BEHEERDER, PROFESSIONAL
from zicht.access.rules import log_access, requires, user_role
from zicht.access.scoping import editable_gemeente_codes

from . import setup
from .domain import setup_rules
from .models import Buurtregie, Member
from .setup_forms import BuurtregieForm, MemberForm


def _manageable(request, pk: int) -> Buurtregie:
    regie = get_object_or_404(Buurtregie.objects.select_related("wijk", "organisation"), pk=pk)
    if not setup.may_manage(request.user, regie):
        raise Http404("Buurtregie niet gevonden")
    return regie


@requires(FUNCTIONEEL_BEHEERDER, PROFESSIONAL)
def manage_index(request):
    regies = list(setup.manageable(request.user))
    log_access(
        request,
        action="view",
        record_type="buurtregie_setup_list",
        record_id=f"user:{request.user.pk}",
        reason="Buurtregies instellen",
        records=[("buurtregie", r.pk) for r in regies],
    )
    return render(request, "buurtregie/setup_index.html", {"regies": regies, "may_create": setup_rules.may_create(user_role(request.user))})


@requires(FUNCTIONEEL_BEHEERDER)
def create(request):
    form = BuurtregieForm(request.POST or None, gemeenten=editable_gemeente_codes(request.user))
    if request.method == "POST" and form.is_valid():
        regie = form.save()
        log_access(
            request, action="create", record_type="buurtregie", record_id=regie.pk, reason=f"Buurtregie aangemaakt voor {regie.wijk_id}"
        )
        messages.success(request, _("De buurtregie is aangemaakt. Voeg nu de leden toe."))
        return redirect("buurtregie:setup_edit", pk=regie.pk)
    return render(request, "buurtregie/setup_form.html", {"form": form})


@requires(FUNCTIONEEL_BEHEERDER, PROFESSIONAL)
def edit(request, pk: int):
    regie = _manageable(request, pk)
    gemeenten = editable_gemeente_codes(request.user) | {regie.wijk.gemeente_id}
    form = BuurtregieForm(
        request.POST if request.POST.get("form") == "schema" else None, instance=regie, prefix="schema", gemeenten=gemeenten
    )
    member_form = MemberForm(request.POST if request.POST.get("form") == "lid" else None, prefix="lid", gemeenten=gemeenten)
    if request.method == "POST" and request.POST.get("form") == "schema" and form.is_valid():
        form.save()
        log_access(request, action="change", record_type="buurtregie", record_id=regie.pk, reason="Buurtregie: schema en plaats")
        messages.success(request, _("De gegevens van de buurtregie zijn opgeslagen."))
        return redirect("buurtregie:setup_edit", pk=regie.pk)
    if request.method == "POST" and request.POST.get("form") == "lid" and member_form.is_valid():
        try:
            member = setup.add_member(regie, member_form.cleaned_data["user"], member_form.cleaned_data["functie"])
        except ValidationError as exc:
            for message in exc.messages:
                member_form.add_error("user", message)
        else:
            log_access(
                request, action="create", record_type="buurtregie_member", record_id=member.pk, reason="Lid toegevoegd aan buurtregie"
            )
            messages.success(request, _("Het lid is toegevoegd."))
            return redirect("buurtregie:setup_edit", pk=regie.pk)
    members = list(regie.members.select_related("user", "organisation"))
    log_access(
        request,
        action="view",
        record_type="buurtregie",
        record_id=regie.pk,
        reason="Buurtregie instellen",
        records=[("buurtregie_member", m.pk) for m in members],
    )
    return render(request, "buurtregie/setup_edit.html", {"regie": regie, "form": form, "member_form": member_form, "members": members})


@requires(FUNCTIONEEL_BEHEERDER, PROFESSIONAL)
@require_POST
def remove_member(request, pk: int, member_pk: int):
    regie = _manageable(request, pk)
    member = get_object_or_404(Member, pk=member_pk, regie=regie)
    try:
        setup.remove_member(member)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        log_access(request, action="delete", record_type="buurtregie_member", record_id=member_pk, reason="Lid verwijderd uit buurtregie")
        messages.success(request, _("Het lid is verwijderd."))
    return redirect("buurtregie:setup_edit", pk=regie.pk)
