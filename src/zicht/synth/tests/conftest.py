"""One small generated data set shared by the synth tests (generation takes ~3 s)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zicht.synth.generate import generate

REPO = Path(__file__).resolve().parents[4]
DATA_DIR = Path(os.environ.get("ZICHT_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA_DIR / "kwb").exists():
        pytest.skip("shared open data not available")
    return DATA_DIR


@pytest.fixture(scope="session")
def tilburg(tmp_path_factory, data_dir):
    """Tilburg, 3 years, seed 1, scale 1: the documented reference run."""
    out = tmp_path_factory.mktemp("tilburg")
    manifest = generate("GM0855", 3, 1, out, data_dir, progress=False, log=lambda *_: None)
    return out, manifest
