"""Linked persons and households: which source persons are the same human, and who lives together.

These tables are the contract other apps read (casework, signal stacking):
``PersonLink.linked_person`` says which cluster a registry person belongs to;
``HouseholdMember`` says which household a linked person belongs to over time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.core.i18n import lazy_choices

from . import reasons


class LinkedPerson(models.Model):
    """One real person as Zicht believes: a cluster of registry persons."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return gettext("Gekoppelde persoon #%(pk)s") % {"pk": self.pk}


class PersonLink(models.Model):
    METHODS = [
        ("bsn", _("Gelijke BSN-hash")),
        ("model", _("Probabilistisch model")),
        ("review", _("Beoordeling ketenregisseur")),
        ("single", _("Geen koppeling gevonden")),
    ]
    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="link")
    linked_person = models.ForeignKey(LinkedPerson, on_delete=models.PROTECT, related_name="links")
    method = models.CharField(max_length=10, choices=METHODS)
    match_weight = models.FloatField(null=True, blank=True, help_text="Best match weight to the cluster")  # i18n: not UI
    updated_at = models.DateTimeField(auto_now=True)


class Household(models.Model):
    """A household keeps its identity when members move."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return gettext("Huishouden #%(pk)s") % {"pk": self.pk}


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    linked_person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="households")
    address = models.ForeignKey("registry.Address", null=True, blank=True, on_delete=models.SET_NULL)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)


class LinkageModel(models.Model):
    """A trained person-linkage model (Splink settings with m/u) and the thresholds it ran with.

    The newest active model scores incremental links, so a new report is judged by the
    same parameters as the last batch run.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    params = models.JSONField(help_text="zicht.linkage.engine.ModelParams.to_dict()")  # i18n: not UI
    link_threshold = models.FloatField()
    review_threshold = models.FloatField()
    records = models.PositiveIntegerField(default=0, help_text="Persons the model was trained on")  # i18n: not UI
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Koppelmodel #{self.pk} ({self.created_at:%Y-%m-%d})"


class LinkageRun(models.Model):
    KINDS = [("batch", _("Volledige koppeling")), ("incremental", _("Nieuwe personen"))]
    kind = models.CharField(max_length=12, choices=KINDS)
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    persons = models.PositiveIntegerField(default=0)
    pairs_compared = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    review_pairs = models.PositiveIntegerField(default=0)
    linked_persons = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at"]


class BlockingKey(models.Model):
    """A keyed 64-bit digest of one blocking key of one person: the persisted incremental index.

    Keyed with the BSN hash key, so the table reveals no names or dates.
    """

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="blocking_keys")
    rule = models.PositiveSmallIntegerField()
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["rule", "digest"])]


class ReviewPair(models.Model):
    """Two registry persons whose match weight lies between the thresholds: the ketenregisseur decides."""

    STATUS = [
        ("open", _("Te beoordelen")),
        ("accepted", _("Zelfde persoon")),
        ("rejected", _("Verschillende personen")),
        ("superseded", _("Vervallen")),
    ]
    person_a = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    prior_weight = models.FloatField(default=0)
    contributions = models.JSONField(default=list, help_text="[{field, label, level, weight}] per comparison")  # i18n: not UI
    status = models.CharField(max_length=12, choices=STATUS, default="open", db_index=True)
    priority = models.PositiveSmallIntegerField(
        default=0,
        help_text="zicht.linkage.priority: 2 oranje/rood adres of signaal, 1 koppeling tegengehouden, 0 onzeker",  # i18n: not UI
    )
    boundary_distance = models.FloatField(default=0, help_text="|match weight − link threshold|: smaller is less certain")  # i18n: not UI
    reason = models.CharField(
        max_length=20,
        blank=True,
        default="",
        choices=lazy_choices(reasons.CHOICES),
        help_text="zicht.linkage.reasons: why the pair waits (weak match, a rule that kept it apart)",  # i18n: not UI
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # the queue's order (zicht.linkage.priority.sort_key), served by the index below
        ordering = ["-priority", "boundary_distance", "id"]
        constraints = [models.UniqueConstraint(fields=["person_a", "person_b"], name="reviewpair_unique")]
        indexes = [models.Index(fields=["status", "-priority", "boundary_distance", "id"], name="reviewpair_queue_idx")]

    def __str__(self) -> str:
        return gettext("Koppelpaar #%(pk)s") % {"pk": self.pk}

    @property
    def probability(self) -> float:
        return 1 - 1 / (1 + 2**self.match_weight)


class LinkDecision(models.Model):
    """A manual decision on two persons: same person (link), different persons (no_link) or a split.

    Decisions are never deleted: undoing one sets ``revoked_at``; every re-link applies
    the active ones, so they survive retraining and new imports.
    """

    KINDS = [("link", _("Samenvoegen: zelfde persoon")), ("no_link", _("Niet koppelen: verschillende personen"))]
    ORIGINS = [("review", _("Beoordeling koppelpaar")), ("split", _("Losmaken uit gekoppelde persoon"))]
    person_a = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=KINDS)
    origin = models.CharField(max_length=8, choices=ORIGINS, default="review")
    review_pair = models.ForeignKey(ReviewPair, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Besluit #{self.pk} ({self.get_kind_display()})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PersonFeatures(models.Model):
    """The comparison features of one registry person, nothing readable: what a delivery's candidate
    step scores without decrypting (``zicht.linkage.stored_features``).

    Text features are keyed 64-bit digests (0 = missing), the day numbers of the date of birth are
    shifted by a secret offset. Written at every link (batch, delivery, arrival)."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, primary_key=True, related_name="+")
    given1 = models.BigIntegerField(default=0)
    given_ph = models.BigIntegerField(default=0)
    init1 = models.BigIntegerField(default=0)
    sn_core = models.BigIntegerField(default=0)
    sn_compact = models.BigIntegerField(default=0)
    sn_ph = models.BigIntegerField(default=0)
    sn_first = models.BigIntegerField(default=0)
    dob = models.BigIntegerField(default=0)
    dob_swap = models.BigIntegerField(default=0)
    dob_y = models.BigIntegerField(default=0)
    dob_m = models.BigIntegerField(default=0)
    dob_d = models.BigIntegerField(default=0)
    gender = models.BigIntegerField(default=0)
    pc = models.BigIntegerField(default=0)
    pc4 = models.BigIntegerField(default=0)
    hnr = models.BigIntegerField(default=0)
    street = models.BigIntegerField(default=0)
    city = models.BigIntegerField(default=0)
    xid = models.BigIntegerField(default=0)
    given_t1 = models.BigIntegerField(default=0)
    given_t2 = models.BigIntegerField(default=0)
    given_t3 = models.BigIntegerField(default=0)
    given_t4 = models.BigIntegerField(default=0)
    given_n = models.PositiveSmallIntegerField(default=0)
    dob_days = models.BigIntegerField(default=0)
    dob_yi = models.BigIntegerField(default=0)
    # sketches that bound Jaro-Winkler from above (stored_features.jw_upper): keyed letter-bucket counts, length and prefix digests
    given1_hist = models.BigIntegerField(default=0)
    given1_pre = models.BigIntegerField(default=0)
    sn_core_hist = models.BigIntegerField(default=0)
    sn_core_pre = models.BigIntegerField(default=0)
    city_hist = models.BigIntegerField(default=0)
    city_pre = models.BigIntegerField(default=0)
