"""CBS geography: gemeente, wijk and buurt with their codes, names, boundaries and key figures."""

from __future__ import annotations

from django.db import models


class Gemeente(models.Model):
    code = models.CharField(max_length=6, primary_key=True, help_text="CBS code, GM####")
    naam = models.CharField(max_length=120)
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, WGS84")
    ggd_regio = models.CharField(max_length=120, blank=True)
    vt_regio = models.CharField(max_length=120, blank=True, help_text="Veilig Thuis-regio")

    class Meta:
        ordering = ["naam"]
        verbose_name_plural = "gemeenten"

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class Wijk(models.Model):
    code = models.CharField(max_length=8, primary_key=True, help_text="CBS code, WK######")
    naam = models.CharField(max_length=120)
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="wijken")
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "wijken"

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"


class Buurt(models.Model):
    code = models.CharField(max_length=10, primary_key=True, help_text="CBS code, BU########")
    naam = models.CharField(max_length=120)
    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="buurten")
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="buurten")
    indeling_jaar = models.PositiveSmallIntegerField()
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "buurten"

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
    bron = models.CharField(max_length=80, help_text="CBS table or file the value came from")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_code", "jaar", "indicator"], name="kerncijfer_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "jaar"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.jaar} {self.indicator}={self.value}"
