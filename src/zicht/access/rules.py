"""How a view declares who may open it, and how reads of personal data are logged.

Every view in Zicht is wrapped in ``@requires(...)``; the authorization matrix test
walks the URL configuration and fails for any view without such a rule.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import ALL_ROLES


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "zicht_profile", None)
    return profile.role if profile else None


def user_organisation(user):
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
            return view(request, *args, **kwargs)

        wrapper.zicht_roles = frozenset(roles)
        wrapper.zicht_personal_data = personal_data
        return wrapper

    return decorator


def log_access(request, *, action: str, record_type: str, record_id, reason: str = "") -> None:
    """Write one access-log entry for a read or change of personal data."""
    from .models import AccessLogEntry

    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    profile = getattr(user, "zicht_profile", None) if user else None
    AccessLogEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        role=profile.role if profile else "",
        organisation=str(profile.organisation) if profile and profile.organisation else "",
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        reason=reason[:300],
        path=request.path[:300],
        ip=request.META.get("REMOTE_ADDR"),
    )
