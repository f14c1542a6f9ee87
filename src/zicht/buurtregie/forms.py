"""Forms of the buurtregie pages (labels in Dutch)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain import rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WeighingForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label=_("Uitkomst van de weging"), choices=[(code, _(label)) for code, label in rules.OUTCOMES], widget=forms.RadioSelect
    )
    reden = forms.CharField(
        label=_("Reden (gedeeld met alle leden: geen inhoud van een andere organisatie)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    actie = forms.CharField(
        label=_("Afgesproken actie (optioneel; verplicht bij Meldcode of casusoverleg)"), max_length=300, required=False
    )
    eigenaar = forms.ModelChoiceField(label=_("Wie voert de actie uit"), queryset=None, required=False)
    datum = forms.DateField(label=_("Uiterlijk op"), widget=DATE, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eigenaar"].queryset = members
        self.fields["eigenaar"].label_from_instance = lambda m: (
            f"{m.user.get_full_name() or m.user.get_username()}, {m.get_functie_display()} ({m.organisation.naam})"
        )

    def clean(self):
        data = super().clean()
        given = [bool(data.get("actie")), data.get("eigenaar") is not None, data.get("datum") is not None]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Vul bij een actie de omschrijving, wie en de datum in."))
        return data

    def action(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("actie"):
            return None
        return {"omschrijving": data["actie"], "owner": data["eigenaar"], "due_on": data["datum"]}


class NoteForm(forms.Form):
    tekst = forms.CharField(
        label=_("Notitie (alleen leesbaar voor uw eigen organisatie)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
