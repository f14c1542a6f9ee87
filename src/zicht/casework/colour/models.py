"""Colour code storage: colour results with history, help trajectories and worklist items.

The rules live in ``casework.domain`` (pure) and ``casework/rules`` (configuration); these
tables keep what the rules concluded, when, under which rule-set version, and what people did
with it. App label ``casework`` (the tables are unchanged by the split into parts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zicht.core.fields import EncryptedTextField
from zicht.core.i18n import lazy_choices

from ..domain.colour import COLOUR_LABELS, COLOURS
from ..domain.subjects import subject_key  # noqa: F401  (re-exported: the storage's key format)
from ..domain.worklists import KINDS as WORK_KINDS

COLOUR_CHOICES = lazy_choices((c, COLOUR_LABELS[c]) for c in COLOURS)
SUBJECTS = [("address", _("Adres")), ("household", _("Huishouden"))]


class Subject(models.Model):
    """What a colour result and a worklist item are about: an address or a household, with the
    wijk and gemeente it is counted in (gemeente for region scoping). Abstract: no table."""

    subject_type = models.CharField(max_length=10, choices=SUBJECTS)
    subject_key = models.CharField(max_length=40)
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    wijk = models.ForeignKey("geo.Wijk", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gemeente = models.ForeignKey("geo.Gemeente", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class ColourResult(Subject):
    """One evaluation of the colour code for one address or household; old rows are kept as history."""

    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="colour_results")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="colour_results")
    colour = models.CharField(max_length=10, choices=COLOUR_CHOICES)
    colour_rank = models.PositiveSmallIntegerField(help_text="0 groen … 3 rood, for sorting")  # i18n: not UI
    ruleset_version = models.CharField(max_length=40)
    ruleset_sha256 = models.CharField(max_length=64)
    reasons = models.JSONField(default=list, help_text="[{rule, colour, text, reports, dates}]")  # i18n: not UI
    rule_ids = models.CharField(max_length=300, blank=True)
    events = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    last_report_date = models.DateField(null=True, blank=True)
    aarden = models.CharField(max_length=300, blank=True, help_text="|aard|aard| of the counted reports, for the filter")  # i18n: not UI
    buurt = models.ForeignKey("geo.Buurt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gemeente = models.ForeignKey(
        "geo.Gemeente",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For region scoping",  # i18n: not UI
    )
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
        ("vt_veiligheidsbeoordeling", _("Veilig Thuis: veiligheidsbeoordeling")),
        ("vt_onderzoek", _("Veilig Thuis: onderzoek")),
        ("vt_voorwaarden_vervolg", _("Veilig Thuis: voorwaarden en vervolg")),
        ("vt_monitoring", _("Veilig Thuis: monitoring")),
        ("wijkteam", _("Wijkteam / Toegang: ondersteuning")),
        ("jeugdhulp", _("Jeugdhulp")),
        ("ggz_verslavingszorg", _("GGZ / verslavingszorg")),
        ("daderhulp", _("Hulp aan pleger (bijv. na huisverbod)")),
        ("reclassering", _("Reclassering")),
        ("opvang", _("Vrouwen- / maatschappelijke opvang")),
        ("overig", _("Overige hulp")),
    ]
    UITKOMSTEN = [
        ("doelen_bereikt", _("Afgesloten: doelen bereikt")),
        ("voortijdig", _("Afgesloten: voortijdig beëindigd")),
        ("overgedragen", _("Afgesloten: overgedragen")),
        ("geen_medewerking", _("Afgesloten: geen medewerking")),
    ]
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.CASCADE, related_name="hulptrajecten")
    household = models.ForeignKey("linkage.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="hulptrajecten")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="hulptrajecten")
    soort = models.CharField(max_length=30, choices=SOORTEN)
    start = models.DateField()
    einde = models.DateField(null=True, blank=True, help_text=_("Leeg zolang de hulp loopt"))
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
        return _("%(soort)s vanaf %(start)s") % {"soort": self.get_soort_display(), "start": f"{self.start:%d-%m-%Y}"}

    @property
    def is_closed(self) -> bool:
        return self.einde is not None


class WorklistItem(Subject):
    STATUS = [("open", _("Open")), ("afgehandeld", _("Afgehandeld"))]
    kind = models.CharField(max_length=20, choices=lazy_choices(WORK_KINDS))
    trigger_report = models.ForeignKey("registry.Report", on_delete=models.CASCADE, related_name="+")
    trigger_date = models.DateField()
    text = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    ruleset_version = models.CharField(max_length=40)
    detected_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=STATUS, default="open")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.CharField(max_length=200, blank=True, help_text=_("Wat is er afgesproken (geen persoonsgegevens)"))

    class Meta:
        ordering = ["-trigger_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_key", "trigger_report"], name="worklist_item_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "trigger_date"], name="worklist_open_idx"),
            models.Index(fields=["subject_key", "status"], name="worklist_subject_idx"),
        ]
