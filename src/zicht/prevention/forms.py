"""Forms of the prevention pages (Dutch labels; lists as checkboxes)."""

from __future__ import annotations

from django import forms

from zicht.areas import risk_factors as rf
from zicht.geo.models import Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .models import Intervention, PartnerProfile, PlanIndicator, PlanIntervention, PreventionPlan

TYPE_CHOICES = [(t, rf.PREVENTION_TYPE_LABELS[t]) for t in rf.PREVENTION_TYPES]
FACTOR_CHOICES = [(f.code, f.label) for f in rf.RISK_FACTORS.values()]
BOUWSTEEN_CHOICES = [(b.code, b.titel) for b in bs.BOUWSTENEN]


class CatalogueFilterForm(forms.Form):
    tekst = forms.CharField(label="Zoekterm", required=False)
    soort = forms.ChoiceField(label="Soort", required=False, choices=[("", "Alle")] + cat.SOORTEN)
    preventietype = forms.ChoiceField(label="Preventietype", required=False, choices=[("", "Alle")] + TYPE_CHOICES)
    doelgroep = forms.CharField(label="Doelgroep bevat", required=False)
    leeftijd = forms.IntegerField(label="Leeftijd (jaar)", required=False, min_value=0, max_value=120)
    setting = forms.ChoiceField(label="Setting", required=False, choices=[("", "Alle")] + cat.SETTINGS)
    risicofactor = forms.ChoiceField(label="Risicofactor", required=False, choices=[("", "Alle")] + FACTOR_CHOICES)
    bouwsteen = forms.ChoiceField(label="Bouwsteen", required=False, choices=[("", "Alle")] + BOUWSTEEN_CHOICES)
    erkenning = forms.ChoiceField(
        label="Erkenning", required=False,
        choices=[("", "Alle"), ("erkend", "Erkend (goed beschreven of hoger)"), ("actueel", "Erkenning jonger dan 5 jaar")]
        + cat.ERKENNINGSNIVEAUS,
    )

    def query(self) -> cat.CatalogueQuery:
        data = self.cleaned_data if self.is_valid() else {}
        q = cat.CatalogueQuery()
        for name in vars(q):
            value = data.get(name)
            if value not in (None, ""):
                setattr(q, name, value)
        return q


class InterventionForm(forms.ModelForm):
    preventietypes = forms.MultipleChoiceField(label="Preventietype(n)", required=False, choices=TYPE_CHOICES,
                                               widget=forms.CheckboxSelectMultiple, help_text="Leeg laten als onbekend.")
    setting = forms.MultipleChoiceField(label="Setting", required=False, choices=cat.SETTINGS,
                                        widget=forms.CheckboxSelectMultiple)
    risicofactoren = forms.MultipleChoiceField(label="Risicofactoren", required=False, choices=FACTOR_CHOICES,
                                               widget=forms.CheckboxSelectMultiple)
    bouwstenen = forms.MultipleChoiceField(label="Bouwstenen", required=False, choices=BOUWSTEEN_CHOICES,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Intervention
        fields = ["naam", "soort", "beschrijving", "preventietypes", "doelgroep", "leeftijd_min", "leeftijd_max",
                  "setting", "risicofactoren", "bouwstenen", "erkenningsniveau", "erkenningsdatum",
                  "erkenning_toelichting", "erkenning_bron", "bron", "toelichting"]
        labels = {"leeftijd_min": "Leeftijd vanaf (jaar)", "leeftijd_max": "Leeftijd tot en met (jaar)",
                  "erkenningsdatum": "Erkenningsdatum (JJJJ of JJJJ-MM-DD; leeg als onbekend)",
                  "erkenning_toelichting": "Toelichting erkenning", "erkenning_bron": "Bron van de erkenning (URL's)", "bron": "Bron (URL of document)",
                  "toelichting": "Herkomst van de indeling"}

    def clean_erkenningsdatum(self):
        value = self.cleaned_data.get("erkenningsdatum", "")
        try:
            parsed = cat.parse_erkenningsdatum(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return parsed.iso() if parsed else ""

    def clean(self):
        data = super().clean()
        lo, hi = data.get("leeftijd_min"), data.get("leeftijd_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("leeftijd_max", "Moet groter of gelijk zijn aan de leeftijd vanaf.")
        return data


class CatalogueImportForm(forms.Form):
    bestand = forms.FileField(label="CSV-bestand", help_text="Kolommen: " + ", ".join(cat.COLUMNS))


class PartnerProfileForm(forms.ModelForm):
    bouwstenen = forms.MultipleChoiceField(label="Bijdrage aan bouwstenen", required=False, choices=BOUWSTEEN_CHOICES,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = PartnerProfile
        fields = ["partnertype", "bouwstenen", "interventies", "doelgroepen", "toelichting"]
        labels = {"partnertype": "Soort partner (handreiking)", "interventies": "Aanbod uit de catalogus",
                  "doelgroepen": "Bereikte doelgroepen"}
        widgets = {"interventies": forms.CheckboxSelectMultiple}


class OrganisationStoplichtForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["meldcode_stoplicht", "wijk", "contact_naam", "contact_telefoon", "contact_email"]
        labels = {"meldcode_stoplicht": "Meldcode-stoplicht"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gemeente = self.instance.gemeente
        self.fields["wijk"].queryset = Wijk.objects.filter(gemeente=gemeente) if gemeente else Wijk.objects.none()
        self.fields["wijk"].required = False


class PlanCreateForm(forms.ModelForm):
    class Meta:
        model = PreventionPlan
        fields = ["titel", "wijk", "periode"]
        labels = {"wijk": "Wijk (leeg: hele gemeente)", "periode": "Looptijd"}

    def __init__(self, *args, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].queryset = Wijk.objects.filter(gemeente=gemeente) if gemeente else Wijk.objects.none()
        self.fields["wijk"].required = False


class PlanLineForm(forms.ModelForm):
    class Meta:
        model = PlanIntervention
        fields = ["naam", "doelgroep", "eigenaar", "partners", "budget", "financieringsbron", "planning", "reden"]
        labels = {"eigenaar": "Eigenaar (uitvoerder)", "budget": "Budget (€)", "reden": "Reden / onderbouwing"}
        widgets = {"partners": forms.CheckboxSelectMultiple, "reden": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(gemeente=gemeente) if gemeente else Organisation.objects.none()
        self.fields["eigenaar"].queryset = orgs
        self.fields["partners"].queryset = orgs


class PlanIndicatorForm(forms.ModelForm):
    class Meta:
        model = PlanIndicator
        fields = ["naam", "soort", "eenheid", "baseline", "baseline_jaar", "streefwaarde", "streefjaar", "bron"]
        labels = {"naam": "Indicator", "baseline": "Nulmeting", "baseline_jaar": "Jaar nulmeting",
                  "streefwaarde": "Streefwaarde", "streefjaar": "Streefjaar"}
