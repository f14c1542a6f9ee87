"""After an import: linking and recolouring (the receivers of ``batch_imported``), with their
failure recorded on the batch, their finishing times, and a way to run them outside the import.

The import itself is committed before the receivers run: a failing receiver cannot undo it. A
batch whose linking or recolouring failed would otherwise look "loaded" while its persons are
unlinked and its addresses keep an old colour; ``ImportBatch.postprocess_error`` says which step
failed and with which error class (never a value from the data), the batch pages show it as
"nabewerking mislukt", and ``zicht retry-batch N`` runs every step again and clears the flag
when all of them succeed.

**Outside the web request.** An upload (or ``zicht import --defer``) may leave the steps to
``zicht postprocess``: the batch is committed with ``postprocess_queued_at`` set, and the
command runs the queued batches in import order (``run_pending``), with progress on stderr.
The queue is the batch table itself: no worker, no thread, works offline on SQLite. Each step
records when it finished (``linked_at``, ``coloured_at``); the batch page shows both.

**What a batch touched** (``touched``) is one function: the persons and addresses the steps
work on. Linking links those persons, colouring recolours those addresses and the households
of those persons. A delivery that corrects records adds the corrected persons and addresses
here (issue 13 item 3), and both steps follow.

**Planner statistics.** Before the steps, the registry tables the batch grew much are analysed
on PostgreSQL (``analyze_imported``, ``core.dbstats``): the steps join them at once, before
autovacuum would have looked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from zicht.core import dbstats, stageclock

from .corrections import touched_addresses, touched_persons
from .models import Address, ImportBatch, Person, Report, ReportParty
from .signals import batch_imported

log = logging.getLogger(__name__)

# Receivers by the app that connects them: the step's name as the batch shows it.
STEP_NAMES = {"zicht.linkage": "koppelen", "zicht.casework": "kleuren", "zicht.areas": "cijfers beveiligen"}
# The batch field each step's finishing time goes to.
STEP_FIELDS = {"koppelen": "linked_at", "kleuren": "coloured_at"}
last_steps: dict = {}  # seconds per step of the last run in this process (wall, CPU, server CPU): for the pipeline benchmark


@dataclass
class Touched:
    """Registry persons and addresses (ids) a batch added or changed."""

    persons: set[int] = field(default_factory=set)
    addresses: set[int] = field(default_factory=set)


def touched(batch: ImportBatch) -> Touched:
    """The persons and addresses linking and colouring must look at after ``batch``.

    New persons of the batch, and the addresses of its new reports (a report's address is
    what colours an address). Corrections and withdrawals (issue 13 item 3) extend both sets
    here, so linking and colouring follow the current version of a record."""
    persons = set(Person.objects.filter(import_batch=batch).values_list("pk", flat=True))
    addresses = set(Report.objects.filter(import_batch=batch, address__isnull=False).values_list("address_id", flat=True))
    persons |= touched_persons(batch)  # corrected and withdrawn records' persons (registry.corrections)
    addresses |= touched_addresses(batch)  # their addresses before and after the change
    return Touched(persons=persons, addresses=addresses)


def step_name(receiver) -> str:
    module = getattr(receiver, "__module__", "") or ""
    for prefix, name in STEP_NAMES.items():
        if module == prefix or module.startswith(prefix + "."):
            return name
    return getattr(receiver, "__qualname__", "ontvanger")[:60]


def failure_text(failures: list[tuple[str, str]]) -> str:
    """'koppelen: OperationalError; kleuren: KeyError' — step and error class only."""
    return "; ".join(f"{step}: {error}" for step, error in failures)[:200]


def run_postprocessing(batch: ImportBatch, *, progress: bool = False) -> list[tuple[str, str]]:
    """Run every receiver of ``batch_imported`` in order (each runs even if an earlier one failed,
    as ``send_robust`` does) and record the outcome on the batch: the failed steps, and for each
    step that succeeded when it finished. Returns [(step, error class)] of the failed steps."""
    failures = []
    # One receiver at a time (not send_robust): each step's own finishing time goes on the batch.
    receivers, _async = batch_imported._live_receivers(ImportBatch)
    clock = stageclock.Clock()
    with clock.stage("statistieken"):
        analyze_imported(batch)
    for receiver in receivers:
        step = step_name(receiver)
        try:
            with clock.stage(step):
                receiver(signal=batch_imported, sender=ImportBatch, batch=batch, progress=progress)
        except Exception as exc:
            failures.append((step, type(exc).__name__))
            log.error("Post-processing step %s failed for import #%s: %s", step, batch.pk, type(exc).__name__)
            continue
        if step in STEP_FIELDS:
            setattr(batch, STEP_FIELDS[step], timezone.now())
            ImportBatch.objects.filter(pk=batch.pk).update(**{STEP_FIELDS[step]: getattr(batch, STEP_FIELDS[step])})
    last_steps.clear()
    last_steps.update(clock.figures())
    batch.postprocess_error = failure_text(failures)
    ImportBatch.objects.filter(pk=batch.pk).update(postprocess_error=batch.postprocess_error)
    return failures


def analyze_imported(batch: ImportBatch) -> list[str]:
    """PostgreSQL: fresh planner statistics for the registry tables the batch grew much (``core.dbstats``),
    before linking and colouring join them; the tables analysed."""
    return dbstats.analyze_written(
        {
            Report._meta.db_table: batch.reports_created,
            Person._meta.db_table: batch.persons_created,
            ReportParty._meta.db_table: batch.rows_loaded,
            Address._meta.db_table: batch.addresses_created,
        }
    )


def queue(batch: ImportBatch) -> None:
    """Leave linking and colouring of a committed batch to ``zicht postprocess``."""
    batch.postprocess_queued_at = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(postprocess_queued_at=batch.postprocess_queued_at)


def pending():
    """Queued batches whose steps have not all run (failed ones wait for ``zicht retry-batch``), oldest first."""
    return (
        ImportBatch.objects.filter(status__in=("loaded", "partial"), postprocess_queued_at__isnull=False, postprocess_error="")
        .exclude(linked_at__isnull=False, coloured_at__isnull=False)
        .order_by("pk")
    )


def run_pending(*, progress: bool = False, limit: int | None = None) -> list[tuple[int, list[tuple[str, str]]]]:
    """Post-process the queued batches in import order; [(batch id, failures)] per batch run."""
    out = []
    for batch in pending()[:limit] if limit else pending():
        out.append((batch.pk, run_postprocessing(batch, progress=progress)))
    return out
