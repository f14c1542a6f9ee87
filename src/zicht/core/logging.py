"""Keeping personal data out of log records and error reports.

Log messages in Zicht name record ids and row numbers, never values. This module is the
second line of defence for whatever slips through:

- ``scrub`` masks anything shaped like a BSN, a date (of birth), a postcode or an e-mail address;
- ``safe_arg`` keeps log arguments that cannot be a name (numbers, ids with a digit, paths
  without their query string) and replaces free text by ``[tekst]``;
- ``PersonalDataFilter`` (on every handler in settings.LOGGING) applies both, drops the
  request object from Django's error records and keeps an exception's traceback frames but not
  its message, which may quote a value;
- ``NoPersonalDataReporterFilter`` (settings.DEFAULT_EXCEPTION_REPORTER_FILTER) hides every
  POST parameter and every local variable from technical error pages and exception reports.

The first three are plain Python (no Django) and are tested table-driven.
"""

from __future__ import annotations

import logging
import re
import traceback

_PATTERNS = [
    re.compile(r"\b\d{9}\b"),  # BSN
    re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"),  # dd-mm-jjjj
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO date
    re.compile(r"\b\d{8}\b"),  # jjjjmmdd / ddmmjjjj
    re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b"),  # postcode
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail address
]
REMOVED = "[verwijderd]"
TEXT = "[tekst]"

# An identifier: one token, at least one digit, no spaces (record ids, codes, row numbers).
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_\-.:#|]*\d[A-Za-z0-9_\-.:#|]*$")
# A request line or path as Django's request loggers pass it: keep the path, drop the query.
_REQUEST_LINE = re.compile(r"^(?:(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) )?(/[^\s?]*)(\?\S*)?( HTTP/[\d.]+)?$")
_SAFE_WORDS = frozenset({"", "None", "True", "False"})


def scrub(text: str) -> str:
    """Mask BSN-, date-, postcode- and e-mail-shaped substrings."""
    for pattern in _PATTERNS:
        text = pattern.sub(REMOVED, text)
    return text


UNKNOWN_PATH = "[onbekend pad]"


def _any_path(path: str) -> bool:
    return True


def safe_arg(value, path_is_known=_any_path):
    """A log argument as it may be printed: numbers and identifiers stay, free text does not.

    A path stays only when ``path_is_known`` says it is one of Zicht's routes (a mistyped or
    crafted URL can carry a name); its query string never stays.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if text in _SAFE_WORDS or _IDENTIFIER.match(text):
        return scrub(text)
    match = _REQUEST_LINE.match(text)
    if match:
        method, path, query, proto = match.groups()
        if not path_is_known(path):
            path, query = UNKNOWN_PATH, None
        return f"{method + ' ' if method else ''}{path}{'?[…]' if query else ''}{proto or ''}"
    return TEXT


def safe_message(msg, args, path_is_known=_any_path) -> str:
    """The formatted message with unsafe arguments replaced, then scrubbed."""
    if args:
        if isinstance(args, dict):
            safe = {k: safe_arg(v, path_is_known) for k, v in args.items()}
        else:
            safe = tuple(safe_arg(a, path_is_known) for a in (args if isinstance(args, tuple) else (args,)))
        try:
            text = str(msg) % safe
        except (TypeError, ValueError, KeyError):
            text = str(msg)
    else:
        text = str(msg)
    return scrub(text)


def safe_traceback(exc_info) -> str:
    """Traceback frames (file, line, code) and the exception type; never the exception's message."""
    exc_type, _exc, tb = exc_info
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    return f"Traceback (most recent call last):\n{frames}{exc_type.__name__}: (bericht verwijderd)"


def _django_path_is_known(path: str) -> bool:
    """Whether a path resolves to one of Zicht's routes (unknown paths may carry typed-in names)."""
    try:
        from django.urls import Resolver404, resolve

        resolve(path)
        return True
    except Resolver404:
        return False
    except Exception:  # URLconf not loadable while logging: be safe
        return False


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_zicht_scrubbed", False):
            return True
        if hasattr(record, "request"):
            record.request = None
        record.msg = safe_message(record.msg, record.args, _django_path_is_known)
        record.args = ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = safe_traceback(record.exc_info)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text.splitlines()[0] if record.exc_text else "")
        record._zicht_scrubbed = True
        return True


def _reporter_filter_base():
    from django.views.debug import SafeExceptionReporterFilter

    return SafeExceptionReporterFilter


class NoPersonalDataReporterFilter(_reporter_filter_base()):
    """Error reports show no POST values and no local variables, also when DEBUG is on."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


def _reporter_base():
    from django.views.debug import ExceptionReporter

    return ExceptionReporter


class NoPersonalDataExceptionReporter(_reporter_base()):
    """Technical error reports (DEBUG pages, mailed reports) without the exception's message.

    An exception text may quote a value ("invalid literal for int(): 'Jansen'"); the frames,
    file names and line numbers are enough to find the fault.
    """

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if data.get("exception_value") is not None:
            data["exception_value"] = "(bericht verwijderd)"
        for frame in data.get("frames", []):
            frame["exc_cause"] = None  # a chained exception's text may quote a value too
        return data
