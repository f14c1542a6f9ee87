"""Request and response shapes of API v1 (camelCase JSON, Dutch domain words).

The input serializer only checks JSON types; the rules of a signal (BSN elfproef, dates not in
the future, postcode with house number, adults only with a legal basis) are the casework
app's own, applied by its ``SignalForm`` and ``may_register`` in the view.
"""

from __future__ import annotations

from rest_framework import serializers

from zicht.casework.models import Signal

# API name -> casework form field name (the web form's names).
SIGNAL_FIELDS = {
    "voornamen": "voornamen",
    "tussenvoegsel": "tussenvoegsel",
    "achternaam": "achternaam",
    "geboortedatum": "geboortedatum",
    "bsn": "bsn",
    "postcode": "postcode",
    "huisnummer": "huisnummer",
    "huisnummertoevoeging": "toevoeging",
    "datum": "datum",
    "categorie": "categorie",
    "contactNaam": "contact_naam",
    "contactTelefoon": "contact_telefoon",
    "contactEmail": "contact_email",
}
FORM_TO_API = {form: api for api, form in SIGNAL_FIELDS.items()}
CHOICE = {"invalid_choice": "Geen toegestane waarde."}


class SignaalInvoerSerializer(serializers.Serializer):
    """A verwijsindex signal: who, and whom to call. Never the content of the concern."""

    voornamen = serializers.CharField(max_length=120)
    tussenvoegsel = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    achternaam = serializers.CharField(max_length=120)
    geboortedatum = serializers.DateField()
    bsn = serializers.CharField(
        max_length=11, required=False, allow_blank=True, default="", help_text="Optioneel; alleen als sleutel-hash opgeslagen (elfproef)."
    )
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True, default="")
    huisnummer = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    huisnummertoevoeging = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    datum = serializers.DateField(help_text="Datum van het signaal (niet in de toekomst).")
    categorie = serializers.ChoiceField(
        choices=Signal.CATEGORIES,
        required=False,
        allow_blank=True,
        default="",
        error_messages=CHOICE,
        help_text="Optioneel; alleen zichtbaar voor de eigen organisatie.",
    )
    contactNaam = serializers.CharField(max_length=120)
    contactTelefoon = serializers.CharField(max_length=40)
    contactEmail = serializers.EmailField(required=False, allow_blank=True)

    def form_data(self) -> dict:
        """The validated input under the casework form's field names."""
        return {form: ("" if self.validated_data.get(api) is None else self.validated_data.get(api)) for api, form in SIGNAL_FIELDS.items()}


class IntrekkenSerializer(serializers.Serializer):
    reden = serializers.ChoiceField(choices=Signal.WITHDRAW_REASONS, error_messages=CHOICE)


class MatchContactSerializer(serializers.Serializer):
    """What a professional may learn from a match: the other organisation and whom to call."""

    organisatie = serializers.CharField()
    contactNaam = serializers.CharField()
    contactTelefoon = serializers.CharField()
    contactEmail = serializers.CharField(allow_blank=True)
    niveau = serializers.CharField(help_text="Persoon of Huishouden")


class SignaalSerializer(serializers.Serializer):
    """An own signal without the person's name, address or birth date (the partner keeps its own id)."""

    id = serializers.IntegerField()
    datum = serializers.DateField()
    categorie = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["actief", "ingetrokken", "verlopen"])
    vervaltOp = serializers.DateField(help_text="Eerste dag waarop het signaal niet meer actief is.")
    ingetrokkenOp = serializers.DateField(allow_null=True)
    contactNaam = serializers.CharField()
    contactTelefoon = serializers.CharField()
    koppeling = serializers.CharField(help_text="Hoe de persoon is herkend (bsn, koppeling, naam_geboortedatum, nieuw).")
    matches = MatchContactSerializer(many=True)


class SignaalLijstSerializer(serializers.Serializer):
    pagina = serializers.IntegerField()
    volgende = serializers.CharField(allow_null=True)
    resultaten = SignaalSerializer(many=True)


class CelSerializer(serializers.Serializer):
    """One disclosure-controlled figure; ``waarde`` is null when it is not published."""

    waarde = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "primary", "secondary", "missing"])
    weergave = serializers.CharField(help_text="Zoals op de pagina: '25', '<10', '×' of '–'.")
    reden = serializers.CharField()
    soort = serializers.ChoiceField(choices=["aantal", "percentage", "per1000", "cbs", "score"])


class RijSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    cellen = CelSerializer(many=True)
    totaal = CelSerializer(allow_null=True)


class TabelSerializer(serializers.Serializer):
    id = serializers.CharField()
    titel = serializers.CharField()
    rijkop = serializers.CharField()
    kolommen = serializers.ListField(child=serializers.CharField())
    rijen = RijSerializer(many=True)
    totalen = RijSerializer(allow_null=True)
    toelichting = serializers.CharField(allow_blank=True)


class AardSerializer(serializers.Serializer):
    aard = serializers.CharField()
    aantal = CelSerializer()
    aandeel = CelSerializer()


class KerncijfersSerializer(serializers.Serializer):
    meldingen = CelSerializer()
    per1000 = CelSerializer()
    herhaald = CelSerializer(help_text="Aandeel herhaalde meldingen (zelfde adres binnen 12 maanden).")
    inwoners = CelSerializer()
    gemeentePer1000 = CelSerializer(required=False, help_text="Alleen voor een wijk.")
    kinderen = CelSerializer(required=False, help_text="Alleen voor een wijk: aandeel met kinderen in het gezin.")
    aard = AardSerializer(many=True)


class PeriodeSerializer(serializers.Serializer):
    jaar = serializers.IntegerField()
    label = serializers.CharField()
    beschikbareJaren = serializers.ListField(child=serializers.IntegerField())


class BeleidSerializer(serializers.Serializer):
    drempel = serializers.IntegerField(help_text="Aantallen kleiner dan dit getal worden niet gepubliceerd.")
    afrondingsbasis = serializers.IntegerField(help_text="Gepubliceerde aantallen zijn een veelvoud hiervan.")


class CijfersSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    niveau = serializers.ChoiceField(choices=["gemeente", "wijk"])
    periode = PeriodeSerializer()
    beleid = BeleidSerializer()
    kerncijfers = KerncijfersSerializer()
    tabellen = TabelSerializer(many=True)
    bron = serializers.CharField()


class RegioGemeenteSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class RegioKerncijfersSerializer(serializers.Serializer):
    meldingen = CelSerializer()
    per1000 = CelSerializer()
    inwoners = CelSerializer()


class RegioCijfersSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    jaar = serializers.IntegerField()
    beschikbareJaren = serializers.ListField(child=serializers.IntegerField())
    gemeenten = RegioGemeenteSerializer(many=True, help_text="De gemeenten van de regio in dit jaar.")
    gemeentenZonderGegevens = serializers.ListField(child=serializers.CharField())
    beleid = BeleidSerializer()
    kerncijfers = RegioKerncijfersSerializer()
    tabellen = TabelSerializer(many=True)
    bron = serializers.CharField()


class RisicofactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    indicator = serializers.CharField()
    indicatorLabel = serializers.CharField()
    eenheid = serializers.CharField()
    jaar = serializers.IntegerField(allow_null=True)
    waarde = serializers.FloatField(allow_null=True)
    gemeenteWaarde = serializers.FloatField(allow_null=True)
    landelijkeWaarde = serializers.FloatField(allow_null=True)
    referentie = serializers.CharField(help_text="gemeente (voor een wijk) of Nederland (voor een gemeente)")
    verhoogd = serializers.BooleanField(help_text="Meer dan 10% boven de referentie.")
    verhoogdTovLandelijk = serializers.BooleanField()
    preventietypen = serializers.ListField(child=serializers.CharField())
    beleidskaders = serializers.ListField(child=serializers.CharField())


class RisicoprofielSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    niveau = serializers.ChoiceField(choices=["gemeente", "wijk"])
    toelichting = serializers.CharField()
    risicofactoren = RisicofactorSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    instance = serializers.CharField(required=False)


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="JSON-veldnaam (nonFieldErrors voor het geheel)")
    code = serializers.CharField()
    reason = serializers.CharField()


# RFC 9457 spells it with a hyphen, which a Python attribute cannot have.
ProblemSerializer._declared_fields["invalid-params"] = InvalidParamSerializer(many=True, required=False)
