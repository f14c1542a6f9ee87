"""Signals of the registry.

``batch_imported(sender=ImportBatch, batch=batch)`` is sent after an import batch has been
committed (status 'loaded' or 'partial'), never for a rolled-back one; the linkage app
subscribes to it to link the new persons incrementally.
"""

from django.dispatch import Signal

batch_imported = Signal()
