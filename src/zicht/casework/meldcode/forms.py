"""Forms of the Meldcode pages: starting a case and answering its steps (labels in Dutch)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..domain import meldcode as mc
from ..pages import DATE


class MeldcodeNewForm(forms.Form):
    referentie = forms.CharField(label=_("Eigen dossiernummer of korte omschrijving"), max_length=120)
    signal = forms.ModelChoiceField(label=_("Hoort bij signaal (optioneel)"), queryset=None, required=False)

    def __init__(self, *args, signals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signal"].queryset = signals
        self.fields["signal"].label_from_instance = lambda s: (
            gettext("Signaal #%(pk)s van %(datum)s")
            % {
                "pk": s.pk,
                "datum": f"{s.datum:%d-%m-%Y}",
            }
        )


class MeldcodeAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Antwoord"), widget=forms.RadioSelect)
    toelichting = forms.CharField(label=_("Toelichting (versleuteld opgeslagen)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    vervolgdatum = forms.DateField(label=_("Vervolgdatum (verplicht bij hulp bieden of vervolgen)"), widget=DATE, required=False)

    def __init__(self, *args, state: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(a, gettext(mc.ANSWERS[a])) for a in mc.allowed_answers(state)]
