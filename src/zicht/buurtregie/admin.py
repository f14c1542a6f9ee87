"""Admin for the functioneel beheerder: buurtregies, their schedule and members (no personal data:
weighings, actions and notes are read on the members' own pages only)."""

from __future__ import annotations

from django.contrib import admin

from .models import Buurtregie, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Buurtregie)
class BuurtregieAdmin(admin.ModelAdmin):
    list_display = ["naam", "wijk", "organisation", "eerste_bijeenkomst", "interval_weken"]
    raw_id_fields = ["wijk"]
    inlines = [MemberInline]
