"""Prevention: the intervention catalogue, partners' bouwstenen, the gemeente matrix and plans.

Nothing here is about individuals: plans, partners and interventions are policy data. Plan
versions are immutable snapshots so that a vastgesteld plan can always be shown as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.geo.models import Gemeente, VtRegio, Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .domain import catalogue as cat
from .domain import meldcode_map as mm
from .domain import regional as reg
from .labels import translated


class Intervention(models.Model):
    """One intervention or instrument as the databanks describe it."""

    HERKOMST = [("pakket", _("Meegeleverde catalogus")), ("import", _("CSV-import")), ("handmatig", _("Handmatig toegevoegd"))]

    slug = models.SlugField(max_length=80, unique=True)
    naam = models.CharField(max_length=200)
    soort = models.CharField(max_length=12, choices=translated(cat.SOORTEN), default="interventie")
    beschrijving = models.TextField()
    preventietypes = models.JSONField(default=list, blank=True, help_text="Empty: onbekend")  # i18n: not UI
    doelgroep = models.TextField(blank=True)
    leeftijd_min = models.PositiveSmallIntegerField(null=True, blank=True)
    leeftijd_max = models.PositiveSmallIntegerField(null=True, blank=True)
    setting = models.JSONField(default=list, blank=True)
    risicofactoren = models.JSONField(default=list, blank=True)
    bouwstenen = models.JSONField(default=list, blank=True)
    erkenningsniveau = models.CharField(max_length=24, choices=translated(cat.ERKENNINGSNIVEAUS), default="onbekend")
    erkenningsdatum = models.CharField(max_length=10, blank=True, help_text="JJJJ or JJJJ-MM-DD, as precise as the source")  # i18n: not UI
    erkenning_toelichting = models.TextField(blank=True)
    erkenning_bron = models.TextField(
        blank=True,
        help_text="Where level and date are stated (URLs); empty when no source was found",  # i18n: not UI
    )
    bron = models.TextField(help_text="Source URL(s) or document")  # i18n: not UI
    toelichting = models.TextField(blank=True, help_text="Where each classification comes from")  # i18n: not UI
    herkomst = models.CharField(max_length=10, choices=HERKOMST, default="handmatig")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam

    def as_entry(self) -> dict:
        """The plain dict the pure domain functions work on."""
        return {
            "slug": self.slug,
            "naam": self.naam,
            "soort": self.soort,
            "beschrijving": self.beschrijving,
            "preventietypes": list(self.preventietypes),
            "doelgroep": self.doelgroep,
            "leeftijd_min": self.leeftijd_min,
            "leeftijd_max": self.leeftijd_max,
            "setting": list(self.setting),
            "risicofactoren": list(self.risicofactoren),
            "bouwstenen": list(self.bouwstenen),
            "erkenningsniveau": self.erkenningsniveau,
            "erkenningsdatum": self.erkenningsdatum,
            "erkenning_toelichting": self.erkenning_toelichting,
            "erkenning_bron": self.erkenning_bron,
            "bron": self.bron,
            "toelichting": self.toelichting,
        }

    @property
    def erkenning(self):
        return cat.parse_erkenningsdatum(self.erkenningsdatum)


class PartnerProfile(models.Model):
    """What an organisation contributes to prevention: its partner type, bouwstenen and aanbod."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="prevention_profile")
    partnertype = models.CharField(max_length=20, choices=translated(bs.PARTNER_TYPES))
    bouwstenen = models.JSONField(default=list, blank=True)
    interventies = models.ManyToManyField(Intervention, blank=True, related_name="aanbieders")
    doelgroepen = models.TextField(blank=True, help_text="Which groups the organisation reaches")  # i18n: not UI
    toelichting = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__naam"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_partnertype_display()})"


class MatrixCell(models.Model):
    """The gemeente's own partners × bouwstenen matrix (defaults: seed 003 §9.6)."""

    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="preventie_matrix")
    partnertype = models.CharField(max_length=20, choices=translated(bs.PARTNER_TYPES))
    bouwstenen = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gemeente", "partnertype"], name="prevention_matrix_unique")]


class PreventionPlan(models.Model):
    """A prevention plan for a gemeente or one wijk, or a regional plan of a Veilig Thuis region
    (its regional agreements apply in every gemeente of the region), in the format of seed 000 §4.1."""

    STATUS = [("concept", _("Concept")), ("vastgesteld", _("Vastgesteld"))]

    titel = models.CharField(max_length=200)
    gemeente = models.ForeignKey(Gemeente, null=True, blank=True, on_delete=models.PROTECT, related_name="preventieplannen")
    regio = models.ForeignKey(
        VtRegio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="preventieplannen",
        help_text="Regional plan: no gemeente",  # i18n: not UI
    )
    wijk = models.ForeignKey(Wijk, null=True, blank=True, on_delete=models.PROTECT, related_name="preventieplannen")
    periode = models.CharField(max_length=40, blank=True, help_text="e.g. 2026–2028")
    status = models.CharField(max_length=12, choices=STATUS, default="concept")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(gemeente__isnull=False, regio__isnull=True)
                    | models.Q(gemeente__isnull=True, regio__isnull=False, wijk__isnull=True)
                ),
                name="prevention_plan_gemeente_or_regio",
            )
        ]

    def __str__(self) -> str:
        return self.titel

    @property
    def is_regional(self) -> bool:
        return self.regio_id is not None and self.gemeente_id is None

    @property
    def area_code(self) -> str:
        return self.wijk_id or self.gemeente_id or self.regio_id

    @property
    def area_name(self) -> str:
        if self.is_regional:
            return f"regio {self.regio.naam}"
        return self.wijk.naam if self.wijk_id else self.gemeente.naam


class PlanSection(models.Model):
    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=40)
    tekst = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_section_unique")]


class PlanIntervention(models.Model):
    """One line of the plan: an intervention (from the catalogue or the plan's own), who, with whom, budget."""

    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="lines")
    intervention = models.ForeignKey(Intervention, null=True, blank=True, on_delete=models.PROTECT)
    schaal = models.CharField(
        max_length=10,
        choices=translated(reg.SCHALEN),
        default=reg.LOKAAL,
        help_text="Regional agreement (whole VT region) or local",  # i18n: not UI
    )
    naam = models.CharField(max_length=200, help_text="Own activity, or a copy of the catalogue name")  # i18n: not UI
    doelgroep = models.CharField(max_length=300, blank=True)
    reden = models.TextField(blank=True, help_text="Why: the suggestion's reason or the author's")  # i18n: not UI
    eigenaar = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+")
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    financieringsbron = models.CharField(max_length=200, blank=True)
    planning = models.CharField(max_length=200, blank=True)
    volgorde = models.PositiveSmallIntegerField(default=0)
    # Reach and fidelity (Movisie: "uitgevoerd zoals bedoeld?"), filled in during and after delivery.
    FIDELITY = [("ja", _("Ja")), ("deels", _("Deels")), ("nee", _("Nee"))]
    doelgroep_omvang = models.PositiveIntegerField(null=True, blank=True, help_text="Size of the target group")  # i18n: not UI
    bereikt = models.PositiveIntegerField(null=True, blank=True, help_text="Participants reached")  # i18n: not UI
    bijeenkomsten = models.PositiveIntegerField(null=True, blank=True, help_text="Sessions held")  # i18n: not UI
    zoals_bedoeld = models.CharField(max_length=5, choices=FIDELITY, blank=True)
    uitvoering_toelichting = models.TextField(blank=True)
    uitvoering_van = models.DateField(null=True, blank=True)
    uitvoering_tot = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["volgorde", "id"]


class PlanIndicator(models.Model):
    """An evaluation indicator with baseline and target (seed 000: evaluatie en borging)."""

    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="indicators")
    naam = models.CharField(max_length=200)
    soort = models.CharField(max_length=10, choices=[("proces", _("Proces")), ("effect", _("Effect"))], default="effect")
    eenheid = models.CharField(max_length=40, blank=True)
    baseline = models.CharField(max_length=60, blank=True)
    baseline_jaar = models.PositiveSmallIntegerField(null=True, blank=True)
    streefwaarde = models.CharField(max_length=60, blank=True)
    streefjaar = models.PositiveSmallIntegerField(null=True, blank=True)
    bron = models.CharField(max_length=200, blank=True)
    # What the indicator measures: free text (as before), a registry figure Zicht computes for the
    # plan's area, a CBS key figure, or values entered by hand (IndicatorMeting).
    TYPES = [
        ("tekst", _("Vrije tekst")),
        ("register", _("Cijfer uit het register (Zicht)")),
        ("cbs", _("CBS-cijfer")),
        ("hand", _("Handmatig ingevoerde metingen")),
    ]
    type = models.CharField(max_length=10, choices=TYPES, default="tekst")
    figuur = models.CharField(max_length=40, blank=True, help_text="Registry figure or CBS indicator key")  # i18n: not UI

    class Meta:
        ordering = ["id"]


class IndicatorMeting(models.Model):
    """A measured value entered by hand (participants, sessions, a survey score), with date and source."""

    indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE, related_name="metingen")
    datum = models.DateField()
    waarde = models.FloatField()
    bron = models.CharField(max_length=200)
    toelichting = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["datum", "id"]


class PlanVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Een planversie is onveranderlijk")

    def delete(self):
        raise PermissionError("Een planversie kan niet worden verwijderd")


class PlanVersion(models.Model):
    """An immutable snapshot of a plan (all sections, lines and indicators) as it was saved."""

    plan = models.ForeignKey(PreventionPlan, on_delete=models.PROTECT, related_name="versions")
    nummer = models.PositiveIntegerField()
    snapshot = models.JSONField()
    opmerking = models.CharField(max_length=300, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-nummer"]
        constraints = [models.UniqueConstraint(fields=["plan", "nummer"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.nummer}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Een planversie is onveranderlijk")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Een planversie kan niet worden verwijderd")


class MeldcodeStatus(models.Model):
    """How far an organisation is with the meldcode (the Zuid-Limburg organisation map): has a
    meldcode, has an aandachtsfunctionaris, is that person trained, are the staff trained. The
    traffic light itself stays ``Organisation.meldcode_stoplicht``. Imported through a profile
    (``zicht.prevention.orgimport``) or edited by hand; no personal data (no names of people)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="meldcode_status")
    sector = models.CharField(max_length=30, choices=translated(mm.SECTORS), default="overig")
    meldcode = models.CharField(
        max_length=8,
        choices=translated(mm.JA_NEE),
        default=mm.ONBEKEND,
        help_text="Has its own meldcode",  # i18n: not UI
    )
    aandachtsfunctionaris = models.CharField(max_length=8, choices=translated(mm.JA_NEE), default=mm.ONBEKEND)
    af_getraind = models.CharField(
        max_length=8,
        choices=translated(mm.JA_NEE),
        default=mm.ONBEKEND,
        help_text="Aandachtsfunctionaris trained",  # i18n: not UI
    )
    medewerkers_getraind = models.CharField(max_length=8, choices=translated(mm.JA_NEE), default=mm.ONBEKEND)
    peildatum = models.DateField(null=True, blank=True)
    bron = models.CharField(max_length=200, blank=True, help_text="File (and profile) the status came from")  # i18n: not UI
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["sector"], name="prevention_mcs_sector")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.get_sector_display()}"
