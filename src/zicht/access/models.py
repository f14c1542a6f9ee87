"""Who a user is in Zicht (role, organisation) and the append-only access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .roles import PERMISSIONS, ROLES


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zicht_profile")
    role = models.CharField(max_length=30, choices=ROLES)
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    vt_regio = models.CharField(max_length=120, blank=True, help_text="Scope of a ketenregisseur")
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
        from .groups import sync_user_groups

        sync_user_groups(self.user, self.role)


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # append-only
        raise PermissionError("Het toegangslogboek kan niet worden gewijzigd")

    def delete(self):
        raise PermissionError("Het toegangslogboek kan niet worden verwijderd")


class AccessLogEntry(models.Model):
    """One read or change of personal data (NEN 7513 style): who, role, organisation, what, why, when, where."""

    ACTIONS = [("view", "Inzien"), ("create", "Aanmaken"), ("change", "Wijzigen"), ("delete", "Verwijderen"), ("export", "Exporteren")]
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting an account must never touch the log
    # (the database refuses UPDATE on this table, see migration 0003); username is kept as text.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=30, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=ACTIONS)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=80)
    reason = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Het toegangslogboek kan niet worden gewijzigd")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Het toegangslogboek kan niet worden verwijderd")


class RetentionRun(models.Model):
    """One run of ``zicht retention``: what expired per rule, without any personal value."""

    started_at = models.DateTimeField(auto_now_add=True)
    dry_run = models.BooleanField()
    today = models.DateField(help_text="The reference date the terms were computed against")
    summary = models.JSONField(default=list, help_text="[{rule, kind, action, count}]")
    by = models.CharField(max_length=150, default="systeem")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Bewaartermijnen {self.today} ({'proef' if self.dry_run else 'uitgevoerd'})"
