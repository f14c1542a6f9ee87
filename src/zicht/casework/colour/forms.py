"""Forms of the colour pages: list filter, export, help trajectory, worklists (labels in Dutch)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.access.purpose import REASONS
from zicht.core.i18n import lazy_choices
from zicht.geo.models import Wijk
from zicht.registry import vocab

from ..domain.colour import COLOUR_LABELS, COLOURS
from ..pages import DATE
from .models import Hulptraject

PERIODS = [
    ("", _("Alle")),
    ("3", _("Laatste 3 maanden")),
    ("6", _("Laatste 6 maanden")),
    ("12", _("Laatste 12 maanden")),
    ("24", _("Laatste 24 maanden")),
]


class ColourFilterForm(forms.Form):
    subject = forms.ChoiceField(label=_("Niveau"), choices=[("address", _("Adressen")), ("household", _("Huishoudens"))], required=False)
    kleur = forms.ChoiceField(
        label=_("Kleur"), choices=[("", _("Alle"))] + lazy_choices((c, COLOUR_LABELS[c]) for c in reversed(COLOURS)), required=False
    )
    wijk = forms.ChoiceField(label=_("Wijk"), required=False)
    periode = forms.ChoiceField(label=_("Laatste registratie"), choices=PERIODS, required=False)
    aard = forms.ChoiceField(label=_("Aard geweld"), choices=[("", _("Alle"))] + lazy_choices(vocab.AARD_GEWELD), required=False)

    def __init__(self, *args, wijken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].choices = [("", _("Alle wijken"))] + [(w.code, f"{w.naam} ({w.code})") for w in wijken]


class ExportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden van de export"), choices=lazy_choices(REASONS))
    namen = forms.BooleanField(label=_("Volledige namen opnemen (anders alleen initialen)"), required=False)


class HulptrajectForm(forms.ModelForm):
    class Meta:
        model = Hulptraject
        fields = ["organisation", "soort", "start", "einde", "uitkomst", "toelichting"]
        labels = {
            "organisation": _("Organisatie"),
            "soort": _("Soort hulp of dienst"),
            "start": _("Start"),
            "einde": _("Afgesloten op"),
            "uitkomst": _("Uitkomst bij afsluiten"),
            "toelichting": _("Toelichting (versleuteld opgeslagen)"),
        }
        widgets = {"start": DATE, "einde": DATE, "toelichting": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        start, einde = data.get("start"), data.get("einde")
        if einde and start and einde < start:
            self.add_error("einde", _("Het einde ligt vóór de start."))
        if einde and not data.get("uitkomst"):
            self.add_error("uitkomst", _("Kies de uitkomst van het afgesloten traject."))
        if data.get("uitkomst") and not einde:
            self.add_error("einde", _("Een uitkomst hoort bij een afgesloten traject: vul de einddatum in."))
        return data


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("open", _("Open")), ("afgehandeld", _("Afgehandeld"))], required=False)
    wijk = forms.ModelChoiceField(label=_("Wijk"), queryset=Wijk.objects.none(), required=False, to_field_name="code")


class HandleForm(forms.Form):
    note = forms.CharField(label=_("Afspraak (geen persoonsgegevens)"), max_length=200, required=False)
