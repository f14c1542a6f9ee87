"""API v1: prevention plans, read-only, of the caller's own gemeente.

A plan is policy data (no person in it). The plan pages show the gemeente in view; the API shows
only the caller's own gemeente (``own_gemeente``): a plan of another gemeente is a 404. The plan's
content is the prevention app's own snapshot (``services.plan_snapshot``), the same a version keeps.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from zicht.prevention import services
from zicht.prevention.domain import seed_tables as seeds
from zicht.prevention.models import PreventionPlan
from zicht.prevention.views import READ

from .schema import PAGE_PARAM, checked_id, checked_page, id_param
from .views import PAGE_SIZE, ZichtAPIView, problems


def own_gemeente(user) -> str:
    """The caller's gemeente code: the profile's, else the installation's gemeente (as the plan pages)."""
    profile = getattr(user, "zicht_profile", None)
    return profile.gemeente_id if profile is not None and profile.gemeente_id else settings.DEMO_GEMEENTE


class GebiedSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class PlanRegelSerializer(serializers.Serializer):
    naam = serializers.CharField()
    interventie = serializers.CharField(allow_null=True, help_text="Slug in de catalogus; null voor een eigen activiteit")
    erkenning = serializers.CharField(allow_blank=True)
    preventietypes = serializers.ListField(child=serializers.CharField())
    doelgroep = serializers.CharField(allow_blank=True)
    reden = serializers.CharField(allow_blank=True)
    eigenaar = serializers.CharField(allow_blank=True)
    partners = serializers.ListField(child=serializers.CharField())
    budget = serializers.CharField(allow_null=True, help_text="Bedrag in euro's als tekst met twee decimalen")
    financieringsbron = serializers.CharField(allow_blank=True)
    planning = serializers.CharField(allow_blank=True)


class IndicatorSerializer(serializers.Serializer):
    naam = serializers.CharField()
    soort = serializers.ChoiceField(choices=["proces", "effect"])
    eenheid = serializers.CharField(allow_blank=True)
    baseline = serializers.CharField(allow_blank=True)
    baselineJaar = serializers.IntegerField(allow_null=True)
    streefwaarde = serializers.CharField(allow_blank=True)
    streefjaar = serializers.IntegerField(allow_null=True)
    bron = serializers.CharField(allow_blank=True)


class HoofdstukSerializer(serializers.Serializer):
    code = serializers.CharField()
    titel = serializers.CharField()
    tekst = serializers.CharField(allow_blank=True)


class PlanKortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titel = serializers.CharField()
    periode = serializers.CharField(allow_blank=True)
    status = serializers.CharField(help_text="concept of vastgesteld")
    gemeente = GebiedSerializer()
    wijk = GebiedSerializer(allow_null=True)
    bijgewerkt = serializers.DateTimeField()


class PlanSerializer(PlanKortSerializer):
    hoofdstukken = HoofdstukSerializer(many=True)
    interventies = PlanRegelSerializer(many=True)
    indicatoren = IndicatorSerializer(many=True)
    versies = serializers.IntegerField(help_text="Aantal vastgelegde versies")


class PlanLijstSerializer(serializers.Serializer):
    pagina = serializers.IntegerField()
    volgende = serializers.URLField(allow_null=True)
    resultaten = PlanKortSerializer(many=True)


def plan_summary(plan: PreventionPlan) -> dict:
    return {
        "id": plan.pk,
        "titel": plan.titel,
        "periode": plan.periode,
        "status": plan.status,
        "gemeente": {"code": plan.gemeente_id, "naam": plan.gemeente.naam},
        "wijk": {"code": plan.wijk_id, "naam": plan.wijk.naam} if plan.wijk_id else None,
        "bijgewerkt": plan.updated_at.isoformat(),
    }


def plan_json(plan: PreventionPlan) -> dict:
    snapshot = services.plan_snapshot(plan)
    return {
        **plan_summary(plan),
        "hoofdstukken": [
            {"code": code, "titel": titel, "tekst": snapshot["sections"].get(code, "")} for code, titel, _ in seeds.PLAN_FORMAT
        ],
        "interventies": [
            {**{k: v for k, v in line.items() if k != "intervention"}, "interventie": line["intervention"]} for line in snapshot["lines"]
        ],
        "indicatoren": [
            {
                "naam": i["naam"],
                "soort": i["soort"],
                "eenheid": i["eenheid"],
                "baseline": i["baseline"],
                "baselineJaar": i["baseline_jaar"],
                "streefwaarde": i["streefwaarde"],
                "streefjaar": i["streefjaar"],
                "bron": i["bron"],
            }
            for i in snapshot["indicators"]
        ],
        "versies": plan.versions.count(),
    }


class PlanAPIView(ZichtAPIView):
    zicht_roles = frozenset(READ)

    def plans(self, request):
        return PreventionPlan.objects.select_related("gemeente", "wijk").filter(gemeente_id=own_gemeente(request.user))


class PlannenView(PlanAPIView):
    @extend_schema(
        operation_id="plannen_list",
        summary="Preventieplannen van de eigen gemeente",
        description="De preventieplannen van de eigen gemeente (van het account), laatst bijgewerkt eerst, per 50.",
        parameters=[PAGE_PARAM],
        responses={200: PlanLijstSerializer, **problems(400, 401, 403)},
    )
    def get(self, request):
        page = checked_page(request)
        rows = list(self.plans(request).order_by("-updated_at", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
        following = request.build_absolute_uri(f"{request.path}?pagina={page + 1}") if len(rows) > PAGE_SIZE else None
        return Response({"pagina": page, "volgende": following, "resultaten": [plan_summary(p) for p in rows[:PAGE_SIZE]]})


class PlanView(PlanAPIView):
    @extend_schema(
        operation_id="plannen_retrieve",
        summary="Eén preventieplan",
        description="Het plan met hoofdstukken, interventies en indicatoren. Een plan van een andere gemeente geeft 404.",
        parameters=[id_param("Id van het plan")],
        responses={200: PlanSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        plan = self.plans(request).filter(pk=checked_id(pk)).first()
        if plan is None:
            raise exceptions.NotFound("Plan niet gevonden.")
        return Response(plan_json(plan))
