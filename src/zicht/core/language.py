"""The UI language (issue 18): Dutch by default, English when the user chooses it with the switch
in the header (Django's ``set_language``, which stores the choice in the language cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English browser would
get English without asking; Zicht's users work in Dutch organisations, so only an explicit choice
switches the language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(cookie_value: str | None) -> str:
    """The language of a request: the chosen one when it is a known language, else Dutch."""
    return cookie_value if cookie_value in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
