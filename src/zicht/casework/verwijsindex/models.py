"""Verwijsindex storage: signals (that an organisation is involved, no content) and their matches.

The active-signal rule is ``domain.stacking.is_active``; ``Signal.objects.active(today)`` and
``Signal.active_sql`` state it for the database, and one table test checks that the three agree.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from zicht.access.roles import N_
from zicht.core.i18n import lazy_choices

from ..domain.stacking import SignalFact, is_active, status


class SignalQuerySet(models.QuerySet):
    def active(self, today: date):
        """Signals active on ``today`` (``domain.stacking.is_active``): registered by then, not
        withdrawn by then, and not expired (the expiry day itself no longer counts)."""
        return self.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today), datum__lte=today, expires_on__gt=today)


class Signal(models.Model):
    """A professional's registration that their organisation is involved (verwijsindex): no content."""

    CATEGORIES = [
        ("zorg_veiligheid", N_("Zorgen over veiligheid thuis")),
        ("opvoeding", N_("Opvoed- en opgroeiproblemen")),
        ("school", N_("Schoolverzuim / onderwijs")),
        ("gezondheid", N_("Gezondheid")),
        ("financien", N_("Financiële problemen")),
        ("politie", N_("Politiecontact")),
        ("overig", N_("Overig")),
    ]
    WITHDRAW_REASONS = [
        ("onterecht", N_("Signaal was onterecht")),
        ("risico_weg", N_("Het risico is weggenomen")),
        ("overleden", N_("Betrokkene is overleden")),
        ("overig", N_("Andere reden")),
    ]
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="signals")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    contact_naam = models.CharField(max_length=120)
    contact_telefoon = models.CharField(max_length=40)
    contact_email = models.EmailField(blank=True)
    datum = models.DateField()
    categorie = models.CharField(max_length=30, choices=lazy_choices(CATEGORIES), blank=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="signals")
    linked_person = models.ForeignKey("linkage.LinkedPerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals")
    link_method = models.CharField(max_length=20, blank=True)
    expires_on = models.DateField(db_index=True)
    legal_basis = models.CharField(max_length=200, blank=True, help_text="For adults: the convenant in force")  # i18n: not UI
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=20, choices=lazy_choices(WITHDRAW_REASONS), blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["-datum", "-id"]

    def __str__(self) -> str:  # never a name
        return f"Signaal #{self.pk}"

    @staticmethod
    def active_sql(alias: str, today: date) -> tuple[str, list]:
        """``SignalQuerySet.active`` as a WHERE fragment for hand-written SQL on alias ``alias``."""
        return (
            f"({alias}.withdrawn_on IS NULL OR {alias}.withdrawn_on > %s) AND {alias}.datum <= %s AND {alias}.expires_on > %s",
            [today, today, today],
        )

    def fact(self) -> SignalFact:
        """The signal as the pure rules see it (its own dates only)."""
        return SignalFact(self.id, self.organisation_id, self.datum, withdrawn_on=self.withdrawn_on, expires_on=self.expires_on)

    def status(self, today: date, rules) -> str:
        """'actief', 'ingetrokken' or 'verlopen' (``domain.stacking.status``)."""
        return status(self.fact(), today, rules)

    def is_active(self, today: date, rules) -> bool:
        return is_active(self.fact(), today, rules)


class SignalMatch(models.Model):
    """Signals of ≥2 organisations on one person or household; the coordinator's inbox item."""

    LEVELS = [("persoon", N_("Persoon")), ("huishouden", N_("Huishouden"))]
    STATUS = [("nieuw", N_("Nieuw")), ("in_behandeling", N_("In behandeling")), ("regie_belegd", N_("Regie belegd"))]
    level = models.CharField(max_length=12, choices=lazy_choices(LEVELS))
    subject_key = models.CharField(max_length=40)
    linked_person = models.ForeignKey("linkage.LinkedPerson", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    signals = models.ManyToManyField(Signal, related_name="matches")
    organisations = models.ManyToManyField("registry.Organisation", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Set when fewer than two organisations remain active")  # i18n: not UI
    status = models.CharField(max_length=16, choices=lazy_choices(STATUS), default="nieuw")
    regie_organisatie = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coordinator_note = models.CharField(max_length=200, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["subject_key"], condition=Q(ended_at__isnull=True), name="signalmatch_one_active"),
        ]
