"""What partners reported: organisations, addresses, persons, reports and import batches.

Direct identifiers (names, date of birth, free text) are encrypted at rest; the
BSN is stored only as a keyed hash. Every record points to the import batch and
source row it came from (provenance).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.core.crypto import bsn_chain_fingerprint
from zicht.core.fields import EncryptedTextField
from zicht.core.i18n import lazy_choices
from zicht.geo.models import Buurt, Gemeente, Wijk

from . import vocab
from .domain import setaside


class Organisation(models.Model):
    code = models.SlugField(max_length=60, unique=True, help_text="Short stable key, used by import profiles")  # i18n: not UI
    naam = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=lazy_choices(vocab.ORGANISATIE_TYPES))
    gemeente = models.ForeignKey(Gemeente, null=True, blank=True, on_delete=models.SET_NULL)
    wijk = models.ForeignKey(Wijk, null=True, blank=True, on_delete=models.SET_NULL)
    regio = models.ForeignKey("geo.VtRegio", null=True, blank=True, on_delete=models.PROTECT, help_text=_("Veilig Thuis-regio"))
    meldcode_stoplicht = models.CharField(max_length=10, choices=lazy_choices(vocab.MELDCODE_STOPLICHT), default="onbekend")
    contact_naam = models.CharField(max_length=120, blank=True)
    contact_telefoon = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class Address(models.Model):
    """A canonical address: PC6 + huisnummer + toevoeging is its key."""

    key = models.CharField(max_length=40, unique=True, help_text="PC6|huisnummer|TOEVOEGING")  # i18n: not UI
    postcode = models.CharField(max_length=6, db_index=True)
    huisnummer = models.PositiveIntegerField()
    toevoeging = models.CharField(max_length=10, blank=True)
    straat = models.CharField(max_length=120, blank=True)
    woonplaats = models.CharField(max_length=80, blank=True)
    buurt = models.ForeignKey(Buurt, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses")

    class Meta:
        ordering = ["postcode", "huisnummer", "toevoeging"]

    def __str__(self) -> str:
        pc = f"{self.postcode[:4]} {self.postcode[4:]}"
        return f"{self.straat} {self.huisnummer}{self.toevoeging}, {pc} {self.woonplaats}".strip()


class AddressRegisterEntry(models.Model):
    """Reference table PC6 + huisnummer → buurt (a BAG / CBS 'buurt per postcode-huisnummer' extract)."""

    postcode = models.CharField(max_length=6)
    huisnummer = models.PositiveIntegerField()
    toevoeging = models.CharField(max_length=10, blank=True)
    straat = models.CharField(max_length=120)
    woonplaats = models.CharField(max_length=80)
    buurt = models.ForeignKey(Buurt, on_delete=models.CASCADE)
    jaar = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postcode", "huisnummer", "toevoeging"], name="adresregister_unique"),
        ]


class ImportBatch(models.Model):
    """One file imported with one profile: what came in, what was rejected, by whom, when."""

    STATUS = [
        ("running", _("Bezig")),
        ("loaded", _("Geladen")),
        ("partial", _("Deels geladen")),
        ("rejected", _("Afgewezen")),
        ("failed", _("Mislukt")),
        ("duplicate", _("Al eerder geladen")),
        ("interrupted", _("Onderbroken")),
    ]
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    profile = models.CharField(max_length=80)
    profile_sha256 = models.CharField(max_length=64)
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="import_batches")
    status = models.CharField(max_length=12, choices=STATUS, default="running")
    rows_total = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    reports_created = models.PositiveIntegerField(default=0)
    reports_already_present = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    reports_corrected = models.PositiveIntegerField(
        default=0, help_text="Records delivered again with changed content (RecordChange)"
    )  # i18n: not UI
    reports_withdrawn = models.PositiveIntegerField(
        default=0, help_text="Records withdrawn or voided by the source in this delivery"
    )  # i18n: not UI
    addresses_created = models.PositiveIntegerField(default=0)
    addresses_unmatched = models.PositiveIntegerField(default=0, help_text="New addresses without buurt")  # i18n: not UI
    addresses_incomplete = models.PositiveIntegerField(
        default=0, help_text="Rows loaded without address: postcode or huisnummer missing"
    )  # i18n: not UI
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_set_aside = models.PositiveIntegerField(
        default=0,
        help_text="Rows loaded with an invalid auxiliary value set aside (BSN, date of birth, gender, address)",  # i18n: not UI
    )
    set_aside = models.JSONField(
        default=list,
        blank=True,
        help_text="[{row, field, reason}] of the set-aside values, without values (first 1000)",  # i18n: not UI
    )
    incidents_partial = models.JSONField(
        default=list,
        blank=True,
        help_text="[{record, rows}]: records loaded without some rejected rows (--accept-partial)",  # i18n: not UI
    )
    accept_partial = models.BooleanField(default=False, help_text="Valid rows loaded even if others were rejected")  # i18n: not UI
    message = models.CharField(max_length=500, blank=True, help_text="Outcome in one sentence, without personal values")  # i18n: not UI
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rejects = models.JSONField(
        default=list,
        blank=True,
        help_text="[{row, field, reason}] without personal values (first 1000; rows_rejected counts all)",  # i18n: not UI
    )
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_duplicate = models.PositiveIntegerField(default=0, help_text="Exact duplicate lines skipped (domain.duplicates)")  # i18n: not UI
    encoding = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="Text encoding recognised (no encoding in the profile, not UTF-8), e.g. cp1252",  # i18n: not UI
    )
    # The process that runs the import (registry.interrupted): a 'running' batch whose process is
    # gone was interrupted (killed, crashed machine) and is marked so at the next start.
    worker_host = models.CharField(max_length=255, blank=True, default="")
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    worker_started = models.FloatField(
        null=True, blank=True, help_text="Start of the importing process (seconds since the epoch)"
    )  # i18n: not UI
    postprocess_error = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="Linking/recolouring after the import failed: step and error class, no values (zicht retry-batch N)",  # i18n: not UI
    )
    postprocess_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Linking and colouring left to `zicht postprocess` (outside the web request)",  # i18n: not UI
    )
    linked_at = models.DateTimeField(null=True, blank=True, help_text="When linking the batch's persons finished")  # i18n: not UI
    coloured_at = models.DateTimeField(null=True, blank=True, help_text="When recolouring what the batch touched finished")  # i18n: not UI

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.profile}, {self.status})"

    @property
    def postprocess_pending(self) -> bool:
        """Loaded, with linking or colouring still to run (``zicht postprocess``)."""
        return (
            self.postprocess_queued_at is not None and not self.postprocess_error and (self.linked_at is None or self.coloured_at is None)
        )

    @property
    def postprocess_failed(self) -> bool:
        """'Nabewerking mislukt': loaded, but linking or recolouring did not complete."""
        return bool(self.postprocess_error)


class Person(models.Model):
    """A person as one source reported them. Linkage groups these into linked persons."""

    # No index of its own: the unique (source, source_key) constraint leads with it.
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="persons", db_index=False)
    source_key = models.CharField(max_length=120, help_text="The source's own person key, or record id + party number")  # i18n: not UI
    bsn_hash = models.CharField(max_length=64, blank=True, db_index=True)
    voornamen = EncryptedTextField(blank=True)
    tussenvoegsel = EncryptedTextField(blank=True)
    achternaam = EncryptedTextField(blank=True)
    voorletters = EncryptedTextField(blank=True, help_text="'P.J.': from the source, or derived from voornamen")  # i18n: not UI
    geboortedatum = EncryptedTextField(blank=True, help_text="ISO date, encrypted")  # i18n: not UI
    geslacht = models.CharField(max_length=1, choices=lazy_choices(vocab.GESLACHT), blank=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="persons")
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)
    source_row = models.PositiveIntegerField(null=True, blank=True, help_text="Row in the source file (header = row 1)")  # i18n: not UI
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_key"], name="person_source_unique")]

    def __str__(self) -> str:  # never a name: __str__ ends up in logs and admin breadcrumbs
        return f"Persoon #{self.pk}"


class ReportQuerySet(models.QuerySet):
    def current(self):
        """Reports not withdrawn by their source (THE rule; see ``CurrentReportManager``)."""
        return self.filter(withdrawn_at__isnull=True)


class CurrentReportManager(models.Manager.from_queryset(ReportQuerySet)):
    """``Report.objects``: only the current reports — not withdrawn or voided by their source.

    One rule in one place (issue 13): a withdrawn record leaves the colour, the worklists, the
    area figures and recidive because every ORM reader of reports goes through this default
    manager (and ``ReportParty.objects`` through ``CurrentPartyManager``). Raw SQL readers add
    ``current_report_sql(alias)``. The history (``RecordChange``), the record page and retention
    use ``Report.all_objects``.
    """

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


def current_report_sql(alias: str) -> str:
    """The same rule for raw SQL on the report table under ``alias`` (no parameters)."""
    return f"{alias}.withdrawn_at IS NULL"


class Report(models.Model):
    """An incident, melding, advies or signaal as a partner registered it.

    A re-delivery under the same registratienummer with changed content is a correction: the
    report (and its persons) are updated in place, the previous values kept encrypted in
    ``RecordChange`` (registry.corrections). A withdrawn or voided record keeps its row with
    ``withdrawn_at`` set and leaves every figure (``Report.objects``).
    """

    # source, address and buurt have no index of their own: the unique constraint and the
    # (address, datum) and (buurt, datum) indexes lead with them. Fewer indexes, faster imports.
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports", db_index=False)
    source_record_id = models.CharField(max_length=80)
    soort = models.CharField(max_length=10, choices=lazy_choices(vocab.REPORT_KINDS), db_index=True)
    datum = models.DateField(db_index=True)
    aard = models.CharField(max_length=30, choices=lazy_choices(vocab.AARD_GEWELD), default="onbekend")
    vormen = models.JSONField(default=list, blank=True, help_text="Subset of GEWELDSVORMEN codes")  # i18n: not UI
    relatie = models.CharField(max_length=20, choices=lazy_choices(vocab.RELATIES), default="onbekend")
    kinderen_aanwezig = models.BooleanField(null=True)
    letsel = models.BooleanField(null=True)
    wapen = models.BooleanField(null=True)
    huisverbod = models.BooleanField(null=True)
    hoedanigheid_melder = models.CharField(max_length=20, choices=lazy_choices(vocab.HOEDANIGHEID_MELDER), blank=True)
    categorie = models.CharField(max_length=80, blank=True, help_text="Signal category (no content)")  # i18n: not UI
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", db_index=False)
    buurt = models.ForeignKey(Buurt, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", db_index=False)
    toelichting = EncryptedTextField(blank=True, help_text="Free text: encrypted, never used in analytics")  # i18n: not UI
    contact_medewerker = EncryptedTextField(blank=True, help_text="Who to call at the source about this signal")  # i18n: not UI
    contact_telefoon = EncryptedTextField(blank=True)
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    source_rows = models.CharField(
        max_length=120, blank=True, help_text="Rows in the source file (header = row 1), e.g. '2-5'"
    )  # i18n: not UI
    created_at = models.DateTimeField(auto_now_add=True)
    corrected_at = models.DateTimeField(null=True, blank=True, help_text="Last correction by a re-delivery (RecordChange)")  # i18n: not UI
    content_digest = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="Keyed digest of the last delivered version: an unchanged re-delivery is recognised without decrypting",  # i18n: not UI
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="Withdrawn or voided by the source: in no figure")  # i18n: not UI
    withdrawn_by_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CurrentReportManager()
    all_objects = models.Manager.from_queryset(ReportQuerySet)()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [models.UniqueConstraint(fields=["source", "source_record_id"], name="report_source_unique")]
        indexes = [models.Index(fields=["buurt", "datum"]), models.Index(fields=["address", "datum"])]
        ordering = ["-datum"]

    def __str__(self) -> str:
        return f"{self.get_soort_display()} {self.source_record_id}"


class CurrentPartyManager(models.Manager):
    """``ReportParty.objects``: the parties of current reports only (the rule of ``CurrentReportManager``)."""

    def get_queryset(self):
        return super().get_queryset().filter(report__withdrawn_at__isnull=True)


class ReportParty(models.Model):
    # No index of its own: the unique (report, person, rol) constraint leads with it.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="parties", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    rol = models.CharField(max_length=12, choices=lazy_choices(vocab.ROLLEN))

    all_objects = models.Manager()
    objects = CurrentPartyManager()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [models.UniqueConstraint(fields=["report", "person", "rol"], name="party_unique")]


class BsnKeyState(models.Model):
    """Which BSN-hash key chain the stored hashes were made with (one row; see zicht rotate-bsn-key).

    Holds the chain's fingerprint (its hash of a BSN nobody has), never a key. An import refuses
    to run with another chain: its hashes would never match the stored ones.
    """

    fingerprint = models.CharField(max_length=64)
    depth = models.PositiveSmallIntegerField(help_text="Number of keys in the chain")  # i18n: not UI
    rotated_at = models.DateTimeField(auto_now=True)


class BsnKeyMismatch(RuntimeError):
    """The configured ZICHT_BSN_HASH_KEY is not the chain the stored BSN hashes were made with."""


def check_bsn_key(key: str | None = None) -> None:
    key = settings.BSN_HASH_KEY if key is None else key
    state = BsnKeyState.objects.order_by("-pk").first()
    if state is not None and state.fingerprint != bsn_chain_fingerprint(key):
        raise BsnKeyMismatch(
            "ZICHT_BSN_HASH_KEY is niet de sleutelketen waarmee de opgeslagen BSN-hashes zijn gemaakt "
            f"(verwacht: {state.depth} sleutel(s), na de laatste `zicht rotate-bsn-key`)."
        )


class SetAsideValue(models.Model):
    """An invalid auxiliary value of an imported row (domain.setaside): not used — no BSN hash, no
    address — but kept encrypted so a reviewer can weigh it. A corrected re-delivery of the same
    record and person marks it resolved (a full corrections history is issue 13's)."""

    REASONS = [(code, label) for code, label in setaside.REASONS.items()]
    import_batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="set_aside_values")
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    source_record_id = models.CharField(max_length=80)
    source_row = models.PositiveIntegerField(help_text="Row in the source file (header = row 1)")  # i18n: not UI
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="set_aside_values")
    field = models.CharField(max_length=40, help_text="Registry field, e.g. person.bsn")  # i18n: not UI
    reason = models.CharField(max_length=40, choices=lazy_choices(REASONS))
    raw_value = EncryptedTextField(blank=True, help_text="The value as delivered, encrypted; only for the reviewer")  # i18n: not UI
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The re-delivery that carried a valid value",  # i18n: not UI
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["source", "source_record_id"])]
        ordering = ["import_batch", "source_row", "field"]

    def __str__(self) -> str:  # never the value
        return f"Terzijde gelegd #{self.pk} ({self.field}, rij {self.source_row})"

    @property
    def description(self) -> str:
        """Dutch: what the access log stores."""
        return setaside.describe(self.field, self.reason)

    @property
    def shown_description(self) -> str:
        """The description in the user's language."""
        return setaside.describe(self.field, self.reason, tr=gettext)


class RecordChange(models.Model):
    """One change of a record by a later delivery (issue 13): a corrected field, a party added or
    removed, a withdrawal or a reinstatement. Field NAMES in ``fields``; the previous values only
    encrypted in ``previous`` (JSON, bound to this row), never in logs. Goes with its record at
    retention (registry.retention)."""

    KINDS = [
        ("gewijzigd", _("Gecorrigeerd")),
        ("partij_toegevoegd", _("Betrokkene toegevoegd")),
        ("partij_verwijderd", _("Betrokkene vervallen")),
        ("ingetrokken", _("Ingetrokken")),
        ("hersteld", _("Weer geldig")),
    ]
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    party = models.CharField(
        max_length=20, blank=True, help_text="Person number within the record ('2'), empty for the record itself"
    )  # i18n: not UI
    import_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="record_changes")
    kind = models.CharField(max_length=20, choices=KINDS)
    fields = models.JSONField(
        default=list, blank=True, help_text="Names of the changed fields, e.g. ['aard', 'person.achternaam']"
    )  # i18n: not UI
    previous = EncryptedTextField(blank=True, help_text="JSON {field: previous value}, encrypted")  # i18n: not UI
    address_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="Addresses before and after: to recolour (corrections.touched_addresses)",  # i18n: not UI
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "id"]
        indexes = [models.Index(fields=["import_batch", "kind"])]

    def __str__(self) -> str:  # never a value
        return f"Wijziging #{self.pk} ({self.kind})"
