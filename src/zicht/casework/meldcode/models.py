"""Meldcode storage: one professional's walk through the five steps, and every answer given."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zicht.core.fields import EncryptedTextField

from ..domain import meldcode as mc
from ..verwijsindex.models import Signal


class MeldcodeCase(models.Model):
    """One professional's walk through the Meldcode for one situation."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="meldcode_cases")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meldcode_cases")
    referentie = EncryptedTextField(help_text="Eigen dossiernummer of korte omschrijving (encrypted)")
    signal = models.ForeignKey(Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="meldcode_cases")
    state = models.CharField(max_length=20, choices=mc.STATES, default=mc.STAP_1)
    gemeld = models.BooleanField(default=False, help_text="Veilig Thuis is geïnformeerd")
    vervolgdatum = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["vervolgdatum", "-updated_at"]
        indexes = [models.Index(fields=["organisation", "state"], name="meldcode_open_idx")]

    def __str__(self) -> str:
        return f"Meldcode-casus #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state not in mc.TERMINAL


class MeldcodeAnswer(models.Model):
    case = models.ForeignKey(MeldcodeCase, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=20)
    answer = models.CharField(max_length=10)
    toelichting = EncryptedTextField(blank=True)
    samen_met_vt = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=mc.OUTCOMES, blank=True)
    next_state = models.CharField(max_length=20, choices=mc.STATES)
    vervolgdatum = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]

    @property
    def question_text(self) -> str:
        return mc.QUESTIONS.get(self.question, self.question)
