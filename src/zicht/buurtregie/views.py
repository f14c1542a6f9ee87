"""Buurtregie pages: a member's meetings, the agenda with its weighings and actions, the minutes.

Access: professionals who are a member of the buurtregie, for the organisation they work for now.
Anyone else (another wijk, another organisation, a colleague who is not a member) gets a 404,
logged as refused by ``requires``. Every page that shows agenda items, actions or notes is logged
with the records it showed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zicht.access.roles import PROFESSIONAL
from zicht.access.rules import log_access, requires

from . import forms, services
from .domain import rules, setup_rules
from .models import Action, Member


def _member(request, pk: int) -> Member:
    member = services.membership(request.user, pk)
    if member is None:
        raise Http404("Buurtregie niet gevonden")
    return member


def _next_meeting(regie, today):
    return rules.next_meeting(regie.eerste_bijeenkomst, regie.interval_weken, today)


@requires(PROFESSIONAL, personal_data=True)
def index(request):
    today = timezone.localdate()
    rows = [{"member": m, "regie": m.regie, "next": _next_meeting(m.regie, today)} for m in services.memberships(request.user)]
    overdue = services.overdue_actions(today, user=request.user)
    log_access(
        request,
        action="view",
        record_type="buurtregie_list",
        record_id=f"user:{request.user.pk}",
        reason="Mijn buurtregies en acties",
        records=[("buurtregie_action", a.pk) for a in overdue],
    )
    chairs = any(r["member"].functie == setup_rules.VOORZITTER for r in rows)
    return render(request, "buurtregie/index.html", {"rows": rows, "overdue": overdue, "today": today, "chairs": chairs})


@requires(PROFESSIONAL, personal_data=True)
def agenda(request, pk: int):
    member = _member(request, pk)
    regie = member.regie
    today = timezone.localdate()
    items = services.agenda(regie, member.organisation_id, today)
    members = list(regie.members.select_related("user", "organisation"))
    member_qs = regie.members.select_related("user", "organisation")
    forms_by_item = [(item, forms.WeighingForm(members=member_qs, prefix=f"m{item.match.pk}")) for item in items]
    actions = list(regie.actions.filter(done_on__isnull=True).select_related("owner__user", "owner__organisation"))
    overdue = [a for a in actions if rules.is_overdue(a.due_on, a.done_on, today)]
    log_access(
        request,
        action="view",
        record_type="buurtregie",
        record_id=regie.pk,
        reason="Agenda buurtregie",
        records=[("signal_match", i.match.pk) for i in items] + [("buurtregie_action", a.pk) for a in actions],
    )
    return render(
        request,
        "buurtregie/agenda.html",
        {
            "regie": regie,
            "member": member,
            "members": members,
            "items": forms_by_item,
            "actions": actions,
            "overdue": overdue,
            "mine_overdue": [a for a in overdue if a.owner.user_id == request.user.pk],
            "meetings": rules.upcoming_meetings(regie.eerste_bijeenkomst, regie.interval_weken, today),
            "today": today,
        },
    )


@requires(PROFESSIONAL, personal_data=True)
@require_POST
def weigh(request, pk: int, match_pk: int):
    member = _member(request, pk)
    regie = member.regie
    today = timezone.localdate()
    item = services.agenda_item(regie, match_pk, member.organisation_id, today)
    if item is None:
        raise Http404("Agendapunt niet gevonden")
    form = forms.WeighingForm(request.POST, members=regie.members.select_related("user", "organisation"), prefix=f"m{match_pk}")
    if form.is_valid():
        try:
            weighing = services.weigh(
                regie,
                item,
                user=request.user,
                meeting=_next_meeting(regie, today),
                outcome=form.cleaned_data["uitkomst"],
                reason=form.cleaned_data["reden"],
                action=form.action(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            log_access(
                request,
                action="create",
                record_type="buurtregie_weighing",
                record_id=weighing.pk,
                reason="Weging agendapunt buurtregie",
                records=[("signal_match", match_pk)],
            )
            messages.success(
                request,
                _("Agendapunt %(nummer)s is gewogen: %(uitkomst)s.")
                % {"nummer": match_pk, "uitkomst": _(rules.OUTCOME_LABELS[weighing.uitkomst]).lower()},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, _("Agendapunt %(nummer)s: %(fout)s") % {"nummer": match_pk, "fout": message})
    return redirect("buurtregie:agenda", pk=regie.pk)


@requires(PROFESSIONAL, personal_data=True)
@require_POST
def action_done(request, pk: int, action_pk: int):
    member = _member(request, pk)
    action = Action.objects.filter(pk=action_pk, regie=member.regie, owner__organisation=member.organisation).first()
    if action is None:
        raise Http404("Actie niet gevonden")
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
        log_access(request, action="change", record_type="buurtregie_action", record_id=action.pk, reason="Actie buurtregie afgerond")
        messages.success(request, _("De actie is afgevinkt."))
    return redirect("buurtregie:agenda", pk=member.regie_id)


@requires(PROFESSIONAL, personal_data=True)
def minutes(request, pk: int):
    member = _member(request, pk)
    regie = member.regie
    today = timezone.localdate()
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = regie.notes.create(
            organisation=member.organisation, author=request.user, bijeenkomst=_next_meeting(regie, today), tekst=form.cleaned_data["tekst"]
        )
        log_access(request, action="create", record_type="buurtregie_note", record_id=note.pk, reason="Notitie buurtregie")
        messages.success(request, _("Uw notitie is opgeslagen; alleen uw eigen organisatie leest haar."))
        return redirect("buurtregie:minutes", pk=regie.pk)
    weighings = list(regie.weighings.select_related("weighed_by").prefetch_related("actions__owner__user", "actions__owner__organisation"))
    notes = services.readable_notes(regie, member.organisation_id)
    log_access(
        request,
        action="view",
        record_type="buurtregie_minutes",
        record_id=regie.pk,
        reason="Verslag buurtregie",
        records=[("buurtregie_weighing", w.pk) for w in weighings] + [("buurtregie_note", n.pk) for n in notes],
    )
    return render(
        request, "buurtregie/minutes.html", {"regie": regie, "member": member, "weighings": weighings, "notes": notes, "form": form}
    )
