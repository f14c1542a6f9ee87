"""``zicht fuzz`` on a production install (without the test extra): a clear message, not a traceback."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import zicht.site.management.commands.fuzz as fuzz_command


def test_fuzz_without_hypothesis_names_the_test_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as if the test extra were not installed
    monkeypatch.delitem(sys.modules, "zicht.site.fuzzing", raising=False)
    try:
        module = importlib.reload(fuzz_command)
        assert module.run_all is None
        with pytest.raises(CommandError, match=r"zicht\[test\]"):
            call_command(module.Command(), inputs=1)
    finally:
        monkeypatch.undo()
        importlib.reload(fuzz_command)
    assert fuzz_command.run_all is not None
