"""Errors as RFC 9457 problem details (``application/problem+json``), per the NL API Design Rules.

Pure: no Django or DRF imports, so the mapping can be read and tested on its own. The texts
are fixed Dutch sentences; a problem never carries a submitted value, a stack trace or personal
data (validation messages name the field, never what was typed in it).
"""

from __future__ import annotations

from collections.abc import Mapping

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:zicht:probleem:"  # an identifier to branch on, not a page to fetch

# status -> (type slug, Dutch title)
TITLES = {
    400: ("ongeldige-invoer", "Een of meer velden zijn ongeldig."),
    401: ("niet-geauthenticeerd", "Niet geauthenticeerd."),
    403: ("geen-toegang", "Geen toegang."),
    404: ("niet-gevonden", "Niet gevonden."),
    405: ("methode-niet-toegestaan", "Deze methode is hier niet toegestaan."),
    406: ("niet-acceptabel", "Het gevraagde formaat wordt niet geleverd."),
    409: ("conflict", "De handeling past niet bij de huidige toestand."),
    415: ("mediatype-niet-ondersteund", "Lever de gegevens aan als application/json."),
    429: ("te-veel-verzoeken", "Te veel verzoeken."),
    500: ("serverfout", "Er ging iets mis op de server."),
}
NON_FIELD = "nonFieldErrors"


def problem(status: int, detail: str = "", *, title: str | None = None, instance: str = "", invalid_params=None) -> dict:
    """One problem document; unknown statuses get a generic type so clients can still branch on it."""
    slug, default_title = TITLES.get(status, ("fout", "Fout."))
    body = {"type": TYPE_BASE + slug, "title": title or default_title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalid-params"] = invalid_params
    return body


def invalid_params(errors, prefix: str = "") -> list[dict]:
    """Flatten nested validation errors ({field: [msg]} / lists / strings) to ``[{name, code, reason}]``.

    Names are the JSON field names (dotted for nested objects, ``[i]`` for list items); the
    error ``code`` is kept when the message carries one (DRF's ErrorDetail).
    """
    out: list[dict] = []
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            name = NON_FIELD if key in ("non_field_errors", "__all__", NON_FIELD) else str(key)
            out.extend(invalid_params(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(errors, (list, tuple)):
        if all(not isinstance(e, (Mapping, list, tuple)) for e in errors):
            for message in errors:
                out.append(
                    {"name": prefix or NON_FIELD, "code": str(getattr(message, "code", "invalid") or "invalid"), "reason": str(message)}
                )
        else:
            for i, item in enumerate(errors):
                if item:
                    out.extend(invalid_params(item, f"{prefix}[{i}]"))
    elif errors not in (None, ""):
        out.append({"name": prefix or NON_FIELD, "code": str(getattr(errors, "code", "invalid") or "invalid"), "reason": str(errors)})
    return out


def rename(errors: Mapping, names: Mapping[str, str]) -> dict:
    """Form field names (snake_case, as the web form has them) to the API's camelCase names."""
    return {names.get(key, key): value for key, value in errors.items()}
