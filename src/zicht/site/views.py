"""Home page: what is in the registry, per source and per wijk, disclosure-controlled."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from zicht.access import roles
from zicht.access.roles import ALL_ROLES
from zicht.access.rules import requires, user_role
from zicht.access.scoping import figure_gemeente_codes
from zicht.areas.disclosure import control_total
from zicht.areas.figures import home_figures
from zicht.areas.policy import default_policy
from zicht.geo.models import Gemeente
from zicht.registry.models import ImportBatch

from .overview import SOURCE_COLUMNS, unlocated_count

ROLE_TASKS = {
    roles.KETENREGISSEUR: gettext_lazy(
        "Importeer partnerexports, beoordeel koppelingen en bekijk adressen en huishoudens met hun kleurcode."
    ),
    roles.PROFESSIONAL: gettext_lazy(
        "Registreer een signaal en doorloop de Meldcode. U ziet alleen óf een andere organisatie betrokken is, nooit wat zij weet."
    ),
    roles.BELEIDSMEDEWERKER: gettext_lazy(
        "Bekijk de gebiedscan per wijk en buurt, de interventiecatalogus en uw preventieplannen. U ziet alleen geaggregeerde cijfers."
    ),
    roles.FUNCTIONEEL_BEHEERDER: gettext_lazy("Beheer gebruikers, organisaties, importprofielen en de interventiecatalogus."),
    roles.PRIVACY_OFFICER: gettext_lazy("Lees het toegangslogboek: wie bekeek welk dossier, wanneer en waarom."),
}


@requires(*ALL_ROLES)
def home(request):
    # Registry figures of the own gemeente/region only (zicht.access.domain.figure_scope); roles
    # without area pages see the installation's gemeente, as before.
    allowed = figure_gemeente_codes(request.user) or frozenset({settings.DEMO_GEMEENTE})
    gemeente_code = request.GET.get("gemeente") or (settings.DEMO_GEMEENTE if settings.DEMO_GEMEENTE in allowed else min(allowed))
    if gemeente_code not in allowed:
        raise PermissionDenied("De registercijfers van deze gemeente zijn niet voor uw account.")
    gemeente = Gemeente.objects.filter(code=gemeente_code).first()
    policy = default_policy()
    # The gebiedscan's controlled wijk × soort cells of the newest year (one protected set, issue 12).
    home = home_figures(gemeente_code, policy)
    table, names = home.table, dict(home.wijken)
    rows = [(code, names[code], cells, total) for code, cells, total in table.rows()] if table else []
    latest = ImportBatch.objects.select_related("source").order_by("-started_at")[:5]
    return render(
        request,
        "site/home.html",
        {
            "gemeente": gemeente,
            "columns": [(key, gettext(label)) for key, label, _ in SOURCE_COLUMNS if table is not None and key in table.col_keys],
            "table": table,
            "period": home.period,
            "rows": rows,
            "unlocated": control_total(unlocated_count(), policy),
            "policy": policy,
            "latest_batches": latest if user_role(request.user) in (roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER) else [],
            "role_task": ROLE_TASKS.get(user_role(request.user), ""),
        },
    )


def healthz(request):
    return JsonResponse({"status": "ok"})


healthz.zicht_public = True
