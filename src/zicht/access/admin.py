"""Admin for profiles (roles) and a strictly read-only view of the access log and retention runs.

Role, account and group changes made here are logged with before/after (zicht.access.audit);
reading the access log here is logged like reading it on /toegangslog/. Only a superuser may
change the staff/superuser flags, groups and permissions of an account: a functioneel
beheerder manages roles through the profile, never by granting themselves more.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .adminsite import PersonalDataAdmin
from .models import AccessLogEntry, RetentionRun, UserProfile


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "regio", "gemeente"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete path: the log is append-only, also for superusers."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PersonalDataAdmin):
    zicht_record_type = "accesslog"
    list_display = [
        "at",
        "username",
        "role",
        "organisation",
        "action",
        "outcome",
        "record_type",
        "record_id",
        "record_count",
        "reason",
        "ip",
    ]
    list_filter = ["action", "outcome", "role", "record_type"]
    search_fields = ["username", "record_id"]
    date_hierarchy = "at"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "dry_run", "today", "by"]


User = get_user_model()
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ZichtUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in PRIVILEGE_FIELDS if f not in fields]
        return fields
