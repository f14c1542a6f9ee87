"""Issue 12 item 5: an upload killed mid-way leaves no plaintext file behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zicht.access import roles
from zicht.registry import views as registry_views
from zicht.registry.uploads import remove_stale_uploads, stored_upload, upload_dir


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_remove_stale_uploads_keeps_only_live_uploads(tmp_path):
    live = tmp_path / f"upload-{os.getpid()}-abc.csv"
    dead = tmp_path / f"upload-{_dead_pid()}-def.csv"
    legacy = tmp_path / "tmpk3j2l1.csv"  # NamedTemporaryFile of an earlier version
    old_live = tmp_path / f"upload-{os.getpid()}-old.csv"
    (tmp_path / "incoming").mkdir()
    spool_old, spool_new = tmp_path / "incoming" / "a.upload", tmp_path / "incoming" / "b.upload"
    for path in (live, dead, legacy, old_live, spool_old, spool_new):
        path.write_text("Jansen;Korvelseweg 12")
    day_ago = time.time() - 25 * 3600
    os.utime(old_live, (day_ago, day_ago))
    os.utime(spool_old, (day_ago, day_ago))
    assert remove_stale_uploads(tmp_path) == 4
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted([live.name, spool_new.name])


def test_stored_upload_has_no_name_on_disk_while_the_import_reads_it(tmp_path):
    with stored_upload([b"kop\n", b"regel\n"], tmp_path / "uploads") as path:
        assert path.read_bytes() == b"kop\nregel\n"
        assert list((tmp_path / "uploads").iterdir()) == []  # a crash now leaves nothing
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_killed_upload_process_leaves_no_file(tmp_path):
    code = (
        "import sys, time; from pathlib import Path; from zicht.registry.uploads import stored_upload\n"
        "with stored_upload([b'Jansen;Korvelseweg 12'], Path(sys.argv[1])) as p:\n"
        "    print('READY', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert proc.stdout.readline().strip() == "READY"
    proc.kill()
    proc.wait()
    remove_stale_uploads(tmp_path)  # what the next start does
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_upload_view_keeps_no_named_copy_during_the_import(register, politie_file, client, monkeypatch):
    from zicht.core.testing import make_user

    client.force_login(make_user(roles.KETENREGISSEUR))
    seen = {}
    real = registry_views.import_file

    def spy(path, *args, **kwargs):
        directory = upload_dir(settings.DATA_DIR)
        seen["named"] = [p.name for p in directory.iterdir() if p.is_file()] if directory.is_dir() else []
        seen["readable"] = path.read_bytes() == politie_file.read_bytes()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(registry_views, "import_file", spy)
    upload = SimpleUploadedFile("politie_incidenten.csv", politie_file.read_bytes(), content_type="text/csv")
    client.post(reverse("registry:upload"), {"profile": "politie-bvh", "file": upload})
    assert seen == {"named": [], "readable": True}
