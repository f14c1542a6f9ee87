"""A small, reproducible sample of the fuzz job (``zicht fuzz`` runs ≥ 100,000 inputs separately)."""

from __future__ import annotations

import pytest

from zicht.site.fuzzing import fuzz_forms, fuzz_http, fuzz_importer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target, inputs", [(fuzz_forms, 150), (fuzz_http, 120), (fuzz_importer, 40)])
def test_generated_inputs_cause_no_crash_and_no_server_error(target, inputs):
    outcome = target(inputs, derandomize=True)
    assert outcome.inputs > 0 or outcome.skipped, "the target ran no inputs"
    assert not outcome.findings, outcome.findings
