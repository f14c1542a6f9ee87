"""A log filter that keeps personal data out of log records.

Log messages in Zicht name record ids, never values; this filter is the second
line of defence: it drops request bodies and arguments from Django's error
records and masks anything shaped like a BSN, a date of birth or a postcode.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    re.compile(r"\b\d{9}\b"),  # BSN
    re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b"),  # dd-mm-jjjj
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO date
    re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b"),  # postcode
]


def scrub(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub("[verwijderd]", text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - malformed args
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            # keep the type and traceback frames, drop the message (it may quote values)
            exc_type = record.exc_info[0]
            record.exc_text = f"{exc_type.__name__} (bericht verwijderd)"
            record.exc_info = None
        return True
