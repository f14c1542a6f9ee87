"""Who a user is in Zicht (role, organisation) and the append-only access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .roles import ROLES


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zicht_profile")
    role = models.CharField(max_length=30, choices=ROLES)
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    vt_regio = models.CharField(max_length=120, blank=True, help_text="Scope of a ketenregisseur")
    gemeente = models.ForeignKey("geo.Gemeente", null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # append-only
        raise PermissionError("Het toegangslogboek kan niet worden gewijzigd")

    def delete(self):
        raise PermissionError("Het toegangslogboek kan niet worden verwijderd")


class AccessLogEntry(models.Model):
    """One read or change of personal data (NEN 7513 style): who, role, organisation, what, why, when, where."""

    ACTIONS = [("view", "Inzien"), ("create", "Aanmaken"), ("change", "Wijzigen"), ("delete", "Verwijderen"), ("export", "Exporteren")]
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
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
