"""Forms of the colour pages: list filter, export, help trajectory, worklists (labels in Dutch)."""

from __future__ import annotations

from django import forms

from zicht.access.purpose import REASONS
from zicht.geo.models import Wijk
from zicht.registry import vocab

from ..domain.colour import COLOUR_LABELS, COLOURS
from ..pages import DATE
from .models import Hulptraject

PERIODS = [("", "Alle"), ("3", "Laatste 3 maanden"), ("6", "Laatste 6 maanden"), ("12", "Laatste 12 maanden"), ("24", "Laatste 24 maanden")]


class ColourFilterForm(forms.Form):
    subject = forms.ChoiceField(label="Niveau", choices=[("address", "Adressen"), ("household", "Huishoudens")], required=False)
    kleur = forms.ChoiceField(label="Kleur", choices=[("", "Alle")] + [(c, COLOUR_LABELS[c]) for c in reversed(COLOURS)], required=False)
    wijk = forms.ChoiceField(label="Wijk", required=False)
    periode = forms.ChoiceField(label="Laatste registratie", choices=PERIODS, required=False)
    aard = forms.ChoiceField(label="Aard geweld", choices=[("", "Alle")] + vocab.AARD_GEWELD, required=False)

    def __init__(self, *args, wijken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].choices = [("", "Alle wijken")] + [(w.code, f"{w.naam} ({w.code})") for w in wijken]


class ExportForm(forms.Form):
    reason = forms.ChoiceField(label="Reden van de export", choices=REASONS)
    namen = forms.BooleanField(label="Volledige namen opnemen (anders alleen initialen)", required=False)


class HulptrajectForm(forms.ModelForm):
    class Meta:
        model = Hulptraject
        fields = ["organisation", "soort", "start", "einde", "uitkomst", "toelichting"]
        labels = {
            "organisation": "Organisatie",
            "soort": "Soort hulp of dienst",
            "start": "Start",
            "einde": "Afgesloten op",
            "uitkomst": "Uitkomst bij afsluiten",
            "toelichting": "Toelichting (versleuteld opgeslagen)",
        }
        widgets = {"start": DATE, "einde": DATE, "toelichting": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        start, einde = data.get("start"), data.get("einde")
        if einde and start and einde < start:
            self.add_error("einde", "Het einde ligt vóór de start.")
        if einde and not data.get("uitkomst"):
            self.add_error("uitkomst", "Kies de uitkomst van het afgesloten traject.")
        if data.get("uitkomst") and not einde:
            self.add_error("einde", "Een uitkomst hoort bij een afgesloten traject: vul de einddatum in.")
        return data


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=[("open", "Open"), ("afgehandeld", "Afgehandeld")], required=False)
    wijk = forms.ModelChoiceField(label="Wijk", queryset=Wijk.objects.none(), required=False, to_field_name="code")


class HandleForm(forms.Form):
    note = forms.CharField(label="Afspraak (geen persoonsgegevens)", max_length=200, required=False)
