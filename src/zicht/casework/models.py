"""Casework storage, one module per part: ``colour.models`` (colour results, help trajectories,
worklist items), ``verwijsindex.models`` (signals, matches) and ``meldcode.models`` (Meldcode
cases). Re-exported here so Django finds them under the one app label ``casework``.
"""

from .colour.models import COLOUR_CHOICES, SUBJECTS, ColourResult, Hulptraject, Subject, WorklistItem, subject_key
from .meldcode.models import MeldcodeAnswer, MeldcodeCase, Quickscan
from .verwijsindex.models import Signal, SignalMatch, SignalQuerySet

__all__ = [
    "COLOUR_CHOICES",
    "SUBJECTS",
    "ColourResult",
    "Hulptraject",
    "Subject",
    "WorklistItem",
    "subject_key",
    "MeldcodeAnswer",
    "MeldcodeCase",
    "Quickscan",
    "Signal",
    "SignalMatch",
    "SignalQuerySet",
]
