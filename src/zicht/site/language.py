"""The language switch in the header (issue 18): Django's ``set_language`` (POST, a safe ``next``
only), open to everyone including the login page: it stores a preference, no data."""

from __future__ import annotations

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@require_POST
def set_language(request):
    return django_set_language(request)


set_language.zicht_public = True  # a language preference: no data, also before logging in
