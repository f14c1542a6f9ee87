"""Buurtregie storage: the meeting, its members, weighings of agenda items, agreed actions, notes.

The agenda itself is not stored: it is built from the verwijsindex matches on every view
(``services.agenda``); a weighing records the match it weighed and which organisations were
involved at that moment. Free text (reasons, actions, notes) is encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.core.fields import EncryptedTextField

from .domain import rules


class Buurtregie(models.Model):
    """A recurring wijk-level meeting of professionals."""

    naam = models.CharField(max_length=120)
    wijk = models.ForeignKey("geo.Wijk", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+", help_text=_("De organisatie die het overleg organiseert")
    )
    eerste_bijeenkomst = models.DateField()
    interval_weken = models.PositiveSmallIntegerField(default=2)
    tijd = models.TimeField(null=True, blank=True)
    locatie = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["naam"]
        verbose_name_plural = _("buurtregies")

    def __str__(self) -> str:
        return self.naam


class Member(models.Model):
    regie = models.ForeignKey(Buurtregie, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buurtregie_memberships")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    functie = models.CharField(max_length=20, choices=[(code, _(label)) for code, label in rules.FUNCTIONS])

    class Meta:
        ordering = ["functie", "id"]
        constraints = [models.UniqueConstraint(fields=["regie", "user"], name="buurtregie_member_once")]

    def __str__(self) -> str:
        return f"{self.get_functie_display()} ({self.organisation})"


class Weighing(models.Model):
    """The meeting's weighing of one agenda item (a match): a shared decision every member reads."""

    regie = models.ForeignKey(Buurtregie, on_delete=models.CASCADE, related_name="weighings")
    match = models.ForeignKey("casework.SignalMatch", on_delete=models.CASCADE, related_name="+")
    bijeenkomst = models.DateField()
    uitkomst = models.CharField(max_length=20, choices=[(code, _(label)) for code, label in rules.OUTCOMES])
    reden = EncryptedTextField()
    organisations = models.JSONField(default=list, help_text="Ids of the organisations involved when weighed")  # i18n: not UI
    weighed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Action(models.Model):
    """An agreed action: what, who (a member), by when; shared with every member."""

    regie = models.ForeignKey(Buurtregie, on_delete=models.CASCADE, related_name="actions")
    weighing = models.ForeignKey(Weighing, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    omschrijving = EncryptedTextField()
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]


class Note(models.Model):
    """A member's own minutes: read only by the writer's organisation (``rules.may_read_note``)."""

    regie = models.ForeignKey(Buurtregie, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    bijeenkomst = models.DateField()
    tekst = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-bijeenkomst", "-created_at"]
