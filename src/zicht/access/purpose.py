"""Purpose binding: opening a person, address or household asks for the reason, once per record per session.

A view that shows an individual record is decorated with
``@with_purpose("address", kwarg="pk")`` (below ``@requires``). Without a reason
for that record in this session the user is sent to the reason form; with one,
the view runs (with the reason available as ``request.zicht_reason``) and, only when it
answered with a page (its scope checks passed), the read is written to the access log
with that reason, the record id and whatever else the view put in ``request.zicht_records``
(``(record_type, id)`` pairs, e.g. the two persons of a linkage pair).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect

from .roles import N_
from .rules import log_access

SESSION_KEY = "zicht_purposes"

# The label is what the access log stores as the reason (in Dutch); pages translate it (``N_``).
REASONS = [
    ("casusoverleg", N_("Voorbereiding casusoverleg")),
    ("veiligheidsbeoordeling", N_("Veiligheidsbeoordeling / risicotaxatie")),
    ("nieuwe_melding", N_("Verwerking nieuwe melding of signaal")),
    ("koppeling", N_("Beoordeling koppeling van personen")),
    ("hulpverlening", N_("Afstemming hulpverlening")),
    ("verzoek_betrokkene", N_("Verzoek van betrokkene (inzage/correctie)")),
]


def purpose_key(record_type: str, record_id) -> str:
    return f"{record_type}:{record_id}"


def stored_reason(request, record_type: str, record_id) -> str | None:
    return request.session.get(SESSION_KEY, {}).get(purpose_key(record_type, record_id))


def store_reason(request, record_type: str, record_id, reason: str) -> None:
    purposes = dict(request.session.get(SESSION_KEY, {}))
    purposes[purpose_key(record_type, record_id)] = reason
    request.session[SESSION_KEY] = purposes


def with_purpose(record_type: str, kwarg: str = "pk", action: str = "view"):
    """Require a stated reason for this record, then log the read with it."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            record_id = kwargs.get(kwarg)
            reason = stored_reason(request, record_type, record_id)
            if reason is None:
                query = urlencode({"type": record_type, "id": record_id, "next": request.get_full_path()})
                return redirect(f"/account/reden/?{query}")
            request.zicht_reason = reason
            response = view(request, *args, **kwargs)
            # Logged only once the view's own scope checks passed (a 403/404 is logged by
            # ``requires`` as a refused attempt, never as a read).
            if 200 <= getattr(response, "status_code", 0) < 300:
                log_access(
                    request,
                    action=action,
                    record_type=record_type,
                    record_id=record_id,
                    reason=reason,
                    records=[(record_type, record_id), *getattr(request, "zicht_records", ())],
                )
            return response

        wrapper.zicht_purpose = record_type
        for attr in ("zicht_roles", "zicht_personal_data"):
            if hasattr(view, attr):
                setattr(wrapper, attr, getattr(view, attr))
        return wrapper

    return decorator
