"""Home page: what is in the registry, per source and per wijk, disclosure-controlled."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from zicht.access.roles import ALL_ROLES
from zicht.access.rules import requires


@requires(*ALL_ROLES)
def home(request):
    return render(request, "core/home.html", {})


def healthz(request):
    return JsonResponse({"status": "ok"})


healthz.zicht_public = True
