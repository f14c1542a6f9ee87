"""Who a user is in Zicht (role, organisation) and the append-only access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.core.i18n import lazy_choices

from .audit import quiet
from .groups import sync_user_groups
from .roles import N_, PERMISSIONS, ROLES


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zicht_profile")
    role = models.CharField(max_length=30, choices=lazy_choices(ROLES))
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    regio = models.ForeignKey(
        "geo.VtRegio", null=True, blank=True, on_delete=models.PROTECT, help_text=_("Veilig Thuis-regio (scope of a ketenregisseur)")
    )
    gemeente = models.ForeignKey("geo.Gemeente", null=True, blank=True, on_delete=models.PROTECT)
    # Single sign-on identity (zicht.access.oidc): an account is linked by the ID token's issuer
    # and subject only, never by a name the identity provider lets people choose.
    oidc_issuer = models.CharField(max_length=255, blank=True, default="")
    oidc_subject = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        # The role permissions of zicht.access.roles.PERMISSIONS live on this model's content type.
        permissions = sorted(PERMISSIONS.items())
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"], condition=~models.Q(oidc_subject=""), name="access_profile_oidc_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)

        with quiet():  # the group follows the role; the role change itself is logged (zicht.access.audit)
            sync_user_groups(self.user, self.role)


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # append-only
        raise PermissionError("Het toegangslogboek kan niet worden gewijzigd")

    def delete(self):
        raise PermissionError("Het toegangslogboek kan niet worden verwijderd")


class AccessLogEntry(models.Model):
    """One read or change of personal data (NEN 7513 style): who, role, organisation, what, why, when, where.

    Which records were shown is stored beside the entry in ``AccessLogRecord`` rows (one per
    record, also for an export of 5,000 households); ``query`` keeps the filter (full query
    string). Entries form a hash chain (``seq``, ``prev_hash``, ``entry_hash``; see
    ``zicht.access.chain``); write them only through ``zicht.access.rules.log_access``.
    """

    ACTIONS = [
        ("view", N_("Inzien")),
        ("create", N_("Aanmaken")),
        ("change", N_("Wijzigen")),
        ("delete", N_("Verwijderen")),
        ("export", N_("Exporteren")),
        ("command", N_("Opdracht (CLI)")),
    ]
    OUTCOMES = [("ok", N_("Toegestaan")), ("denied", N_("Geweigerd (403)")), ("not_found", N_("Niet gevonden (404)"))]
    seq = models.BigIntegerField(unique=True, null=True, help_text="Position in the hash chain (1, 2, 3, ...)")  # i18n: not UI
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and no cascade: deleting an account must never touch the log
    # (the database refuses UPDATE on this table, see migration 0003); username is kept as text.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=lazy_choices(ACTIONS))
    outcome = models.CharField(max_length=10, choices=lazy_choices(OUTCOMES), default="ok")
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=80)
    record_count = models.PositiveIntegerField(default=0, help_text="Number of AccessLogRecord rows of this entry")  # i18n: not UI
    reason = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    query = models.TextField(blank=True, help_text="The full query string (filter) of the request, or the CLI arguments")  # i18n: not UI
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Het toegangslogboek kan niet worden gewijzigd")
        if not self.entry_hash:
            from .chain import append

            append(self, [])
            return
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Het toegangslogboek kan niet worden verwijderd")


class AccessLogRecord(models.Model):
    """One record shown by one access-log entry: which household, person, report... (append-only)."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.DO_NOTHING, related_name="records")
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=80)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class RetentionRun(models.Model):
    """One run of ``zicht retention``: what expired per rule, without any personal value."""

    started_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.BooleanField()
    today = models.DateField(help_text="The reference date the terms were computed against")  # i18n: not UI
    summary = models.JSONField(default=list, help_text="[{rule, kind, action, count}]")  # i18n: not UI
    by = models.CharField(max_length=150, default="systeem")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Bewaartermijnen {self.today} ({'proef' if self.dry_run else 'uitgevoerd'})"
