"""Everything requires login, except the login page itself, static files and the OpenAPI contract."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

PUBLIC_PREFIXES = ("/account/login", "/static/", "/api/schema", "/healthz")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not request.user.is_authenticated and not path.startswith(PUBLIC_PREFIXES):
            if path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"title": "Niet ingelogd", "status": 401}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
