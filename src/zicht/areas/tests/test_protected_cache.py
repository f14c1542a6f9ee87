"""The protected set's repairs are persisted per gemeente, year and data version and reused by
another process (here: an emptied in-process memo), and an import warms them (areas.warm)."""

from __future__ import annotations

import pytest

from zicht.areas import data, figures, protected_cache, warm
from zicht.areas.models import ProtectedSetRepairs
from zicht.areas.policy import default_policy

from .conftest import KORVEL


def _forget_in_process():
    """What a new process (a restart, another web worker) starts with: no cube, no repairs in memory."""
    data.clear_cache()
    with figures._repairs_lock:
        figures._repairs.clear()


def _canon(year):
    wijken = [w.code for w in data.wijken_of("GM0855")]
    return figures.canonical(data.cube_for("GM0855"), "GM0855", wijken, year, default_policy())


def _cells(canon):
    return {w: (c.value, c.display) for w, c in canon.totals.cells.items()}, {
        d: {k: (c.value, c.display) for k, c in t.cells.items()} for d, t in canon.by_dim.items()
    }


def test_dump_and_load_round_trip():
    extra = figures._Extra(totals={"WK1"}, month={("2024-01", "politie")}, gtotal={()})
    extra.dim["aard"].add(("WK1", "kindermishandeling"))
    extra.dimcol["kinderen"].add(True)
    extra.buurt["WK1"] = {("BU1", "politie")}
    extra.buurtrow["WK1"] = {"BU1"}
    again = figures._Extra()
    protected_cache.load(protected_cache.dump(extra), again)
    assert again == extra


@pytest.mark.django_db
def test_a_new_process_reuses_the_stored_repairs_without_the_attacker(tilburg_reports, monkeypatch):
    _forget_in_process()
    first = _canon(2024)
    row = ProtectedSetRepairs.objects.get(gemeente_code="GM0855", jaar=2024)
    assert row.build_seconds >= 0 and len(row.digest) == 64

    _forget_in_process()

    def no_attacker(*args, **kwargs):
        raise AssertionError("the attacker ran although the repairs were stored")

    monkeypatch.setattr(figures, "audit", no_attacker)
    second = _canon(2024)
    assert _cells(second) == _cells(first)
    assert second.totals.cell(KORVEL).display == first.totals.cell(KORVEL).display
    assert ProtectedSetRepairs.objects.filter(gemeente_code="GM0855", jaar=2024).count() == 1


@pytest.mark.django_db
def test_new_counts_are_a_new_data_version(tilburg_reports):
    from .helpers import make_reports

    _forget_in_process()
    _canon(2024)
    before = set(ProtectedSetRepairs.objects.values_list("digest", flat=True))
    make_reports([tilburg_reports["quiet_buurt"]], 25, seed=11, start=figures.date(2024, 3, 1), days=30, addresses_per_buurt=3)
    _forget_in_process()
    _canon(2024)
    after = set(ProtectedSetRepairs.objects.filter(jaar=2024).values_list("digest", flat=True))
    assert before < after  # the old version stays (up to KEEP_PER_YEAR), the new one is added


@pytest.mark.django_db
def test_old_data_versions_are_pruned():
    extra = figures._Extra()
    for i in range(protected_cache.KEEP_PER_YEAR + 2):
        assert protected_cache.store(f"{i:064d}", "GM0855", 2024, extra, 0.1)
    assert not protected_cache.store(f"{4:064d}", "GM0855", 2024, extra, 0.1)  # the same version twice: one row
    assert ProtectedSetRepairs.objects.filter(gemeente_code="GM0855", jaar=2024).count() == protected_cache.KEEP_PER_YEAR


@pytest.mark.django_db
def test_an_import_warms_the_sets_of_the_gemeenten_it_touched(tilburg_reports, settings):
    from zicht.registry.models import ImportBatch, Organisation, Report
    from zicht.registry.signals import batch_imported

    settings.ZICHT_WARM_AFTER_IMPORT = "sync"
    org = Organisation.objects.first()
    batch = ImportBatch.objects.create(file_name="x.csv", file_sha256="0" * 64, profile="veilig-thuis", profile_sha256="0" * 64, source=org)
    Report.objects.filter(pk__in=Report.objects.values("pk")[:5]).update(import_batch=batch)
    _forget_in_process()
    assert warm.gemeenten_of_batch(batch) == {"GM0855"}
    batch_imported.send(sender=ImportBatch, batch=batch)
    assert set(ProtectedSetRepairs.objects.filter(gemeente_code="GM0855").values_list("jaar", flat=True)) == {2023, 2024}


@pytest.mark.django_db
def test_deferred_warms_once_at_the_end(settings, monkeypatch):
    settings.ZICHT_WARM_AFTER_IMPORT = "sync"
    calls = []
    monkeypatch.setattr(warm, "warm_gemeente", lambda code: calls.append(code))
    with warm.deferred():
        warm.request_warm({"GM0855"})
        warm.request_warm({"GM0855"})
        assert calls == []
    assert calls == ["GM0855"]


@pytest.mark.django_db
def test_off_does_not_warm(settings, monkeypatch):
    settings.ZICHT_WARM_AFTER_IMPORT = "off"
    monkeypatch.setattr(warm, "warm_gemeente", lambda code: pytest.fail("warmed although off"))
    warm.request_warm({"GM0855"})


@pytest.mark.django_db
def test_repairs_of_another_algorithm_version_are_not_reused(monkeypatch):
    extra = figures._Extra(totals={"WK1"})
    assert protected_cache.store("a" * 64, "GM0855", 2024, extra, 0.1)
    assert protected_cache.fetch("a" * 64) == protected_cache.dump(extra)
    monkeypatch.setattr(protected_cache, "ALGORITHM_VERSION", "2")
    assert protected_cache.fetch("a" * 64) is None
