"""The upload form: a partner file and the import profile to read it with."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain.profile import available_profiles

MAX_UPLOAD_BYTES = 500 * 2**20
RECORDS, WITHDRAWALS = "records", "withdrawals"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort bestand"),
        choices=[
            (RECORDS, _("Partnerbestand: records laden of corrigeren")),
            (WITHDRAWALS, _("Intrekkingslijst: ingetrokken of vervallen records van deze bron")),
        ],
        initial=RECORDS,
        required=False,  # without it: a partner file (as before the choice existed)
        widget=forms.RadioSelect,
        help_text=_(
            "Een intrekkingslijst is een CSV met de kolom registratienummer van het profiel; de records gaan uit kleur, "
            "werklijsten en cijfers en blijven in de historie."
        ),
    )
    profile = forms.ChoiceField(label=_("Importprofiel"), help_text=_("Welk partnerformaat dit bestand heeft."))
    file = forms.FileField(label=_("Bestand (CSV of XLSX)"))
    accept_partial = forms.BooleanField(
        label=_("Deels laden: laad de goedgekeurde records en sla afgekeurde over"),
        required=False,
        help_text=_(
            "Standaard is alles-of-niets: één afgekeurde rij en er wordt niets geladen. Bij deels laden neemt "
            "een afgekeurde rij van één persoon de andere personen van het record niet mee."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [("", _("— kies een profiel —"))] + [(name, name) for name in sorted(available_profiles())]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 500 MB; importeer het met 'zicht import'."))
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if cleaned.get("kind") == WITHDRAWALS and upload is not None and Path(upload.name).suffix.lower() not in (".csv", ".txt"):
            self.add_error("file", _("Een intrekkingslijst is een CSV-bestand."))
        return cleaned
