"""Meldcode storage: one professional's walk through the five steps, every answer given, and the
Quickscan at intake."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.core.fields import EncryptedTextField
from zicht.core.i18n import lazy_choices

from ..domain import meldcode as mc
from ..domain import quickscan as qs
from ..verwijsindex.models import Signal


class MeldcodeCase(models.Model):
    """One professional's walk through the Meldcode for one situation."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="meldcode_cases")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meldcode_cases")
    referentie = EncryptedTextField(help_text=_("Eigen dossiernummer of korte omschrijving (encrypted)"))
    signal = models.ForeignKey(Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="meldcode_cases")
    state = models.CharField(max_length=20, choices=lazy_choices(mc.STATES), default=mc.STAP_1)
    gemeld = models.BooleanField(default=False, help_text=_("Veilig Thuis is geïnformeerd"))
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
    outcome = models.CharField(max_length=20, choices=lazy_choices(mc.OUTCOMES), blank=True)
    next_state = models.CharField(max_length=20, choices=lazy_choices(mc.STATES))
    vervolgdatum = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]

    @property
    def question_text(self) -> str:
        return gettext(mc.QUESTIONS.get(self.question, self.question))

    @property
    def answer_label(self) -> str:
        return gettext(mc.ANSWERS.get(self.answer, self.answer))


class Quickscan(models.Model):
    """The toegang's Quickscan at intake, stored with the Meldcode case: the ticked risk factors,
    the SUGGESTED step with its reasons (``domain.quickscan.suggest``) and the step the
    professional chose (a different choice carries a reason). It never changes the case's state."""

    case = models.ForeignKey(MeldcodeCase, on_delete=models.CASCADE, related_name="quickscans")
    factors = models.JSONField(default=list, help_text="Codes of the ticked risk factors (domain.quickscan.FACTORS)")  # i18n: not UI
    kinderen = models.BooleanField(default=False, help_text="Minor children in the household (Kindcheck)")  # i18n: not UI
    suggested = models.CharField(max_length=20, choices=lazy_choices(qs.STEPS))
    reasons = models.JSONField(default=list)
    chosen = models.CharField(max_length=20, choices=lazy_choices(qs.STEPS))
    keuze_reden = EncryptedTextField(blank=True, help_text="Why another step than the suggestion (encrypted)")  # i18n: not UI
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def followed(self) -> bool:
        return self.chosen == self.suggested

    def factor_labels(self) -> list[str]:
        return [gettext(qs.FACTORS[c][1]) for c in self.factors if c in qs.FACTORS]
