"""API v1: the intervention catalogue, read-only, for the roles that read it on the prevention pages.

The catalogue is policy data (no person in it). Fields and rules come from the prevention app:
``services.entry_for_display`` gives the labels and the erkenning status (the five-year rule of
``prevention.domain.catalogue``), ``catalogue.matches`` the filters the catalogue page offers.
"""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from zicht.areas.risk_factors import PREVENTION_TYPES
from zicht.prevention import services
from zicht.prevention.domain import catalogue as cat
from zicht.prevention.models import Intervention
from zicht.prevention.views import READ

from .views import ZichtAPIView, problems

FILTERS = {
    "tekst": "Zoekwoorden in naam, beschrijving, doelgroep en toelichting",
    "preventietype": f"Een van {', '.join(PREVENTION_TYPES)}",
    "erkenning": f"Een erkenningsniveau ({', '.join(cat.ERKENNING_CODES)}), 'erkend' of 'actueel'",
}
ERKENNING_FILTERS = [*cat.ERKENNING_CODES, "erkend", "actueel"]


class ErkenningSerializer(serializers.Serializer):
    niveau = serializers.CharField(help_text=f"Een van {', '.join(cat.ERKENNING_CODES)}")
    label = serializers.CharField()
    jaar = serializers.IntegerField(allow_null=True, help_text="Jaar van de erkenning; null als geen bron het noemt")
    datum = serializers.DateField(allow_null=True, help_text="Dag van de erkenning; null als de bron alleen het jaar noemt")
    status = serializers.CharField(help_text="actueel, verouderd (de erkenning is meer dan vijf jaar oud), geen datum of onbekend")
    bron = serializers.CharField(allow_blank=True, help_text="Waar niveau en datum staan (URL's)")
    toelichting = serializers.CharField(allow_blank=True)


class InterventieSerializer(serializers.Serializer):
    slug = serializers.CharField()
    naam = serializers.CharField()
    soort = serializers.ChoiceField(choices=[c for c, _ in cat.SOORTEN])
    beschrijving = serializers.CharField()
    preventietypes = serializers.ListField(
        child=serializers.ChoiceField(choices=PREVENTION_TYPES), help_text="Leeg: preventietype onbekend"
    )
    doelgroep = serializers.CharField(allow_blank=True)
    leeftijdMin = serializers.IntegerField(allow_null=True)
    leeftijdMax = serializers.IntegerField(allow_null=True)
    setting = serializers.ListField(child=serializers.CharField())
    risicofactoren = serializers.ListField(child=serializers.CharField())
    bouwstenen = serializers.ListField(child=serializers.CharField())
    erkenning = ErkenningSerializer()
    bron = serializers.CharField()
    toelichting = serializers.CharField(allow_blank=True)


class CatalogusSerializer(serializers.Serializer):
    aantal = serializers.IntegerField()
    resultaten = InterventieSerializer(many=True)


def intervention_json(entry: dict, today: date) -> dict:
    shown = services.entry_for_display(entry, today)
    erk = cat.parse_erkenningsdatum(entry["erkenningsdatum"])
    return {
        "slug": entry["slug"],
        "naam": entry["naam"],
        "soort": entry["soort"],
        "beschrijving": entry["beschrijving"],
        "preventietypes": entry["preventietypes"],
        "doelgroep": entry["doelgroep"],
        "leeftijdMin": entry["leeftijd_min"],
        "leeftijdMax": entry["leeftijd_max"],
        "setting": entry["setting"],
        "risicofactoren": entry["risicofactoren"],
        "bouwstenen": entry["bouwstenen"],
        "erkenning": {
            "niveau": entry["erkenningsniveau"],
            "label": shown["erkenning_label"],
            "jaar": erk.year if erk else None,
            "datum": erk.iso() if erk and erk.month else None,
            "status": shown["erkenning_status"],
            "bron": entry.get("erkenning_bron", ""),
            "toelichting": entry["erkenning_toelichting"],
        },
        "bron": entry["bron"],
        "toelichting": entry["toelichting"],
    }


class CatalogueAPIView(ZichtAPIView):
    zicht_roles = frozenset(READ)


class CatalogusView(CatalogueAPIView):
    @extend_schema(
        operation_id="catalogus_list",
        summary="Interventiecatalogus",
        description=(
            "Alle interventies en instrumenten met preventietype, erkenningsniveau, datum en bron van de "
            "erkenning. Een erkenning ouder dan vijf jaar heeft status 'verouderd'."
        ),
        parameters=[
            OpenApiParameter("tekst", str, description=FILTERS["tekst"]),
            OpenApiParameter("preventietype", str, enum=list(PREVENTION_TYPES), description=FILTERS["preventietype"]),
            OpenApiParameter("erkenning", str, enum=ERKENNING_FILTERS, description=FILTERS["erkenning"]),
        ],
        responses={200: CatalogusSerializer, **problems(400, 401, 403)},
    )
    def get(self, request):
        query = cat.CatalogueQuery(tekst=request.query_params.get("tekst", ""))
        invalid = {}
        preventietype = request.query_params.get("preventietype", "")
        if preventietype and preventietype not in PREVENTION_TYPES:
            invalid["preventietype"] = ["Geen toegestane waarde."]
        erkenning = request.query_params.get("erkenning", "")
        if erkenning and erkenning not in ERKENNING_FILTERS:
            invalid["erkenning"] = ["Geen toegestane waarde."]
        if invalid:
            raise exceptions.ValidationError(invalid)
        query.preventietype, query.erkenning = preventietype, erkenning
        today = date.today()
        rows = [intervention_json(e, today) for e in services.catalogue_entries() if cat.matches(e, query, today)]
        return Response({"aantal": len(rows), "resultaten": rows})


class InterventieView(CatalogueAPIView):
    @extend_schema(
        operation_id="catalogus_retrieve",
        summary="Eén interventie uit de catalogus",
        parameters=[
            OpenApiParameter(
                "slug",
                {"type": "string", "pattern": "^[a-z0-9-]{1,80}$"},
                OpenApiParameter.PATH,
                description="Korte naam van de interventie, bijvoorbeeld voorzorg",
            )
        ],
        responses={200: InterventieSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, slug: str):
        if not cat.SLUG_PATTERN.fullmatch(slug):
            raise exceptions.ValidationError({"slug": ["Gebruik kleine letters, cijfers en streepjes (hoogstens 80)."]})
        intervention = Intervention.objects.filter(slug=slug).first()
        if intervention is None:
            raise exceptions.NotFound("Interventie niet gevonden.")
        return Response(intervention_json(intervention.as_entry(), date.today()))
