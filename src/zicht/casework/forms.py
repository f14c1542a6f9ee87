"""Forms of the casework pages (labels in Dutch; no free text where a choice will do)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zicht.access.purpose import REASONS
from zicht.geo.models import Wijk
from zicht.registry import vocab
from zicht.registry.domain.address import AddressError, normalise_postcode, normalise_toevoeging

from .domain import meldcode as mc
from .domain.colour import COLOURS, COLOUR_LABELS
from .models import Hulptraject, Signal, SignalMatch

PERIODS = [("", "Alle"), ("3", "Laatste 3 maanden"), ("6", "Laatste 6 maanden"), ("12", "Laatste 12 maanden"), ("24", "Laatste 24 maanden")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


def _bsn_valid(value: str) -> bool:
    digits = value.zfill(9)
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):  # "²".isdigit() is True
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


class SignalForm(forms.Form):
    voornamen = forms.CharField(label="Voornamen", max_length=120)
    tussenvoegsel = forms.CharField(label="Tussenvoegsel", max_length=20, required=False)
    achternaam = forms.CharField(label="Achternaam", max_length=120)
    geboortedatum = forms.DateField(label="Geboortedatum", widget=DATE)
    bsn = forms.CharField(label="BSN (optioneel; wordt alleen als sleutel-hash opgeslagen)", max_length=11, required=False)
    postcode = forms.CharField(label="Postcode", max_length=7, required=False)
    huisnummer = forms.IntegerField(label="Huisnummer", required=False, min_value=1)
    toevoeging = forms.CharField(label="Toevoeging", max_length=10, required=False)
    datum = forms.DateField(label="Datum signaal", widget=DATE)
    categorie = forms.ChoiceField(label="Categorie (optioneel, alleen zichtbaar voor uw eigen organisatie)", choices=[("", "—")] + Signal.CATEGORIES, required=False)
    contact_naam = forms.CharField(label="Contactpersoon", max_length=120)
    contact_telefoon = forms.CharField(label="Telefoon contactpersoon", max_length=40)
    contact_email = forms.EmailField(label="E-mail contactpersoon (optioneel)", required=False)

    def clean_bsn(self):
        value = "".join(ch for ch in self.cleaned_data.get("bsn", "") if ch.isdigit())
        if value and not _bsn_valid(value):
            raise forms.ValidationError("Dit is geen geldig BSN (elfproef).")
        return value

    def clean_datum(self):
        value = self.cleaned_data["datum"]
        if value > timezone.localdate():
            raise forms.ValidationError("De datum ligt in de toekomst.")
        return value

    def clean_geboortedatum(self):
        value = self.cleaned_data["geboortedatum"]
        if value > timezone.localdate():
            raise forms.ValidationError("De geboortedatum ligt in de toekomst.")
        return value

    def clean(self):
        data = super().clean()
        if bool(data.get("postcode")) != bool(data.get("huisnummer")):
            raise forms.ValidationError("Vul postcode én huisnummer in, of geen van beide.")
        if data.get("postcode"):
            try:
                data["postcode"] = normalise_postcode(data["postcode"])
            except AddressError as exc:
                self.add_error("postcode", str(exc))
        if data.get("toevoeging"):
            try:
                data["toevoeging"] = normalise_toevoeging(data["toevoeging"])
            except AddressError as exc:
                self.add_error("toevoeging", str(exc))
        return data


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(label="Reden van intrekken", choices=Signal.WITHDRAW_REASONS)


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


class InboxForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=SignalMatch.STATUS)
    regie_organisation = forms.ModelChoiceField(label="Regie bij", queryset=None, required=False)
    note = forms.CharField(label="Afspraak (geen persoonsgegevens)", max_length=200, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie_organisation"].queryset = organisations


class MeldcodeNewForm(forms.Form):
    referentie = forms.CharField(label="Eigen dossiernummer of korte omschrijving", max_length=120)
    signal = forms.ModelChoiceField(label="Hoort bij signaal (optioneel)", queryset=None, required=False)

    def __init__(self, *args, signals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signal"].queryset = signals
        self.fields["signal"].label_from_instance = lambda s: f"Signaal #{s.pk} van {s.datum:%d-%m-%Y}"


class MeldcodeAnswerForm(forms.Form):
    answer = forms.ChoiceField(label="Antwoord", widget=forms.RadioSelect)
    toelichting = forms.CharField(label="Toelichting (versleuteld opgeslagen)", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    vervolgdatum = forms.DateField(label="Vervolgdatum (verplicht bij hulp bieden of vervolgen)", widget=DATE, required=False)

    def __init__(self, *args, state: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(a, mc.ANSWERS[a]) for a in mc.allowed_answers(state)]
