"""Casework storage: colour results with history, help trajectories, worklist items, signals, Meldcode cases.

The rules themselves live in ``casework.domain`` (pure) and ``casework/rules`` (configuration);
these tables keep what the rules concluded, when, under which rule-set version, and what people
did with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zicht.core.fields import EncryptedTextField

from .domain import meldcode as mc
from .domain.colour import COLOURS, COLOUR_LABELS
from .domain.worklists import KINDS as WORK_KINDS

COLOUR_CHOICES = [(c, COLOUR_LABELS[c]) for c in COLOURS]
SUBJECTS = [("address", "Adres"), ("household", "Huishouden")]


def subject_key(subject_type: str, pk) -> str:
    return f"{subject_type}:{pk}"


class ColourResult(models.Model):
    """One evaluation of the colour code for one address or household; old rows are kept as history."""

    subject_type = models.CharField(max_length=10, choices=SUBJECTS)
    subject_key = models.CharField(max_length=40)
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="colour_results")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="colour_results")
    colour = models.CharField(max_length=10, choices=COLOUR_CHOICES)
    colour_rank = models.PositiveSmallIntegerField(help_text="0 groen … 3 rood, for sorting")
    ruleset_version = models.CharField(max_length=40)
    ruleset_sha256 = models.CharField(max_length=64)
    reasons = models.JSONField(default=list, help_text="[{rule, colour, text, reports, dates}]")
    rule_ids = models.CharField(max_length=300, blank=True)
    events = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    last_report_date = models.DateField(null=True, blank=True)
    aarden = models.CharField(max_length=300, blank=True, help_text="|aard|aard| of the counted reports, for the filter")
    buurt = models.ForeignKey("geo.Buurt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    wijk = models.ForeignKey("geo.Wijk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gemeente = models.ForeignKey("geo.Gemeente", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="For region scoping")
    evaluated_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-evaluated_at"]
        constraints = [
            models.UniqueConstraint(fields=["subject_key"], condition=Q(is_current=True), name="colour_one_current_per_subject"),
        ]
        indexes = [
            # (… colour_rank, last_report_date, id) backwards is the colour list's order: no sort, keyset pages.
            models.Index(fields=["is_current", "subject_type", "colour_rank", "last_report_date", "id"], name="colour_list_idx"),
            models.Index(fields=["is_current", "subject_type", "wijk", "colour_rank", "last_report_date", "id"], name="colour_wijk_idx"),
            models.Index(fields=["subject_key", "evaluated_at"], name="colour_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_key}: {self.colour} ({self.ruleset_version})"


class Hulptraject(models.Model):
    """Help or a service for an address or household; recidive is a new report after one was closed."""

    SOORTEN = [
        ("vt_veiligheidsbeoordeling", "Veilig Thuis: veiligheidsbeoordeling"),
        ("vt_onderzoek", "Veilig Thuis: onderzoek"),
        ("vt_voorwaarden_vervolg", "Veilig Thuis: voorwaarden en vervolg"),
        ("vt_monitoring", "Veilig Thuis: monitoring"),
        ("wijkteam", "Wijkteam / Toegang: ondersteuning"),
        ("jeugdhulp", "Jeugdhulp"),
        ("ggz_verslavingszorg", "GGZ / verslavingszorg"),
        ("daderhulp", "Hulp aan pleger (bijv. na huisverbod)"),
        ("reclassering", "Reclassering"),
        ("opvang", "Vrouwen- / maatschappelijke opvang"),
        ("overig", "Overige hulp"),
    ]
    UITKOMSTEN = [
        ("doelen_bereikt", "Afgesloten: doelen bereikt"),
        ("voortijdig", "Afgesloten: voortijdig beëindigd"),
        ("overgedragen", "Afgesloten: overgedragen"),
        ("geen_medewerking", "Afgesloten: geen medewerking"),
    ]
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="hulptrajecten")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="hulptrajecten")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="hulptrajecten")
    soort = models.CharField(max_length=30, choices=SOORTEN)
    start = models.DateField()
    einde = models.DateField(null=True, blank=True, help_text="Leeg zolang de hulp loopt")
    uitkomst = models.CharField(max_length=20, choices=UITKOMSTEN, blank=True)
    toelichting = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(address__isnull=False) | Q(household__isnull=False), name="hulptraject_has_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()} vanaf {self.start:%d-%m-%Y}"

    @property
    def is_closed(self) -> bool:
        return self.einde is not None


class WorklistItem(models.Model):
    STATUS = [("open", "Open"), ("afgehandeld", "Afgehandeld")]
    kind = models.CharField(max_length=20, choices=WORK_KINDS)
    subject_type = models.CharField(max_length=10, choices=SUBJECTS)
    subject_key = models.CharField(max_length=40)
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    trigger_report = models.ForeignKey("registry.Report", on_delete=models.CASCADE, related_name="+")
    trigger_date = models.DateField()
    text = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    ruleset_version = models.CharField(max_length=40)
    wijk = models.ForeignKey("geo.Wijk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gemeente = models.ForeignKey("geo.Gemeente", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detected_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=STATUS, default="open")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.CharField(max_length=200, blank=True, help_text="Wat is er afgesproken (geen persoonsgegevens)")

    class Meta:
        ordering = ["-trigger_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "trigger_report"], name="worklist_item_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "trigger_date"], name="worklist_open_idx"),
            models.Index(fields=["subject_key", "status"], name="worklist_subject_idx"),
        ]


class Signal(models.Model):
    """A professional's registration that their organisation is involved (verwijsindex): no content."""

    CATEGORIES = [
        ("zorg_veiligheid", "Zorgen over veiligheid thuis"),
        ("opvoeding", "Opvoed- en opgroeiproblemen"),
        ("school", "Schoolverzuim / onderwijs"),
        ("gezondheid", "Gezondheid"),
        ("financien", "Financiële problemen"),
        ("politie", "Politiecontact"),
        ("overig", "Overig"),
    ]
    WITHDRAW_REASONS = [
        ("onterecht", "Signaal was onterecht"),
        ("risico_weg", "Het risico is weggenomen"),
        ("overleden", "Betrokkene is overleden"),
        ("overig", "Andere reden"),
    ]
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="signals")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    contact_naam = models.CharField(max_length=120)
    contact_telefoon = models.CharField(max_length=40)
    contact_email = models.EmailField(blank=True)
    datum = models.DateField()
    categorie = models.CharField(max_length=30, choices=CATEGORIES, blank=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="signals")
    linked_person = models.ForeignKey("linkage.LinkedPerson", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals")
    link_method = models.CharField(max_length=20, blank=True)
    expires_on = models.DateField(db_index=True)
    legal_basis = models.CharField(max_length=200, blank=True, help_text="For adults: the convenant in force")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=20, choices=WITHDRAW_REASONS, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-datum", "-id"]

    def __str__(self) -> str:  # never a name
        return f"Signaal #{self.pk}"


class SignalMatch(models.Model):
    """Signals of ≥2 organisations on one person or household; the coordinator's inbox item."""

    LEVELS = [("persoon", "Persoon"), ("huishouden", "Huishouden")]
    STATUS = [("nieuw", "Nieuw"), ("in_behandeling", "In behandeling"), ("regie_belegd", "Regie belegd")]
    level = models.CharField(max_length=12, choices=LEVELS)
    subject_key = models.CharField(max_length=40)
    linked_person = models.ForeignKey("linkage.LinkedPerson", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    signals = models.ManyToManyField(Signal, related_name="matches")
    organisations = models.ManyToManyField("registry.Organisation", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Set when fewer than two organisations remain active")
    status = models.CharField(max_length=16, choices=STATUS, default="nieuw")
    regie_organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coordinator_note = models.CharField(max_length=200, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["subject_key"], condition=Q(ended_at__isnull=True), name="signalmatch_one_active"),
        ]


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
