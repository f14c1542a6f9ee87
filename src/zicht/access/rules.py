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


def requires(*roles: str, personal_data: bool = False):
    """Allow only the given roles. ``personal_data=True`` marks views that show individuals."""
    unknown = set(roles) - ALL_ROLES
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if user_role(request.user) not in roles:
                raise PermissionDenied("Uw rol heeft geen toegang tot deze pagina")
            if not personal_data:
                return view(request, *args, **kwargs)
            before = getattr(request, "_zicht_log_count", 0)
            response = view(request, *args, **kwargs)
            if getattr(request, "_zicht_log_count", 0) == before and 200 <= getattr(response, "status_code", 0) < 300:
                match = getattr(request, "resolver_match", None)
                log_access(
                    request,
                    action="view",
                    record_type="pagina",
                    record_id=(match.view_name if match else request.path)[:80],
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


def log_access(request, *, action: str, record_type: str, record_id, reason: str = "", user=None) -> None:
    """Write one access-log entry for a read or change of personal data.

    ``request`` may be None for actions of the system itself (retention, key rotation); the
    entry then names the system (or ``user``) as actor.
    """

    if user is None and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    profile = getattr(user, "zicht_profile", None) if user is not None else None
    AccessLogEntry.objects.create(
        user=user,
        username=user.get_username() if user is not None else SYSTEM_USERNAME,
        role=profile.role if profile else "",
        organisation=str(profile.organisation)[:200] if profile and profile.organisation else "",
        action=action,
        record_type=str(record_type)[:40],
        record_id=str(record_id)[:80],
        reason=(reason or "")[:300],
        path=request.path[:300] if request is not None else "",
        ip=client_ip(request),
    )
    if request is not None:
        request._zicht_log_count = getattr(request, "_zicht_log_count", 0) + 1


class ZichtRolePermission:
    """DRF permission: the view's ``zicht_roles`` class attribute decides (same contract as ``requires``)."""

    message = "Uw rol heeft geen toegang tot dit endpoint"

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "zicht_roles", None)
        return allowed is not None and user_role(request.user) in allowed

    def has_object_permission(self, request, view, obj) -> bool:
        return self.has_permission(request, view)
