"""REST API v1: partner systems submit verwijsindex signals and read disclosure-controlled figures.

Every endpoint declares ``zicht_roles`` (read by ``ZichtRolePermission`` and by the authorization
matrix test) and reuses the owning app's code path: signals go through the casework app's
``SignalForm``, ``may_register``, ``register_signal`` and ``counterpart_contacts`` exactly as the
web form does; figures come from ``zicht.areas.figures`` (every count through
``zicht.areas.disclosure``). Errors are RFC 9457 problem details; every response carries the
full version in ``API-Version``.

Authentication: a DRF token (``Authorization: Token …``, issued with ``zicht api_token``) or the
web session (which has passed the second factor). HTTP Basic is deliberately not accepted here:
a password alone would bypass the two-factor requirement of roles that see personal data.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import RedirectView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from zicht.access import roles
from zicht.access.rules import ZichtRolePermission, log_access, log_refusal, user_organisation
from zicht.access.scoping import figure_gemeente_codes, figure_region_codes
from zicht.areas.figures import gemeente_figures, wijk_figures
from zicht.areas.policy import default_policy
from zicht.areas.region_views import SOURCE_NOTE as REGION_SOURCE_NOTE
from zicht.areas.region_views import figures_for as region_figures_for
from zicht.areas.risk import area_risk_profile
from zicht.areas.views import AREA_ONLY, AREA_ROLES, SOURCE_NOTE
from zicht.casework.domain.stacking import may_register
from zicht.casework.models import Signal
from zicht.casework.rulesets import stacking_rules
from zicht.casework.verwijsindex.forms import SignalForm
from zicht.casework.verwijsindex.registration import counterpart_contacts, register_signal, withdraw_signal
from zicht.geo.models import Gemeente, VtRegio, Wijk

from . import serializers
from .cells import cell_json
from .problems import PROBLEM_CONTENT_TYPE, invalid_params, problem, rename
from .schema import PAGE_PARAM, checked_id, checked_page, id_param

logger = logging.getLogger(__name__)
API_VERSION = settings.SPECTACULAR_SETTINGS["VERSION"]
PAGE_SIZE = 50
GEBIED_CODE = r"GM\d{4}|WK\d{6}"
KEPT_HEADERS = ("WWW-Authenticate", "Allow", "Retry-After")


# --- errors as problem details --------------------------------------------------------------


def problem_exception_handler(exc, context):
    """DRF's handler, reshaped into problem+json; unexpected errors become a bare 500 problem."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    view = context.get("view")
    # A 404 on a record's id is a refused attempt too: the record may exist for another tenant.
    names_a_record = "pk" in (context.get("kwargs") or {}) or getattr(view, "zicht_personal_data", False)
    if request is not None and (isinstance(exc, exceptions.PermissionDenied) or (isinstance(exc, exceptions.NotFound) and names_a_record)):
        log_refusal(request, "denied" if isinstance(exc, exceptions.PermissionDenied) else "not_found")  # NEN 7513: refused attempts
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        # The exception text may hold values; the configured log filter strips them, the client gets none.
        logger.exception("Onverwachte fout in API-view %s", type(view).__name__ if view else "?")
        return Response(
            problem(500, "Probeer het later opnieuw; de beheerder is op de hoogte.", instance=instance),
            status=500,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    if isinstance(exc, exceptions.ValidationError):
        body = problem(400, "Controleer de velden in invalid-params.", instance=instance, invalid_params=invalid_params(response.data))
    elif isinstance(exc, exceptions.APIException) and isinstance(exc.detail, str):
        body = problem(response.status_code, str(exc.detail), instance=instance)
    else:
        body = problem(response.status_code, instance=instance)
    out = Response(body, status=response.status_code, content_type=PROBLEM_CONTENT_TYPE)
    for header in KEPT_HEADERS:
        if header in response:
            out[header] = response[header]
    return out


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "De handeling past niet bij de huidige toestand."
    default_code = "conflict"


PROBLEM = {
    (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(serializers.ProblemSerializer, description=text)
    for code, text in {
        400: "Ongeldige invoer (invalid-params noemt de velden)",
        401: "Niet geauthenticeerd",
        403: "Rol heeft geen toegang",
        404: "Niet gevonden (of van een andere organisatie)",
        409: "Conflict met de huidige toestand",
    }.items()
}


def problems(*codes):
    return {key: value for key, value in PROBLEM.items() if key[0] in codes}


# --- base view and permissions ----------------------------------------------------------------


class HasOrganisation(BasePermission):
    """A professional acts for exactly one organisation; without one there is nothing to act for."""

    message = "Uw account is niet aan een organisatie gekoppeld."

    def has_permission(self, request, view) -> bool:
        return user_organisation(request.user) is not None


class ZichtAPIView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, ZichtRolePermission]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    zicht_roles: frozenset = frozenset()
    zicht_personal_data = False

    def get_exception_handler(self):
        return problem_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        return response


# --- signals (verwijsindex) ---------------------------------------------------------------------


def signal_json(signal: Signal, today: date) -> dict:
    """An own signal: no name, birth date or address of the person, and no content (there is none)."""
    return {
        "id": signal.pk,
        "datum": signal.datum.isoformat(),
        "categorie": signal.categorie,
        "status": signal.status(today, stacking_rules()),
        "vervaltOp": signal.expires_on.isoformat(),
        "ingetrokkenOp": signal.withdrawn_on.isoformat() if signal.withdrawn_on else None,
        "contactNaam": signal.contact_naam,
        "contactTelefoon": signal.contact_telefoon,
        "koppeling": signal.link_method,
        "matches": [
            {
                "organisatie": c["organisatie"],
                "contactNaam": c["contact_naam"] or "",
                "contactTelefoon": c["contact_telefoon"] or "",
                "contactEmail": c["contact_email"] or "",
                "niveau": c["niveau"],
            }
            for c in counterpart_contacts(signal)
        ],
    }


def _form_errors(form) -> dict:
    """The casework form's errors under the API's field names, with their codes."""
    return rename(
        {
            field: [exceptions.ErrorDetail(e["message"], code=e["code"]) for e in errors]
            for field, errors in form.errors.get_json_data().items()
        },
        serializers.FORM_TO_API,
    )


class SignalView(ZichtAPIView):
    zicht_roles = frozenset({roles.PROFESSIONAL})
    zicht_personal_data = True
    permission_classes = [*ZichtAPIView.permission_classes, HasOrganisation]

    def own_signal(self, request, pk: int) -> Signal:
        """Another organisation's signal is a 404, not a 403: its existence leaks nothing."""
        signal = Signal.objects.filter(pk=checked_id(pk), organisation=user_organisation(request.user)).first()
        if signal is None:
            raise exceptions.NotFound("Signaal niet gevonden.")
        return signal


class SignalenView(SignalView):
    @extend_schema(
        operation_id="signalen_list",
        summary="Eigen signalen",
        description="De signalen van de eigen organisatie, nieuwste eerst, per 50; zonder naam, geboortedatum of adres.",
        parameters=[PAGE_PARAM],
        responses={200: serializers.SignaalLijstSerializer, **problems(400, 401, 403)},
    )
    def get(self, request):
        page = checked_page(request)
        org = user_organisation(request.user)
        today = timezone.localdate()
        rows = list(
            Signal.objects.filter(organisation=org)
            .select_related("organisation")
            .order_by("-datum", "-id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
        )
        log_access(
            request,
            action="view",
            record_type="signal_list",
            record_id=f"org:{org.pk}:p{page}",
            reason="Eigen signalen (verwijsindex, API)",
            records=[("signal", x.pk) for x in rows[:PAGE_SIZE]],
        )
        following = None
        if len(rows) > PAGE_SIZE:
            following = request.build_absolute_uri(f"{request.path}?pagina={page + 1}")
        return Response({"pagina": page, "volgende": following, "resultaten": [signal_json(x, today) for x in rows[:PAGE_SIZE]]})

    @extend_schema(
        operation_id="signalen_create",
        summary="Signaal registreren",
        description=(
            "Registreert dat de eigen organisatie betrokken is (verwijsindex): wie, en wie te bellen. Nooit de "
            "inhoud. Antwoord 201 met de matches zoals de professional ze mag zien: alleen de andere "
            "organisatie en haar contactpersoon."
        ),
        request=serializers.SignaalInvoerSerializer,
        responses={201: serializers.SignaalSerializer, **problems(400, 401, 403)},
    )
    def post(self, request):
        incoming = serializers.SignaalInvoerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        form = SignalForm(data=incoming.form_data())
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        ok, why = may_register(form.cleaned_data["geboortedatum"], form.cleaned_data["datum"], stacking_rules())
        if not ok:
            raise exceptions.ValidationError({"geboortedatum": [exceptions.ErrorDetail(why, code="geen_grondslag")]})
        org = user_organisation(request.user)
        signal = register_signal(user=request.user, organisation=org, data=form.cleaned_data)
        log_access(request, action="create", record_type="signal", record_id=signal.pk, reason="Signaal registreren (verwijsindex, API)")
        response = Response(signal_json(signal, timezone.localdate()), status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/v1/signalen/{signal.pk}")
        return response


class SignaalView(SignalView):
    @extend_schema(
        operation_id="signalen_retrieve",
        summary="Eén eigen signaal",
        parameters=[id_param("Id van het signaal")],
        responses={200: serializers.SignaalSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        signal = self.own_signal(request, pk)
        log_access(
            request,
            action="view",
            record_type="signal",
            record_id=signal.pk,
            reason="Eigen signaal (verwijsindex, API)",
            records=[signal.pk],
        )
        return Response(signal_json(signal, timezone.localdate()))


class SignaalIntrekkenView(SignalView):
    @extend_schema(
        operation_id="signalen_intrekken",
        summary="Signaal intrekken",
        description="Trekt een eigen signaal in; het telt daarna niet meer mee voor matches. Een signaal van een "
        "andere organisatie geeft 404.",
        parameters=[id_param("Id van het signaal")],
        request=serializers.IntrekkenSerializer,
        responses={200: serializers.SignaalSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        signal = self.own_signal(request, pk)
        body = serializers.IntrekkenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if signal.withdrawn_on:
            raise Conflict("Dit signaal is al ingetrokken.")
        withdraw_signal(signal, user=request.user, reason=body.validated_data["reden"])
        log_access(request, action="change", record_type="signal", record_id=signal.pk, reason="Signaal ingetrokken (API)")
        return Response(signal_json(signal, timezone.localdate()))


# --- area figures -------------------------------------------------------------------------------

CODE_PARAM = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^({GEBIED_CODE})$",
    description="CBS-code van een gemeente (GM0855) of wijk (WK085517)",
)


def _area(code: str):
    code = code.upper()
    if not re.fullmatch(GEBIED_CODE, code):
        raise exceptions.ValidationError({"code": ["Gebruik een CBS-code GM plus vier cijfers of WK plus zes cijfers."]})
    if code.startswith("GM"):
        return get_object_or_404(Gemeente.objects.defer("geometry"), code=code), "gemeente"
    return get_object_or_404(Wijk.objects.select_related("gemeente").defer("geometry", "gemeente__geometry"), code=code), "wijk"


def _row(row) -> dict:
    return {"code": row.code, "label": row.label, "cellen": [cell_json(c) for c in row.cells], "totaal": cell_json(row.total)}


def _table_json(t) -> dict:
    """One controlled figure table as the API shows it (area and region figures alike)."""
    return {
        "id": t.id,
        "titel": t.title,
        "rijkop": t.row_header,
        "kolommen": list(t.columns),
        "rijen": [_row(r) for r in t.rows],
        "totalen": _row(t.totals) if t.totals else None,
        "toelichting": t.note,
    }


def figures_json(figures, policy) -> dict:
    """An ``AreaFigures`` as JSON: only published cells (never the raw number of reports in the database)."""
    h = figures.headline
    kern = {
        "meldingen": cell_json(h["meldingen"]),
        "per1000": cell_json(h["per1000"]),
        "herhaald": cell_json(h["herhaald"]),
        "inwoners": cell_json(h["inwoners"]),
        "aard": [{"aard": label, "aantal": cell_json(n), "aandeel": cell_json(pct)} for label, n, pct in h["aard"]],
    }
    if "gemeente_per1000" in h:
        kern["gemeentePer1000"] = cell_json(h["gemeente_per1000"])
    if "kinderen" in h:
        kern["kinderen"] = cell_json(h["kinderen"])
    return {
        "code": figures.code,
        "naam": figures.naam,
        "niveau": figures.level,
        "periode": {"jaar": figures.period.year, "label": figures.period.label, "beschikbareJaren": list(figures.period.years)},
        "beleid": {"drempel": policy.threshold, "afrondingsbasis": policy.rounding_base},
        "kerncijfers": kern,
        "tabellen": [_table_json(t) for t in figures.tables],
        "bron": SOURCE_NOTE,
    }


JAAR_PARAM = OpenApiParameter(
    "jaar", {"type": "integer", "minimum": 1900, "maximum": 2100}, description="Jaar; zonder: het nieuwste jaar met gegevens"
)


def _year(request) -> int | None:
    """The ``jaar`` query parameter of a figures endpoint: a four-digit year, or None for the newest."""
    raw = request.query_params.get("jaar")
    if raw is not None and not (raw.isdigit() and 1900 <= int(raw) <= 2100):
        raise exceptions.ValidationError({"jaar": ["Geef een jaartal van vier cijfers."]})
    return int(raw) if raw else None


class GebiedCijfersView(ZichtAPIView):
    zicht_roles = frozenset(AREA_ROLES)

    @extend_schema(
        operation_id="gebieden_cijfers",
        summary="Onthullingsbeveiligde registercijfers van een gebied",
        description=(
            "Dezelfde cijfers als de gebiedscan: elk aantal afgerond op een veelvoud van de afrondingsbasis, "
            "aantallen onder de drempel onderdrukt (waarde null, weergave '<10'), en waar nodig secundair "
            "onderdrukt (weergave '×'). Nooit een ruw aantal."
        ),
        parameters=[
            CODE_PARAM,
            JAAR_PARAM,
        ],
        responses={200: serializers.CijfersSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, code: str):
        year = _year(request)
        area, level = _area(code)
        if (area.code if level == "gemeente" else area.gemeente_id) not in figure_gemeente_codes(request.user):
            raise exceptions.PermissionDenied("De registercijfers van deze gemeente zijn niet voor uw account.")
        policy = default_policy()
        figures = gemeente_figures(area, year, policy) if level == "gemeente" else wijk_figures(area, year, policy)
        if year is not None and figures.period.year != year:
            available = ", ".join(str(y) for y in figures.period.years) or "geen"
            raise exceptions.NotFound(f"Geen registercijfers voor {year}; beschikbare jaren: {available}.")
        return Response(figures_json(figures, policy))


REGIO_PARAM = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=r"^[a-z0-9-]{1,40}$",
    description="Code van een Veilig Thuis-regio (midden-brabant)",
)


class RegioCijfersView(ZichtAPIView):
    zicht_roles = frozenset(AREA_ROLES)

    @extend_schema(
        operation_id="regios_cijfers",
        summary="De gemeenten van een Veilig Thuis-regio naast elkaar",
        description=(
            "Per gemeente dezelfde onthullingsbeveiligde cellen als de gemeentecijfers; alleen de regiototalen "
            "zijn nieuw en zijn samen met die cellen beveiligd. Alleen de eigen regio van het account."
        ),
        parameters=[
            REGIO_PARAM,
            JAAR_PARAM,
        ],
        responses={200: serializers.RegioCijfersSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, code: str):
        year = _year(request)
        regio = VtRegio.objects.filter(code=code.lower()).first()
        if regio is None:
            raise exceptions.NotFound("Onbekende regio.")
        if regio.code not in figure_region_codes(request.user):
            raise exceptions.PermissionDenied("De cijfers van deze regio zijn niet voor uw account.")
        try:
            figures = region_figures_for(request, regio, year)
        except Http404 as exc:
            raise exceptions.NotFound(str(exc)) from None
        policy = default_policy()
        h = figures.headline
        return Response(
            {
                "code": regio.code,
                "naam": regio.naam,
                "jaar": figures.year,
                "beschikbareJaren": figures.years,
                "gemeenten": [{"code": g.code, "naam": g.naam} for g in figures.gemeenten],
                "gemeentenZonderGegevens": figures.missing,
                "beleid": {"drempel": policy.threshold, "afrondingsbasis": policy.rounding_base},
                "kerncijfers": {
                    "meldingen": cell_json(h["meldingen"]),
                    "per1000": cell_json(h["per1000"]),
                    "inwoners": cell_json(h["inwoners"]),
                },
                "tabellen": [_table_json(t) for t in figures.tables],
                "bron": REGION_SOURCE_NOTE,
            }
        )


class GebiedRisicoprofielView(ZichtAPIView):
    zicht_roles = frozenset(AREA_ROLES)

    @extend_schema(
        operation_id="gebieden_risicoprofiel",
        summary="Risicofactoren van een gebied uit CBS-cijfers",
        description="Openbare CBS-kerncijfers op gebiedsniveau per risicofactor, met gemeente en Nederland uit hetzelfde jaar.",
        parameters=[CODE_PARAM],
        responses={200: serializers.RisicoprofielSerializer, **problems(400, 401, 403, 404)},
    )
    def get(self, request, code: str):
        area, level = _area(code)
        factors = [
            {
                "factor": x.factor,
                "label": x.label,
                "indicator": x.indicator,
                "indicatorLabel": x.indicator_label,
                "eenheid": x.unit,
                "jaar": x.year,
                "waarde": x.value,
                "gemeenteWaarde": x.gemeente_value,
                "landelijkeWaarde": x.national_value,
                "referentie": x.reference,
                "verhoogd": x.elevated,
                "verhoogdTovLandelijk": x.elevated_vs_national,
                "preventietypen": x.prevention_type_labels,
                "beleidskaders": x.policy_framework_labels,
            }
            for x in area_risk_profile(area.code)
        ]
        return Response({"code": area.code, "naam": area.naam, "niveau": level, "toelichting": AREA_ONLY, "risicofactoren": factors})


# --- the contract ---------------------------------------------------------------------------------


@extend_schema(exclude=True)
class OpenAPIView(SpectacularJSONAPIView):
    """The OpenAPI 3 contract, public (partners read it before they have an account)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    zicht_public = True

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        return response


@extend_schema(exclude=True)
class NotFoundView(ZichtAPIView):
    """Any address under /api/ that is no resource: a 404 problem (JSON), for every method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    zicht_public = True

    def dispatch_not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound("Deze API-resource bestaat niet; zie /api/v1/openapi.json.")

    get = post = put = patch = delete = head = options = dispatch_not_found


class SchemaRedirectView(RedirectView):
    """The old ``/api/schema`` address keeps working."""

    pattern_name = "api:openapi"
    permanent = False
    zicht_public = True
