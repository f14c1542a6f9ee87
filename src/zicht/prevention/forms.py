"""Forms of the prevention pages (Dutch labels; lists as checkboxes)."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zicht.areas import risk_factors as rf
from zicht.areas.indicators import REGISTER_FIGURES
from zicht.geo.cbs import INDICATORS as CBS_INDICATORS
from zicht.geo.models import Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .labels import translated
from .models import IndicatorMeting, Intervention, PartnerProfile, PlanIndicator, PlanIntervention, PreventionPlan

ALL = [("", _("Alle"))]
ERKENNING_FILTERS = [("erkend", _("Erkend (goed beschreven of hoger)")), ("actueel", _("Erkenning jonger dan 5 jaar"))]
TYPE_CHOICES = translated((t, rf.PREVENTION_TYPE_LABELS[t]) for t in rf.PREVENTION_TYPES)
FACTOR_CHOICES = translated((f.code, f.label) for f in rf.RISK_FACTORS.values())
BOUWSTEEN_CHOICES = translated((b.code, b.titel) for b in bs.BOUWSTENEN)


class CatalogueFilterForm(forms.Form):
    tekst = forms.CharField(label=_("Zoekterm"), required=False)
    soort = forms.ChoiceField(label=_("Soort"), required=False, choices=ALL + translated(cat.SOORTEN))
    preventietype = forms.ChoiceField(label=_("Preventietype"), required=False, choices=ALL + TYPE_CHOICES)
    doelgroep = forms.CharField(label=_("Doelgroep bevat"), required=False)
    leeftijd = forms.IntegerField(label=_("Leeftijd (jaar)"), required=False, min_value=0, max_value=120)
    setting = forms.ChoiceField(label=_("Setting"), required=False, choices=ALL + translated(cat.SETTINGS))
    risicofactor = forms.ChoiceField(label=_("Risicofactor"), required=False, choices=ALL + FACTOR_CHOICES)
    bouwsteen = forms.ChoiceField(label=_("Bouwsteen"), required=False, choices=ALL + BOUWSTEEN_CHOICES)
    erkenning = forms.ChoiceField(
        label=_("Erkenning"),
        required=False,
        choices=ALL + ERKENNING_FILTERS + translated(cat.ERKENNINGSNIVEAUS),
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
        label=_("Preventietype(n)"),
        required=False,
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leeg laten als onbekend."),
    )
    setting = forms.MultipleChoiceField(
        label=_("Setting"), required=False, choices=translated(cat.SETTINGS), widget=forms.CheckboxSelectMultiple
    )
    risicofactoren = forms.MultipleChoiceField(
        label=_("Risicofactoren"), required=False, choices=FACTOR_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    bouwstenen = forms.MultipleChoiceField(
        label=_("Bouwstenen"), required=False, choices=BOUWSTEEN_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Intervention
        fields = [c for c in cat.COLUMNS if c != "slug"]  # the catalogue file's columns; the slug follows the name
        labels = {
            "leeftijd_min": _("Leeftijd vanaf (jaar)"),
            "naam": _("Naam"),
            "soort": _("Soort"),
            "beschrijving": _("Beschrijving"),
            "doelgroep": _("Doelgroep"),
            "erkenningsniveau": _("Erkenningsniveau"),
            "leeftijd_max": _("Leeftijd tot en met (jaar)"),
            "erkenningsdatum": _("Erkenningsdatum (JJJJ of JJJJ-MM-DD; leeg als onbekend)"),
            "erkenning_toelichting": _("Toelichting erkenning"),
            "erkenning_bron": _("Bron van de erkenning (URL's)"),
            "bron": _("Bron (URL of document)"),
            "toelichting": _("Herkomst van de indeling"),
        }
        help_texts = {
            "erkenningsdatum": _("Zo precies als de bron het noemt."),
            "erkenning_bron": _("Waar niveau en datum staan (URL's); leeg als geen bron is gevonden."),
            "bron": "",
            "toelichting": _("Waar elke indeling vandaan komt."),
        }

    def clean_erkenningsdatum(self):
        value = self.cleaned_data.get("erkenningsdatum", "")
        try:
            parsed = cat.parse_erkenningsdatum(value)
        except ValueError:  # the domain's reason is Dutch (it names the import's rows); the form says it in the UI's language
            raise forms.ValidationError(_("De datum moet JJJJ, JJJJ-MM-DD of D-M-JJJJ zijn, en bestaan.")) from None
        return parsed.iso() if parsed else ""

    def clean(self):
        data = super().clean()
        lo, hi = data.get("leeftijd_min"), data.get("leeftijd_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("leeftijd_max", _("Moet groter of gelijk zijn aan de leeftijd vanaf."))
        return data


class CatalogueImportForm(forms.Form):
    bestand = forms.FileField(label=_("CSV-bestand"), help_text=format_lazy(_("Kolommen: {columns}"), columns=", ".join(cat.COLUMNS)))


class PartnerProfileForm(forms.ModelForm):
    bouwstenen = forms.MultipleChoiceField(
        label=_("Bijdrage aan bouwstenen"), required=False, choices=BOUWSTEEN_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerProfile
        fields = ["partnertype", "bouwstenen", "interventies", "doelgroepen", "toelichting"]
        labels = {
            "partnertype": _("Soort partner (handreiking)"),
            "interventies": _("Aanbod uit de catalogus"),
            "doelgroepen": _("Bereikte doelgroepen"),
            "toelichting": _("Toelichting"),
        }
        help_texts = {"doelgroepen": _("Welke groepen de organisatie bereikt.")}
        widgets = {"interventies": forms.CheckboxSelectMultiple}


class OrganisationStoplichtForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["meldcode_stoplicht", "wijk", "contact_naam", "contact_telefoon", "contact_email"]
        labels = {
            "meldcode_stoplicht": _("Meldcode-stoplicht"),
            "wijk": _("Wijk"),
            "contact_naam": _("Naam contactpersoon"),
            "contact_telefoon": _("Telefoon contactpersoon"),
            "contact_email": _("E-mail contactpersoon"),
        }

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
        help_texts = {"periode": _("bijv. 2026–2028")}

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
            "eigenaar": _("Eigenaar (uitvoerder)"),
            "naam": _("Naam"),
            "schaal": _("Schaal"),
            "doelgroep": _("Doelgroep"),
            "partners": _("Partners"),
            "financieringsbron": _("Financieringsbron"),
            "planning": _("Planning"),
            "budget": _("Budget (€)"),
            "reden": _("Reden / onderbouwing"),
            "doelgroep_omvang": _("Omvang doelgroep (aantal)"),
            "bereikt": _("Deelnemers bereikt"),
            "bijeenkomsten": _("Bijeenkomsten gehouden"),
            "zoals_bedoeld": _("Uitgevoerd zoals bedoeld?"),
            "uitvoering_toelichting": _("Toelichting op de uitvoering"),
            "uitvoering_van": _("Uitvoering van"),
            "uitvoering_tot": _("Uitvoering tot en met"),
        }
        help_texts = {
            "naam": _("Eigen activiteit, of de naam uit de catalogus"),
            "schaal": _("Regionale afspraak (hele VT-regio) of lokaal"),
            "reden": _("Waarom: de reden van de suggestie of van de opsteller"),
            "doelgroep_omvang": "",
            "bereikt": "",
            "bijeenkomsten": "",
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
        self.fields["schaal"].required = False  # a form without it keeps the line's scale (new: the plan's default)
        self._default_schaal = "regionaal" if (gemeenten and not gemeente) else "lokaal"

    def clean(self):
        data = super().clean()
        if not data.get("schaal"):
            data["schaal"] = self.instance.schaal if self.instance.pk else self._default_schaal
        van, tot = data.get("uitvoering_van"), data.get("uitvoering_tot")
        if van and tot and tot < van:
            self.add_error("uitvoering_tot", _("Het einde van de uitvoering ligt voor het begin."))
        omvang, bereikt = data.get("doelgroep_omvang"), data.get("bereikt")
        if data.get("zoals_bedoeld") in ("deels", "nee") and not (data.get("uitvoering_toelichting") or "").strip():
            self.add_error("uitvoering_toelichting", _("Licht toe wat anders ging dan bedoeld."))
        if omvang is not None and bereikt is not None and bereikt > omvang:
            self.add_error("bereikt", _("Meer deelnemers bereikt dan de doelgroep groot is: pas de omvang aan."))
        return data


FIGUUR_CHOICES = [("", "—")] + [
    (_("Cijfer uit het register"), translated((k, label) for k, (label, _unit) in REGISTER_FIGURES.items())),
    (_("CBS-cijfer"), translated((i.key, i.label) for i in CBS_INDICATORS.values())),
]


class PlanIndicatorForm(forms.ModelForm):
    figuur = forms.ChoiceField(choices=FIGUUR_CHOICES, required=False, label=_("Cijfer (bij register of CBS)"))

    class Meta:
        model = PlanIndicator
        fields = ["naam", "soort", "type", "figuur", "eenheid", "baseline", "baseline_jaar", "streefwaarde", "streefjaar", "bron"]
        labels = {
            "naam": _("Indicator"),
            "soort": _("Soort"),
            "eenheid": _("Eenheid"),
            "bron": _("Bron"),
            "type": _("Soort meting"),
            "baseline": _("Nulmeting"),
            "baseline_jaar": _("Jaar nulmeting"),
            "streefwaarde": _("Streefwaarde"),
            "streefjaar": _("Streefjaar"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].required = False  # a form without the field (as before) makes a free-text indicator

    def clean(self):
        data = super().clean()
        kind, figuur = data.get("type") or "tekst", data.get("figuur") or ""
        data["type"] = kind
        if kind == "register" and figuur not in REGISTER_FIGURES:
            self.add_error("figuur", _("Kies een cijfer uit het register."))
        elif kind == "cbs" and figuur not in CBS_INDICATORS:
            self.add_error("figuur", _("Kies een CBS-cijfer."))
        elif kind in ("tekst", "hand"):
            data["figuur"] = ""
        return data


class IndicatorMetingForm(forms.ModelForm):
    class Meta:
        model = IndicatorMeting
        fields = ["datum", "waarde", "bron", "toelichting"]
        labels = {
            "datum": _("Datum meting"),
            "waarde": _("Waarde"),
            "bron": _("Bron (bijv. presentielijst, enquête)"),
            "toelichting": _("Toelichting"),
        }
        widgets = {"datum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
