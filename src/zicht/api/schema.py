"""The OpenAPI contract's conformance to the NL API Design Rules, in one place.

``version_headers`` is a drf-spectacular postprocessing hook: every response the API gives carries
``API-Version`` (``ZichtAPIView.finalize_response`` sets it), so every response in the contract
declares it (rule /core/version-header). Servers (with the major version in the URI, rule
/core/uri-version) and the contact (/core/doc-openapi-contact) are set in ``SPECTACULAR_SETTINGS``.
Shared pieces for the API modules (the id path parameter) live here too.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

HEADER_NAME = "API-Version"
HEADER = {
    "description": "Volledig versienummer van de API (major.minor.patch).",
    "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
    "required": True,
}
# Database ids are signed 64-bit integers; anything outside is invalid input (400), not a crash.
MAX_ID = 2**63 - 1


def id_param(description: str) -> OpenApiParameter:
    return OpenApiParameter("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH, description=description)


MAX_PAGE = 1_000_000  # far beyond any list; bounds the offset the database is asked for

PAGE_PARAM = OpenApiParameter("pagina", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, description="Paginanummer (vanaf 1)")


def checked_page(request) -> int:
    """The ``pagina`` query parameter (1 … MAX_PAGE), or a 400 problem."""
    raw = request.query_params.get("pagina", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise exceptions.ValidationError({"pagina": [f"Geef een paginanummer van 1 tot en met {MAX_PAGE}."]})
    return int(raw)


def checked_id(pk: int) -> int:
    """A path id in the range the contract declares; outside it a 400 problem naming ``id``."""
    if not 1 <= pk <= MAX_ID:
        raise exceptions.ValidationError({"id": [f"Geef een id van 1 tot en met {MAX_ID}."]})
    return pk


def version_headers(result, generator, request, public):
    """Declare the API-Version header on every response of every operation."""
    components = result.setdefault("components", {})
    components.setdefault("headers", {})[HEADER_NAME] = HEADER
    ref = {"$ref": f"#/components/headers/{HEADER_NAME}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method.startswith("x-") or not isinstance(operation, dict) or "responses" not in operation:
                continue
            for response in operation["responses"].values():
                response.setdefault("headers", {})[HEADER_NAME] = ref
    return result
