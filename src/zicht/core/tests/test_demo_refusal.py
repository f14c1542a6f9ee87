"""Demo mode and the published demo keys never run a real installation (issue 12, item 6)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zicht.settings import _DEMO_SECRETS, refuse_demo

SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"
OWN = {"ZICHT_SECRET_KEY": "s" * 50, "ZICHT_FIELD_KEYS": "a2V5", "ZICHT_BSN_HASH_KEY": "pepper"}


@pytest.mark.parametrize(
    "demo, debug, engine, secrets, refused",
    [
        (True, True, SQLITE, _DEMO_SECRETS, False),  # a developer's demo
        (True, False, SQLITE, _DEMO_SECRETS, True),  # DEBUG off
        (True, True, POSTGRES, _DEMO_SECRETS, True),  # PostgreSQL
        (False, False, SQLITE, OWN, False),  # production with its own keys
        (False, False, POSTGRES, OWN, False),
        (False, False, POSTGRES, dict(OWN, ZICHT_BSN_HASH_KEY=_DEMO_SECRETS["ZICHT_BSN_HASH_KEY"]), True),
        (False, True, POSTGRES, dict(OWN, ZICHT_FIELD_KEYS="new," + _DEMO_SECRETS["ZICHT_FIELD_KEYS"]), True),
        (False, False, SQLITE, dict(OWN, ZICHT_SECRET_KEY=_DEMO_SECRETS["ZICHT_SECRET_KEY"]), True),
    ],
)
def test_refuse_demo(demo, debug, engine, secrets, refused):
    if refused:
        with pytest.raises(ImproperlyConfigured):
            refuse_demo(demo, debug, engine, secrets)
    else:
        refuse_demo(demo, debug, engine, secrets)


def _settings_in_child(tmp_path, **env):
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='zicht.settings'; from django.conf import settings; print(settings.DEMO)"
    base = {"ZICHT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True)


def test_demo_mode_refused_without_debug(tmp_path):
    refused = _settings_in_child(tmp_path, ZICHT_DEMO="1")
    assert refused.returncode != 0 and "ZICHT_DEMO=1 is refused" in refused.stderr
    allowed = _settings_in_child(tmp_path, ZICHT_DEMO="1", ZICHT_DEBUG="1")
    assert allowed.returncode == 0 and allowed.stdout.strip() == "True"


def test_demo_mode_refused_on_postgresql(tmp_path):
    refused = _settings_in_child(tmp_path, ZICHT_DEMO="1", ZICHT_DEBUG="1", DATABASE_URL="postgres://u:p@127.0.0.1:1/x")
    assert refused.returncode != 0 and "refused" in refused.stderr


def test_test_suite_is_not_in_demo_mode(settings):
    assert settings.DEMO is False
    assert _DEMO_SECRETS["ZICHT_BSN_HASH_KEY"] != settings.BSN_HASH_KEY
    assert _DEMO_SECRETS["ZICHT_FIELD_KEYS"] not in settings.FIELD_ENCRYPTION_KEYS


def test_production_code_never_looks_for_the_test_runner():
    src = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""["']pytest["']\s+in\s+sys\.modules|PYTEST_CURRENT_TEST|PYTEST_VERSION""")
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "tests" not in p.parts and not p.name.startswith(("test_", "conftest")) and pattern.search(p.read_text("utf-8"))
    ]
    assert offenders == []
