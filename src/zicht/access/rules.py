"""How a view declares who may open it, and how reads of personal data are logged.

Every view in Zicht is wrapped in ``@requires(...)`` (or ``@login_only`` for the few pages any
signed-in account needs, such as the two-factor step); the authorization matrix test walks the
URL configuration and fails for any view without such a rule.

``requires(..., personal_data=True)`` also guarantees the access log: if a view that shows
individuals returns a page without having called ``log_access`` (directly or through
``with_purpose``), the decorator writes one entry for the page itself, so no read goes
unlogged. Views should still log the records they show; the fallback names only the page.

API views (Django REST framework) declare ``zicht_roles`` (and ``zicht_personal_data``) as
class attributes and use ``ZichtRolePermission``; the matrix test reads those attributes.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .chain import append
from .models import AccessLogEntry
from .roles import ALL_ROLES

SYSTEM_USERNAME = "systeem"


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "zicht_profile", None)
    return profile.role if profile else None


def user_organisation(user):
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "zicht_profile", None)
    return profile.organisation if profile else None


OUTCOME_OF_STATUS = {403: "denied", 404: "not_found"}


def _page_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match and match.view_name else request.path)[:80]


def log_refusal(request, outcome: str, record_type: str = "pagina", record_id=None) -> None:
    """A refused attempt (403 role or scope, 404 record not found or outside the scope)."""
    if not getattr(getattr(request, "user", None), "is_authenticated", False):
        return  # anonymous requests never reach a view: the login redirect comes first
    log_access(
        request,
        action="view",
        record_type=record_type,
        record_id=record_id if record_id is not None else _page_name(request),
        reason="Toegang geweigerd" if outcome == "denied" else "Niet gevonden of buiten bereik",
        outcome=outcome,
    )


def requires(*roles: str, personal_data: bool = False):
    """Allow only the given roles. ``personal_data=True`` marks views that show individuals.

    Every refusal (role outside ``roles``: 403; a scope refusal raised or returned by the view
    as 403/404) is logged with its outcome. The fallback
    "view" entry is written only for a 2xx answer, i.e. after the view's scope checks passed.
    """
    unknown = set(roles) - ALL_ROLES
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if user_role(request.user) not in roles:
                log_refusal(request, "denied")
                raise PermissionDenied("Uw rol heeft geen toegang tot deze pagina")
            before = getattr(request, "_zicht_log_count", 0)
            try:
                response = view(request, *args, **kwargs)
            except PermissionDenied:
                log_refusal(request, "denied")
                raise
            except Http404:
                log_refusal(request, "not_found")
                raise
            status = getattr(response, "status_code", 0)
            if status in OUTCOME_OF_STATUS:
                log_refusal(request, OUTCOME_OF_STATUS[status])
            elif personal_data and getattr(request, "_zicht_log_count", 0) == before and 200 <= status < 300:
                log_access(
                    request,
                    action="view",
                    record_type="pagina",
                    record_id=_page_name(request),
                    reason=getattr(request, "zicht_reason", ""),
                )
            return response

        wrapper.zicht_roles = frozenset(roles)
        wrapper.zicht_personal_data = personal_data
        return wrapper

    return decorator


def login_only(view):
    """Any signed-in account (with or without a role): the two-factor step and similar pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(request.user, "is_authenticated", False):
            raise PermissionDenied("Log eerst in")
        return view(request, *args, **kwargs)

    wrapper.zicht_roles = ALL_ROLES
    wrapper.zicht_login_only = True
    wrapper.zicht_personal_data = False
    return wrapper


def client_ip(request) -> str | None:
    """The client address as the web server saw it (behind a proxy: configure the proxy to set it)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _record_pairs(record_type: str, records) -> list[tuple[str, str]]:
    pairs = []
    for item in records or ():
        if isinstance(item, tuple):
            pairs.append((str(item[0]), str(item[1])))
        else:
            pairs.append((record_type, str(getattr(item, "pk", item))))
    return pairs


def log_access(
    request,
    *,
    action: str,
    record_type: str,
    record_id="",
    reason: str = "",
    user=None,
    records=None,
    outcome: str = "ok",
    query: str | None = None,
) -> None:
    """Write one access-log entry for a read or change of personal data (appended to the hash chain).

    ``records`` names every record the page, export or API answer showed: ids (or model
    instances) of ``record_type``, or ``(record_type, id)`` pairs for mixed lists. They are
    stored as ``AccessLogRecord`` rows, so the privacy officer can later ask "who saw
    household 12" also for list pages and exports. ``query`` defaults to the request's full
    query string (the filter); CLI commands pass their arguments (without personal data).

    ``request`` may be None for actions of the system itself (retention, key rotation); the
    entry then names the system (or ``user``) as actor.
    """

    if user is None and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    profile = getattr(user, "zicht_profile", None) if user is not None else None
    pairs = _record_pairs(str(record_type)[:40], records)
    if not record_id and records is not None:
        record_id = f"{len(pairs)} dossiers"
    # The record the entry itself names needs no extra row (the search looks at both).
    pairs = [p for p in pairs if p != (str(record_type)[:40], str(record_id)[:80])]
    if query is None:
        query = request.META.get("QUERY_STRING", "") if request is not None else ""
    entry = AccessLogEntry(
        user=user,
        username=user.get_username() if user is not None else SYSTEM_USERNAME,
        role=profile.role if profile else "",
        organisation=str(profile.organisation)[:200] if profile and profile.organisation else "",
        action=action,
        outcome=outcome,
        record_type=str(record_type)[:40],
        record_id=str(record_id)[:80],
        reason=(reason or "")[:300],
        path=request.path[:300] if request is not None else "",
        query=str(query)[:4000],
        ip=AccessLogEntry._meta.get_field("ip").get_prep_value(client_ip(request)),
    )
    append(entry, pairs)
    if request is not None:
        request._zicht_log_count = getattr(request, "_zicht_log_count", 0) + 1


def log_command(command: str, arguments: str = "", *, records: int | None = None, batch: str = "", reason: str = "") -> None:
    """A CLI command that reads or writes personal data: OS user, command, arguments, how much."""
    import getpass
    import os

    try:
        os_user = getpass.getuser()
    except Exception:  # no login name (container without passwd entry)
        os_user = str(os.getuid()) if hasattr(os, "getuid") else "onbekend"
    summary = []
    if records is not None:
        summary.append(f"{records} records")
    if batch:
        summary.append(f"batch {batch}")
    log_access(
        None,
        action="command",
        record_type="cli",
        record_id=f"zicht {command}"[:80],
        reason=(f"OS-gebruiker {os_user}" + (f"; {', '.join(summary)}" if summary else "") + (f"; {reason}" if reason else ""))[:300],
        query=arguments,
    )


class ZichtRolePermission:
    """DRF permission: the view's ``zicht_roles`` class attribute decides (same contract as ``requires``)."""

    message = "Uw rol heeft geen toegang tot dit endpoint"

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "zicht_roles", None)
        return allowed is not None and user_role(request.user) in allowed

    def has_object_permission(self, request, view, obj) -> bool:
        return self.has_permission(request, view)
