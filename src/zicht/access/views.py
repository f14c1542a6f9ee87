"""Views of the access app: the reason (purpose) form."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .purpose import REASONS, store_reason
from .roles import PERSONAL_DATA_ROLES
from .rules import requires


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label="Reden van inzage", choices=REASONS, widget=forms.RadioSelect)
    toelichting = forms.CharField(label="Toelichting (optioneel, geen persoonsgegevens)", required=False, max_length=200)


@requires(*PERSONAL_DATA_ROLES)
def reason(request):
    record_type = request.GET.get("type", "")
    record_id = request.GET.get("id", "")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = dict(REASONS)[form.cleaned_data["reason"]]
        if form.cleaned_data["toelichting"]:
            text = f"{text}: {form.cleaned_data['toelichting']}"
        store_reason(request, record_type, record_id, text)
        return redirect(next_url)
    return render(request, "access/reason.html", {"form": form, "record_type": record_type, "next": next_url})
