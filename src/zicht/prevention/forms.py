"""Forms of the prevention pages (Dutch labels; lists as checkboxes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.areas import risk_factors as rf
from zicht.areas.indicators import REGISTER_FIGURES
from zicht.geo.cbs import INDICATORS as CBS_INDICATORS
from zicht.geo.models import Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .models import IndicatorMeting, Intervention, PartnerProfile, PlanIndicator, PlanIntervention, PreventionPlan

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
        label="Erkenning",
        required=False,
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
    preventietypes = forms.MultipleChoiceField(
        label="Preventietype(n)",
        required=False,
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leeg laten als onbekend.",
    )
    setting = forms.MultipleChoiceField(label="Setting", required=False, choices=cat.SETTINGS, widget=forms.CheckboxSelectMultiple)
    risicofactoren = forms.MultipleChoiceField(
        label="Risicofactoren", required=False, choices=FACTOR_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    bouwstenen = forms.MultipleChoiceField(
        label="Bouwstenen", required=False, choices=BOUWSTEEN_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Intervention
        fields = [c for c in cat.COLUMNS if c != "slug"]  # the catalogue file's columns; the slug follows the name
        labels = {
            "leeftijd_min": "Leeftijd vanaf (jaar)",
            "leeftijd_max": "Leeftijd tot en met (jaar)",
            "erkenningsdatum": "Erkenningsdatum (JJJJ of JJJJ-MM-DD; leeg als onbekend)",
            "erkenning_toelichting": "Toelichting erkenning",
            "erkenning_bron": "Bron van de erkenning (URL's)",
            "bron": "Bron (URL of document)",
            "toelichting": "Herkomst van de indeling",
        }

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
    bouwstenen = forms.MultipleChoiceField(
        label="Bijdrage aan bouwstenen", required=False, choices=BOUWSTEEN_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerProfile
        fields = ["partnertype", "bouwstenen", "interventies", "doelgroepen", "toelichting"]
        labels = {
            "partnertype": "Soort partner (handreiking)",
            "interventies": "Aanbod uit de catalogus",
            "doelgroepen": "Bereikte doelgroepen",
        }
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
        labels = {"titel": _("Titel"), "wijk": _("Wijk (leeg: hele gemeente)"), "periode": _("Looptijd")}

    def __init__(self, *args, gemeente=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].queryset = Wijk.objects.filter(gemeente=gemeente) if gemeente else Wijk.objects.none()
        self.fields["wijk"].required = False


class PlanLineForm(forms.ModelForm):
    class Meta:
        model = PlanIntervention
        fields = [
            "naam",
            "schaal",
            "doelgroep",
            "eigenaar",
            "partners",
            "budget",
            "financieringsbron",
            "planning",
            "reden",
            "doelgroep_omvang",
            "bereikt",
            "bijeenkomsten",
            "zoals_bedoeld",
            "uitvoering_toelichting",
            "uitvoering_van",
            "uitvoering_tot",
        ]
        labels = {
            "eigenaar": "Eigenaar (uitvoerder)",
            "budget": "Budget (€)",
            "reden": "Reden / onderbouwing",
            "doelgroep_omvang": "Omvang doelgroep (aantal)",
            "bereikt": "Deelnemers bereikt",
            "bijeenkomsten": "Bijeenkomsten gehouden",
            "zoals_bedoeld": "Uitgevoerd zoals bedoeld?",
            "uitvoering_toelichting": "Toelichting op de uitvoering",
            "uitvoering_van": "Uitvoering van",
            "uitvoering_tot": "Uitvoering tot en met",
        }
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "reden": forms.Textarea(attrs={"rows": 2}),
            "uitvoering_toelichting": forms.Textarea(attrs={"rows": 2}),
            "uitvoering_van": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "uitvoering_tot": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, gemeente=None, gemeenten=None, **kwargs):
        """``gemeente``: a local plan's; ``gemeenten``: a regional plan's (its region's gemeenten)."""
        super().__init__(*args, **kwargs)
        if gemeente:
            orgs = Organisation.objects.filter(gemeente=gemeente)
        elif gemeenten:
            orgs = Organisation.objects.filter(gemeente_id__in=gemeenten).select_related("gemeente")
        else:
            orgs = Organisation.objects.none()
        self.fields["eigenaar"].queryset = orgs
        self.fields["partners"].queryset = orgs
        self.fields["schaal"].label = "Schaal"
        self.fields["schaal"].required = False  # a form without it keeps the line's scale (new: the plan's default)
        self._default_schaal = "regionaal" if (gemeenten and not gemeente) else "lokaal"

    def clean(self):
        data = super().clean()
        if not data.get("schaal"):
            data["schaal"] = self.instance.schaal if self.instance.pk else self._default_schaal
        van, tot = data.get("uitvoering_van"), data.get("uitvoering_tot")
        if van and tot and tot < van:
            self.add_error("uitvoering_tot", "Het einde van de uitvoering ligt voor het begin.")
        omvang, bereikt = data.get("doelgroep_omvang"), data.get("bereikt")
        if data.get("zoals_bedoeld") in ("deels", "nee") and not (data.get("uitvoering_toelichting") or "").strip():
            self.add_error("uitvoering_toelichting", "Licht toe wat anders ging dan bedoeld.")
        if omvang is not None and bereikt is not None and bereikt > omvang:
            self.add_error("bereikt", "Meer deelnemers bereikt dan de doelgroep groot is: pas de omvang aan.")
        return data


FIGUUR_CHOICES = [("", "—")] + [
    ("Cijfer uit het register", [(k, label) for k, (label, _) in REGISTER_FIGURES.items()]),
    ("CBS-cijfer", [(i.key, i.label) for i in CBS_INDICATORS.values()]),
]


class PlanIndicatorForm(forms.ModelForm):
    figuur = forms.ChoiceField(choices=FIGUUR_CHOICES, required=False, label="Cijfer (bij register of CBS)")

    class Meta:
        model = PlanIndicator
        fields = ["naam", "soort", "type", "figuur", "eenheid", "baseline", "baseline_jaar", "streefwaarde", "streefjaar", "bron"]
        labels = {
            "naam": "Indicator",
            "type": "Soort meting",
            "baseline": "Nulmeting",
            "baseline_jaar": "Jaar nulmeting",
            "streefwaarde": "Streefwaarde",
            "streefjaar": "Streefjaar",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].required = False  # a form without the field (as before) makes a free-text indicator

    def clean(self):
        data = super().clean()
        kind, figuur = data.get("type") or "tekst", data.get("figuur") or ""
        data["type"] = kind
        if kind == "register" and figuur not in REGISTER_FIGURES:
            self.add_error("figuur", "Kies een cijfer uit het register.")
        elif kind == "cbs" and figuur not in CBS_INDICATORS:
            self.add_error("figuur", "Kies een CBS-cijfer.")
        elif kind in ("tekst", "hand"):
            data["figuur"] = ""
        return data


class IndicatorMetingForm(forms.ModelForm):
    class Meta:
        model = IndicatorMeting
        fields = ["datum", "waarde", "bron", "toelichting"]
        labels = {"datum": "Datum meting", "waarde": "Waarde", "bron": "Bron (bijv. presentielijst, enquête)", "toelichting": "Toelichting"}
        widgets = {"datum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
