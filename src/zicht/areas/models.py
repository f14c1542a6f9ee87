"""The one table of zicht.areas: the protected set's suppression repairs, persisted.

Building a gemeente's protected set (``zicht.areas.figures.canonical``) means playing the
differencing attacker until nothing leaks; at demo size that takes tens of seconds per year. The
outcome is small: the cells suppressed on top of the rules (the repairs). It depends only on the
gemeente, the year, the disclosure policy and the exact base counts, which together hash to
``digest`` (the data version of that gemeente and year). Stored here, every process and every
restart reuses it: the first page after a server start rebuilds the tables in one pass, without
the attacker. A new import changes the counts, so the digest, so it is solved again (and the
post-processing step of ``zicht.areas.warm`` does that right after the import).

No personal data: wijk, buurt and month codes and breakdown values, never a count.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectedSetRepairs(models.Model):
    digest = models.CharField(max_length=64, unique=True, help_text=_("sha256 of gemeente, wijken, buurten, year, policy and base counts"))
    gemeente_code = models.CharField(max_length=6)
    jaar = models.PositiveSmallIntegerField()
    repairs = models.JSONField(help_text=_("Cells suppressed on top of the rules, per table of the set"))
    build_seconds = models.FloatField(default=0.0, help_text=_("Time the attacker rounds took when it was solved"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["gemeente_code", "jaar", "created_at"], name="areas_repairs_gm_year")]
        verbose_name = _("beveiligde set (herstelde cellen)")
        verbose_name_plural = _("beveiligde sets (herstelde cellen)")

    def __str__(self) -> str:
        return f"{self.gemeente_code} {self.jaar} ({self.digest[:12]})"
