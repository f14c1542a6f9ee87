"""Forms of the verwijsindex pages: registering and withdrawing a signal, handling a match (Dutch labels, translated with gettext).

``SignalForm`` holds the rules of a signal for the web form and the API alike.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.core.i18n import lazy_choices
from zicht.registry.domain.address import AddressError, normalise_postcode, normalise_toevoeging
from zicht.registry.domain.bsn import passes_11_proef

from ..pages import DATE
from .models import Signal, SignalMatch


def _bsn_valid(value: str) -> bool:
    """Digits only, shorter numbers zero-padded to nine, then the registry's 11-proef."""
    return passes_11_proef(value.zfill(9))


class SignalForm(forms.Form):
    voornamen = forms.CharField(label=_("Voornamen"), max_length=120)
    tussenvoegsel = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    achternaam = forms.CharField(label=_("Achternaam"), max_length=120)
    geboortedatum = forms.DateField(label=_("Geboortedatum"), widget=DATE)
    bsn = forms.CharField(label=_("BSN (optioneel; wordt alleen als sleutel-hash opgeslagen)"), max_length=11, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    huisnummer = forms.IntegerField(label=_("Huisnummer"), required=False, min_value=1)
    toevoeging = forms.CharField(label=_("Toevoeging"), max_length=10, required=False)
    datum = forms.DateField(label=_("Datum signaal"), widget=DATE)
    categorie = forms.ChoiceField(
        label=_("Categorie (optioneel, alleen zichtbaar voor uw eigen organisatie)"),
        choices=[("", "—")] + lazy_choices(Signal.CATEGORIES),
        required=False,
    )
    contact_naam = forms.CharField(label=_("Contactpersoon"), max_length=120)
    contact_telefoon = forms.CharField(label=_("Telefoon contactpersoon"), max_length=40)
    contact_email = forms.EmailField(label=_("E-mail contactpersoon (optioneel)"), required=False)

    def clean_bsn(self):
        value = "".join(ch for ch in self.cleaned_data.get("bsn", "") if ch.isdigit())
        if value and not _bsn_valid(value):
            raise forms.ValidationError(_("Dit is geen geldig BSN (elfproef)."))
        return value

    def clean_datum(self):
        value = self.cleaned_data["datum"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum ligt in de toekomst."))
        return value

    def clean_geboortedatum(self):
        value = self.cleaned_data["geboortedatum"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De geboortedatum ligt in de toekomst."))
        return value

    def clean(self):
        data = super().clean()
        if bool(data.get("postcode")) != bool(data.get("huisnummer")):
            raise forms.ValidationError(_("Vul postcode én huisnummer in, of geen van beide."))
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
    reason = forms.ChoiceField(label=_("Reden van intrekken"), choices=lazy_choices(Signal.WITHDRAW_REASONS))


class InboxForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=lazy_choices(SignalMatch.STATUS))
    regie_organisatie = forms.ModelChoiceField(label=_("Regie bij"), queryset=None, required=False)
    note = forms.CharField(label=_("Afspraak (geen persoonsgegevens)"), max_length=200, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regie_organisatie"].queryset = organisations
