"""Knowledge pages in the database, so the functioneel beheerder can edit them, with every version kept.

The Markdown files in ``knowledge/content/`` are the source of a fresh install (loaded by the data
migration and ``zicht load-knowledge``); after that, edits in the UI are the truth and the loader
does not overwrite a page edited in the UI unless told to (``--overschrijf``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain import pages as pages_domain


class KnowledgePage(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    samenvatting = models.CharField(_("samenvatting"), max_length=300, blank=True)
    roles = models.JSONField(_("rollen"), default=list)
    sources = models.JSONField(_("bronnen"), default=list)
    herzien_op = models.DateField(_("herzien op"))
    body = models.TextField(_("tekst (Markdown)"))
    volgorde = models.IntegerField(default=100)
    source_file = models.CharField(max_length=200, blank=True, help_text=_("Bestand in knowledge/content/ waaruit de pagina kwam"))
    edited_in_ui = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["volgorde", "title"]
        verbose_name = _("kennispagina")
        verbose_name_plural = _("kennispagina's")

    def __str__(self) -> str:
        return self.title

    def is_for_role(self, role: str | None) -> bool:
        return pages_domain.is_for_role(self.roles, role)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return pages_domain.is_overdue(self.herzien_op, today or dt.date.today())

    def snapshot(self) -> dict:
        return {
            "title": self.title,
            "samenvatting": self.samenvatting,
            "roles": list(self.roles),
            "sources": list(self.sources),
            "herzien_op": self.herzien_op,
            "body": self.body,
        }


class KnowledgePageVersion(models.Model):
    """One saved state of a page: who changed it, when, why, and the full content after the change."""

    page = models.ForeignKey(KnowledgePage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    samenvatting = models.CharField(max_length=300, blank=True)
    roles = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    herzien_op = models.DateField()
    body = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_by_name = models.CharField(max_length=150, help_text=_("Gebruikersnaam, of 'repository' voor een laadactie"))
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="knowledge_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.page.slug} v{self.number}"
