"""Meldcode pages: a professional's open steps per colleague, starting a case, answering its steps.

Access: only professionals of the organisation that owns the case (another organisation's case
is a 404). Every read and change is logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from zicht.access.roles import PROFESSIONAL
from zicht.access.rules import log_access, requires

from ..domain import meldcode as mc
from ..pages import own_organisation
from ..verwijsindex.models import Signal
from . import forms
from .models import MeldcodeCase
from .services import answer_case


@requires(PROFESSIONAL, personal_data=True)
def meldcode_list(request):
    org = own_organisation(request)
    today = timezone.localdate()
    cases = list(MeldcodeCase.objects.filter(organisation=org).select_related("professional").order_by("vervolgdatum", "-updated_at"))
    open_cases = [c for c in cases if c.is_open]
    per_professional: dict[str, list] = {}
    for case in open_cases:
        per_professional.setdefault(case.professional.get_full_name() or case.professional.get_username(), []).append(
            {"case": case, "step": gettext(dict(mc.STATES)[case.state]), "overdue": mc.is_overdue(case.vervolgdatum, today)}
        )
    closed = [c for c in cases if not c.is_open][:20]
    log_access(
        request,
        action="view",
        record_type="meldcode_list",
        record_id=f"org:{org.pk}",
        reason="Overzicht open Meldcode-stappen",
        records=[("meldcode_case", c.pk) for c in open_cases + closed],
    )
    return render(
        request,
        "casework/meldcode/meldcode_list.html",
        {"per_professional": sorted(per_professional.items()), "closed": closed, "organisation": org, "today": today},
    )


@requires(PROFESSIONAL, personal_data=True)
def meldcode_new(request):
    org = own_organisation(request)
    signals = Signal.objects.filter(organisation=org, withdrawn_on__isnull=True)
    form = forms.MeldcodeNewForm(request.POST or None, signals=signals)
    if request.method == "POST" and form.is_valid():
        case = MeldcodeCase.objects.create(
            organisation=org, professional=request.user, referentie=form.cleaned_data["referentie"], signal=form.cleaned_data["signal"]
        )
        log_access(request, action="create", record_type="meldcode_case", record_id=case.pk, reason="Meldcode starten")
        return redirect("casework:meldcode_case", pk=case.pk)
    return render(request, "casework/meldcode/meldcode_new.html", {"form": form})


@requires(PROFESSIONAL, personal_data=True)
def meldcode_case(request, pk: int):
    org = own_organisation(request)
    case = MeldcodeCase.objects.filter(pk=pk, organisation=org).select_related("professional", "signal").first()
    if case is None:
        raise Http404("Casus niet gevonden")
    form = forms.MeldcodeAnswerForm(request.POST or None, state=case.state) if case.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            answer_case(
                case,
                answer=form.cleaned_data["answer"],
                user=request.user,
                toelichting=form.cleaned_data["toelichting"],
                vervolgdatum=form.cleaned_data["vervolgdatum"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            log_access(request, action="change", record_type="meldcode_case", record_id=case.pk, reason="Meldcode-stap vastleggen")
            messages.success(request, gettext("Het antwoord is vastgelegd."))
            return redirect("casework:meldcode_case", pk=case.pk)
    log_access(
        request,
        action="view",
        record_type="meldcode_case",
        record_id=case.pk,
        reason="Meldcode-casus",
        records=[("signal", case.signal_id)] if case.signal_id else None,
    )
    answers = list(case.answers.select_related("answered_by"))
    steps = []
    for code, label in mc.STATES[:8]:
        done = [a for a in answers if a.question == code]
        steps.append(
            {
                "code": code,
                "label": gettext(label),
                "question": gettext(mc.QUESTIONS[code]),
                "answers": done,
                "current": mc.question_for(case.state) == code,
            }
        )
    return render(
        request,
        "casework/meldcode/meldcode_case.html",
        {
            "case": case,
            "steps": steps,
            "form": form,
            "state_label": gettext(dict(mc.STATES)[case.state]),
            "question": gettext(mc.QUESTIONS.get(mc.question_for(case.state) or "", "")),
            "outcomes": [a for a in answers if a.outcome],
        },
    )
