"""Linked persons and households: which source persons are the same human, and who lives together.

These tables are the contract other apps read (casework, signal stacking):
``PersonLink.linked_person`` says which cluster a registry person belongs to;
``HouseholdMember`` says which household a linked person belongs to over time.
"""

from __future__ import annotations

from django.db import models


class LinkedPerson(models.Model):
    """One real person as Zicht believes: a cluster of registry persons."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Gekoppelde persoon #{self.pk}"


class PersonLink(models.Model):
    METHODS = [
        ("bsn", "Gelijke BSN-hash"),
        ("model", "Probabilistisch model"),
        ("review", "Beoordeling ketenregisseur"),
        ("single", "Geen koppeling gevonden"),
    ]
    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="link")
    linked_person = models.ForeignKey(LinkedPerson, on_delete=models.PROTECT, related_name="links")
    method = models.CharField(max_length=10, choices=METHODS)
    match_weight = models.FloatField(null=True, blank=True, help_text="Best match weight to the cluster")
    updated_at = models.DateTimeField(auto_now=True)


class Household(models.Model):
    """A household keeps its identity when members move."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Huishouden #{self.pk}"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    linked_person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="households")
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.SET_NULL)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
