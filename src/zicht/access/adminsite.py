"""The admin at /beheer/: a door for the functioneel beheerder, not around the rules.

- Only an active staff account with the role functioneel beheerder, or a superuser, gets in;
  any other signed-in account that tries is logged as a refused attempt.
- Models with personal data are registered with ``PersonalDataAdmin``: read-only (no add,
  change, delete or bulk action, also for superusers) and every read is logged: the
  changelist with the ids it showed (and the filter), a detail page with its id and the
  related records shown inline.
- While an admin view runs, ``zicht.access.audit.current_request`` names the actor of role,
  account and group changes (logged with before/after).
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin

from .roles import FUNCTIONEEL_BEHEERDER
from .rules import log_access, log_refusal, user_role


def may_use_admin(user) -> bool:
    """Pure rule: who gets into /beheer/."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    return bool(getattr(user, "is_superuser", False)) or user_role(user) == FUNCTIONEEL_BEHEERDER


class ZichtAdminSite(admin.AdminSite):
    site_header = "Zicht – functioneel beheer"
    site_title = "Zicht beheer"
    index_title = "Functioneel beheer"

    def has_permission(self, request) -> bool:
        return may_use_admin(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            from .audit import current_request

            if getattr(request.user, "is_authenticated", False) and not may_use_admin(request.user):
                log_refusal(request, "denied", record_type="beheer", record_id=request.path[:80])
            token = current_request.set(request)
            try:
                return inner(request, *args, **kwargs)
            finally:
                current_request.reset(token)

        return update_wrapper(wrapper, inner)


class PersonalDataAdmin(admin.ModelAdmin):
    """Read-only and logged: for models that hold (or point at) personal data."""

    zicht_record_type = "record"
    actions = None
    list_select_related = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def shown_with(self, obj) -> list[tuple[str, object]]:
        """Records shown on the detail page besides ``obj`` itself (inlines)."""
        return []

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            log_access(
                request,
                action="view",
                record_type=self.zicht_record_type,
                record_id="beheer: lijst",
                reason="Beheer (/beheer/): lijst",
                records=[obj.pk for obj in cl.result_list],
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if 200 <= response.status_code < 300:
            obj = self.get_object(request, object_id)
            extra = self.shown_with(obj) if obj is not None else []
            log_access(
                request,
                action="view",
                record_type=self.zicht_record_type,
                record_id=object_id,
                reason="Beheer (/beheer/): inzien",
                records=[(self.zicht_record_type, object_id), *extra],
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if 200 <= response.status_code < 300:
            log_access(
                request,
                action="view",
                record_type=self.zicht_record_type,
                record_id=object_id,
                reason="Beheer (/beheer/): geschiedenis",
                records=[(self.zicht_record_type, object_id)],
            )
        return response
