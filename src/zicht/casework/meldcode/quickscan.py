"""The Quickscan page of a Meldcode case: tick the risk factors, read the suggested step and its
reasons, then confirm it or choose another step with a reason. Stored with the case, logged.

Access as for the case itself: professionals of the organisation that owns the case (another
organisation's case is a 404, logged as refused).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.access.roles import PROFESSIONAL
from zicht.access.rules import log_access, requires
from zicht.core.i18n import lazy_choices

from ..domain import quickscan as qs
from ..pages import own_organisation
from .models import MeldcodeCase, Quickscan


class QuickscanForm(forms.Form):
    """One checkbox group per category of the classification, then the professional's choice."""

    kinderen = forms.BooleanField(label=_("Er zijn minderjarige kinderen in het gezin of de cliënt zorgt voor kinderen"), required=False)
    keuze = forms.ChoiceField(label=_("Welke stap zet u?"), choices=lazy_choices(qs.STEPS), widget=forms.RadioSelect, required=False)
    reden = forms.CharField(
        label=_("Reden (verplicht als u een andere stap kiest dan voorgesteld; versleuteld opgeslagen)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        factor_fields = {}
        for code, label in qs.CATEGORIES:
            factor_fields[f"f_{code}"] = forms.MultipleChoiceField(
                label=gettext(label),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(c, gettext(qs.FACTORS[c][1])) for c in qs.factors_in(qs.FACTORS.keys(), code)],
            )
        self.fields = {**factor_fields, **self.fields}

    def factors(self) -> list[str]:
        return [c for code, _ in qs.CATEGORIES for c in self.cleaned_data.get(f"f_{code}", [])]


@requires(PROFESSIONAL, personal_data=True)
def quickscan(request, pk: int):
    org = own_organisation(request)
    case = MeldcodeCase.objects.filter(pk=pk, organisation=org).first()
    if case is None:
        raise Http404("Casus niet gevonden")
    form = QuickscanForm(request.POST or None)
    suggestion = shown = None
    if request.method == "POST" and form.is_valid():
        suggestion = qs.suggest(form.factors(), kinderen=form.cleaned_data["kinderen"])  # Dutch: stored with the case
        shown = {
            "label": gettext(suggestion.label),
            "reasons": qs.suggest(form.factors(), kinderen=form.cleaned_data["kinderen"], tr=gettext).reasons,
        }
        if "vastleggen" in request.POST:
            errors = qs.choice_errors(suggestion.step, form.cleaned_data["keuze"], form.cleaned_data["reden"], tr=gettext)
            if not errors:
                scan = Quickscan.objects.create(
                    case=case,
                    factors=form.factors(),
                    kinderen=form.cleaned_data["kinderen"],
                    suggested=suggestion.step,
                    reasons=list(suggestion.reasons),
                    chosen=form.cleaned_data["keuze"],
                    done_by=request.user,
                    keuze_reden=form.cleaned_data["reden"].strip() if form.cleaned_data["keuze"] != suggestion.step else "",
                )
                log_access(
                    request,
                    action="create",
                    record_type="meldcode_quickscan",
                    record_id=scan.pk,
                    reason="Quickscan vastleggen",
                    records=[("meldcode_case", case.pk)],
                )
                messages.success(
                    request,
                    gettext("De quickscan is vastgelegd. Gekozen stap: %(step)s.") % {"step": gettext(qs.STEP_LABELS[scan.chosen]).lower()},
                )
                return redirect("casework:meldcode_case", pk=case.pk)
            for error in errors:
                form.add_error("keuze" if form.cleaned_data["keuze"] not in qs.STEP_LABELS else "reden", error)
        elif not form.cleaned_data["keuze"]:
            data = request.POST.copy()
            data["keuze"] = suggestion.step  # the suggestion preselected; the professional decides
            form = QuickscanForm(data)
            form.is_valid()
    earlier = list(case.quickscans.select_related("done_by"))
    log_access(
        request,
        action="view",
        record_type="meldcode_case",
        record_id=case.pk,
        reason="Quickscan",
        records=[("meldcode_quickscan", s.pk) for s in earlier],
    )
    return render(request, "casework/meldcode/quickscan.html", {"case": case, "form": form, "suggestion": shown, "earlier": earlier})
