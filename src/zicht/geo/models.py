"""CBS geography: gemeente, wijk and buurt with their codes, names, boundaries and key figures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gemeente(models.Model):
    code = models.CharField(max_length=6, primary_key=True, help_text="CBS code, GM####")  # i18n: not UI
    naam = models.CharField(max_length=120)
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, WGS84")  # i18n: not UI
    ggd_regio = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["naam"]
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class VtRegio(models.Model):
    """One of the 26 Veilig Thuis regions. Its gemeenten change by year: see ``VtRegioGemeente``."""

    code = models.SlugField(max_length=40, primary_key=True, help_text="Stable key, e.g. midden-brabant")  # i18n: not UI
    naam = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["naam"]
        verbose_name = _("Veilig Thuis-regio")
        verbose_name_plural = _("Veilig Thuis-regio's")

    def __str__(self) -> str:
        return self.naam


class VtRegioGemeente(models.Model):
    """A gemeente belongs to a VT region from ``van_jaar`` through ``tot_jaar`` (empty: still).

    Keyed by the CBS gemeentecode, not a foreign key: gemeenten that merged away (Weesp, Brielle)
    keep their history although the current indeling no longer has them. The rule that reads these
    rows is ``zicht.geo.regions`` (pure, table-tested).
    """

    regio = models.ForeignKey(VtRegio, on_delete=models.PROTECT, related_name="lidmaatschappen")
    gemeente_code = models.CharField(max_length=6, db_index=True)
    gemeente_naam = models.CharField(max_length=120)
    van_jaar = models.PositiveSmallIntegerField()
    tot_jaar = models.PositiveSmallIntegerField(null=True, blank=True)
    bevestigd = models.BooleanField(default=False, help_text=_("Gecontroleerd tegen een gepubliceerde VT-lijst"))
    bron = models.CharField(max_length=300)
    handmatig = models.BooleanField(default=False, help_text=_("Door de functioneel beheerder gewijzigd; load-geo laat de rij staan"))

    class Meta:
        ordering = ["regio", "gemeente_naam", "van_jaar"]
        constraints = [models.UniqueConstraint(fields=["gemeente_code", "van_jaar"], name="vtregio_gemeente_van_unique")]

    def __str__(self) -> str:
        tot = self.tot_jaar or "…"
        return f"{self.gemeente_naam} in {self.regio_id} ({self.van_jaar}–{tot})"


class Wijk(models.Model):
    code = models.CharField(max_length=8, primary_key=True, help_text="CBS code, WK######")  # i18n: not UI
    naam = models.CharField(max_length=120)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="wijken")
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("wijken")

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class Buurt(models.Model):
    code = models.CharField(max_length=10, primary_key=True, help_text="CBS code, BU########")  # i18n: not UI
    naam = models.CharField(max_length=120)
    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="buurten")
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="buurten")
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("buurten")

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class Kerncijfer(models.Model):
    """One CBS key figure for one area and year (long format: new indicators need no migration).

    ``value`` is NULL when CBS published '.', an empty cell or a secret value:
    missing is never zero.
    """

    area_code = models.CharField(max_length=10, db_index=True)
    jaar = models.PositiveSmallIntegerField()
    indicator = models.CharField(max_length=80)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    bron = models.CharField(max_length=80, help_text="CBS table or file the value came from")  # i18n: not UI

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_code", "jaar", "indicator"], name="kerncijfer_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "jaar"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.jaar} {self.indicator}={self.value}"
