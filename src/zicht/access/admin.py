"""Admin for profiles (roles) and a strictly read-only view of the access log and retention runs."""

from __future__ import annotations

from django.contrib import admin

from .models import AccessLogEntry, RetentionRun, UserProfile


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "vt_regio", "gemeente"]
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
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "role", "organisation", "action", "record_type", "record_id", "reason", "ip"]
    list_filter = ["action", "role", "record_type"]
    search_fields = ["username", "record_id"]
    date_hierarchy = "at"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "dry_run", "today", "by"]
