"""After an import: linking and recolouring (the receivers of ``batch_imported``), with their
failure recorded on the batch and a way to run them again (``zicht retry-batch N``).

The import itself is committed before the receivers run: a failing receiver cannot undo it. A
batch whose linking or recolouring failed would otherwise look "loaded" while its persons are
unlinked and its addresses keep an old colour; ``ImportBatch.postprocess_error`` says which step
failed and with which error class (never a value from the data), the batch pages show it as
"nabewerking mislukt", and ``zicht retry-batch N`` runs every step again and clears the flag
when all of them succeed.
"""

from __future__ import annotations

import logging

from .models import ImportBatch
from .signals import batch_imported

log = logging.getLogger(__name__)

# Receivers by the app that connects them: the step's name as the batch shows it.
STEP_NAMES = {"zicht.linkage": "koppelen", "zicht.casework": "kleuren", "zicht.areas": "cijfers beveiligen"}


def step_name(receiver) -> str:
    module = getattr(receiver, "__module__", "") or ""
    for prefix, name in STEP_NAMES.items():
        if module == prefix or module.startswith(prefix + "."):
            return name
    return getattr(receiver, "__qualname__", "ontvanger")[:60]


def failure_text(failures: list[tuple[str, str]]) -> str:
    """'koppelen: OperationalError; kleuren: KeyError' — step and error class only."""
    return "; ".join(f"{step}: {error}" for step, error in failures)[:200]


def run_postprocessing(batch: ImportBatch) -> list[tuple[str, str]]:
    """Send ``batch_imported`` to every receiver (each runs even if an earlier one failed) and
    record the outcome on the batch; returns [(step, error class)] of the failed steps."""
    failures = []
    for receiver, result in batch_imported.send_robust(sender=ImportBatch, batch=batch):
        if isinstance(result, Exception):
            failures.append((step_name(receiver), type(result).__name__))
            log.error("Post-processing step %s failed for import #%s: %s", step_name(receiver), batch.pk, type(result).__name__)
    batch.postprocess_error = failure_text(failures)
    ImportBatch.objects.filter(pk=batch.pk).update(postprocess_error=batch.postprocess_error)
    return failures
