"""Issue 12 item 2: reads that leave a trace (NEN 7513).

Which records a page, export, API call or command showed; refused attempts; reading the log
itself; the CLI; the hash chain with ``zicht accesslog --verify``; the database refusing
UPDATE/DELETE; the retention procedure of the log.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory

from zicht.access import chain, roles, triggers
from zicht.access.models import AccessLogEntry, AccessLogRecord
from zicht.access.purpose import with_purpose
from zicht.access.rules import log_access, requires
from zicht.core.testing import make_user

# --- the chain, pure ---------------------------------------------------------------------------


def _fields(seq: int, **extra) -> dict:
    return {
        "at": dt.datetime(2026, 1, 1, 12, 0, seq, tzinfo=dt.UTC),
        "username": "u",
        "action": "view",
        "record_type": "address",
        "record_id": str(seq),
        **extra,
    }


def _chain(n: int, start: int = 1, prev: str = "") -> list[chain.Link]:
    links = []
    for seq in range(start, start + n):
        fields = _fields(seq)
        digest = chain.records_digest([("address", seq)])
        h = chain.link_hash(prev, seq, fields, digest)
        links.append(chain.Link(seq, prev, h, fields, digest))
        prev = h
    return links


def _tampered(links, index, **changes):
    link = links[index]
    out = list(links)
    out[index] = chain.Link(link.seq, link.prev_hash, link.entry_hash, {**link.fields, **changes}, link.digest)
    return out


@pytest.mark.parametrize(
    "name,links,anchors,head,broken_at",
    [
        ("intact", _chain(5), {}, None, None),
        ("empty", [], {}, None, None),
        ("content changed", _tampered(_chain(5), 2, reason="anders"), {}, None, 3),
        ("entry removed", [link for link in _chain(5) if link.seq != 3], {}, None, 4),
        (
            "records changed",
            [*_chain(2), chain.Link(3, _chain(3)[1].entry_hash, _chain(3)[2].entry_hash, _fields(3), chain.records_digest([]))],
            {},
            None,
            3,
        ),
        ("tail removed (head ahead)", _chain(3), {}, (5, "x"), 4),
        ("head agrees", _chain(3), {}, (3, _chain(3)[-1].entry_hash), None),
        ("starts late without anchor", _chain(3, start=4, prev="h3"), {}, None, 4),
        ("starts after a retention anchor", _chain(3, start=4, prev="h3"), {3: "h3"}, None, None),
        ("anchor hash does not match", _chain(3, start=4, prev="h3"), {3: "other"}, None, 4),
    ],
)
def test_verify_links_finds_the_first_broken_link(name, links, anchors, head, broken_at):
    found = chain.verify_links(links, anchors, head)
    assert (found.seq if found else None) == broken_at, name


def test_records_digest_ignores_order_and_sees_every_record():
    assert chain.records_digest([("a", 1), ("b", 2)]) == chain.records_digest([("b", "2"), ("a", "1")])
    assert chain.records_digest([("a", 1)]) != chain.records_digest([("a", 1), ("a", 2)])


def test_anchor_round_trip():
    assert chain.parse_anchor(chain.anchor_query(41, "abc")) == (41, "abc")
    assert chain.parse_anchor("x=1") is None


# --- the database side -------------------------------------------------------------------------


def _verify_exit(stdout=None) -> int:
    try:
        call_command("accesslog", "--verify", stdout=stdout or io.StringIO(), stderr=io.StringIO())
    except SystemExit as exc:
        return exc.code
    return 0


@pytest.mark.django_db
def test_an_export_of_5000_households_records_every_id_and_the_filter():
    user = make_user(roles.KETENREGISSEUR)
    request = RequestFactory().get("/casus/kleurenlijst/export/", {"kleur": "rood", "wijk": "WK085501"})
    request.user = user
    ids = list(range(1, 5001))
    log_access(request, action="export", record_type="address", reason="Export kleurenlijst", records=ids)
    entry = AccessLogEntry.objects.get(action="export")
    assert entry.record_count == 5000 and entry.record_id == "5000 dossiers"
    assert entry.query == "kleur=rood&wijk=WK085501"
    assert set(AccessLogRecord.objects.filter(entry=entry).values_list("record_id", flat=True)) == {str(i) for i in ids}
    # The privacy officer finds the export when asking who saw address 4321.
    out = io.StringIO()
    call_command("accesslog", "--since", "2000-01-01", "--record", "address:4321", "--json", stdout=out)
    assert [row["action"] for row in json.loads(out.getvalue())] == ["export"]
    assert _verify_exit() == 0


@pytest.mark.django_db
def test_the_chain_verifies_and_a_changed_entry_or_record_is_reported():
    for i in range(5):
        log_access(None, action="view", record_type="address", record_id=i, records=[i, i + 100])
    out = io.StringIO()
    assert _verify_exit(out) == 0 and "intact" in out.getvalue()
    third = AccessLogEntry.objects.get(record_id="2")
    # Someone with the schema owner's rights changes an entry behind the application's back.
    with triggers.suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogrecord WHERE entry_id = %s AND record_id = '102'", [third.pk])
    err = io.StringIO()
    try:
        call_command("accesslog", "--verify", stdout=io.StringIO(), stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    assert code == 1 and f"volgnummer {third.seq}" in err.getvalue()


@pytest.mark.django_db
def test_a_removed_tail_is_found_with_the_head_kept_outside_the_database():
    for i in range(4):
        log_access(None, action="view", record_type="address", record_id=i)
    out = io.StringIO()
    assert _verify_exit(out) == 0
    head = out.getvalue().strip().splitlines()[-1].split(": ")[-1]
    last = AccessLogEntry.objects.order_by("-seq").first()
    assert head == f"{last.seq}:{last.entry_hash}"
    with triggers.suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry WHERE seq = %s", [last.seq])
    assert _verify_exit() == 0  # the chain alone cannot see a removed tail ...
    try:
        call_command("accesslog", "--verify", "--head", head, stdout=io.StringIO(), stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    assert code == 1  # ... the head kept outside the database can


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_on_both_log_tables():
    log_access(None, action="view", record_type="address", record_id=1, records=[2])
    for sql in (
        "UPDATE access_accesslogentry SET reason = 'x'",
        "DELETE FROM access_accesslogentry",
        "UPDATE access_accesslogrecord SET record_id = '2'",
        "DELETE FROM access_accesslogrecord",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 1 and AccessLogRecord.objects.count() == 1
    assert triggers.missing() == []


@pytest.mark.django_db
def test_retention_of_the_log_removes_the_oldest_part_and_the_chain_still_verifies():
    from zicht.access.chain import append
    from zicht.access.logretention import purge_before

    for year in (2015, 2016, 2024):
        append(
            AccessLogEntry(
                username="u", action="view", record_type="address", record_id=str(year), at=dt.datetime(year, 1, 1, tzinfo=dt.UTC)
            ),
            [("address", str(year))],
        )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):  # younger than the minimum term of five years
        purge_before(dt.date(2024, 6, 1), today=dt.date(2026, 12, 1))
    result = purge_before(dt.date(2017, 1, 1), today=dt.date(2026, 12, 1))
    assert result == {"removed": 2, "up_to_seq": 2}
    assert set(AccessLogEntry.objects.values_list("record_id", flat=True)) >= {"2024", "t/m 2"}
    assert not AccessLogEntry.objects.filter(record_id__in=["2015", "2016"]).exists()
    assert not AccessLogRecord.objects.filter(record_id__in=["2015", "2016"]).exists()
    assert _verify_exit() == 0
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry")  # refused again after the procedure


@pytest.mark.django_db
def test_a_log_entry_saved_directly_still_joins_the_chain():
    AccessLogEntry.objects.create(username="systeem", action="view", record_type="address", record_id="9")
    AccessLogEntry.objects.create(username="systeem", action="view", record_type="address", record_id="10")
    assert list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert _verify_exit() == 0


# --- refused attempts and the order of check and log ---------------------------------------------


def _request(user, path="/dossier/7/"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {"zicht_purposes": {"address:7": "Voorbereiding casusoverleg"}}
    return request


@pytest.mark.django_db
def test_a_read_outside_the_scope_is_logged_as_refused_never_as_a_view():
    @requires(roles.PROFESSIONAL, personal_data=True)
    @with_purpose("address", kwarg="pk")
    def address(request, pk):
        raise Http404("Adres niet gevonden")  # the scope check of the view

    user = make_user(roles.PROFESSIONAL)
    with pytest.raises(Http404):
        address(_request(user), pk=7)
    entries = list(AccessLogEntry.objects.filter(username=user.username).exclude(record_type__in=("user_role", "account")))
    assert [(e.action, e.outcome) for e in entries] == [("view", "not_found")]


@pytest.mark.django_db
def test_a_read_inside_the_scope_is_logged_with_the_record():
    @requires(roles.PROFESSIONAL, personal_data=True)
    @with_purpose("address", kwarg="pk")
    def address(request, pk):
        request.zicht_records = [("person", 70), ("person", 71)]
        return HttpResponse("ok")

    user = make_user(roles.PROFESSIONAL)
    address(_request(user), pk=7)
    entry = AccessLogEntry.objects.get(username=user.username, record_type="address")
    assert entry.outcome == "ok" and entry.reason == "Voorbereiding casusoverleg"
    assert (entry.record_type, entry.record_id) == ("address", "7")
    assert sorted(entry.records.values_list("record_type", "record_id")) == [("person", "70"), ("person", "71")]


@pytest.mark.django_db
def test_role_and_scope_refusals_are_logged_with_their_outcome():
    @requires(roles.PROFESSIONAL, personal_data=True)
    def page(request):
        raise PermissionDenied("niet van uw organisatie")

    professional, beleid = make_user(roles.PROFESSIONAL), make_user(roles.BELEIDSMEDEWERKER)
    for user in (professional, beleid):
        with pytest.raises(PermissionDenied):
            page(_request(user))
    refused = AccessLogEntry.objects.filter(outcome="denied")
    assert sorted(refused.values_list("username", flat=True)) == sorted([professional.username, beleid.username])


@pytest.mark.django_db
def test_reading_the_access_log_is_logged_with_the_entries_shown():
    officer = make_user(roles.PRIVACY_OFFICER)
    for i in range(3):
        log_access(None, action="view", record_type="address", record_id=i)
    shown = set(AccessLogEntry.objects.values_list("pk", flat=True))
    client = Client()
    client.force_login(officer)
    assert client.get("/account/toegangslog/", {"record_type": "address"}).status_code == 200
    read = AccessLogEntry.objects.get(record_type="accesslog", action="view", username=officer.username)
    assert read.query == "record_type=address"
    assert {int(x) for x in read.records.values_list("record_id", flat=True)} == {
        e.pk for e in AccessLogEntry.objects.filter(pk__in=shown, record_type="address")
    }
    client.get("/account/toegangslog/", {"export": "csv"})
    export = AccessLogEntry.objects.get(record_type="accesslog", action="export")
    assert export.record_count >= 4


# --- the CLI -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_link_and_bench_registry_linkage_are_logged(monkeypatch):
    from zicht.bench import registry_linkage
    from zicht.linkage import services

    class Run:
        pk, persons, pairs_compared, linked_persons, review_pairs, households, seconds = 3, 120, 0, 0, 0, 0, 0

    monkeypatch.setattr(services, "run_batch", lambda retrain=False: Run())
    call_command("link", "--full", stdout=io.StringIO())
    entry = AccessLogEntry.objects.get(action="command", record_id="zicht link")
    assert entry.query == "--full" and "120 records" in entry.reason and "koppelrun 3" in entry.reason
    assert entry.reason.startswith("OS-gebruiker ")

    monkeypatch.setattr(registry_linkage, "run", lambda options: {"registry_persons_matched": 77})
    call_command("bench", "registry-linkage", "--truth", "/geheim/pad/truth.csv", stdout=io.StringIO())
    entry = AccessLogEntry.objects.get(action="command", record_id="zicht bench registry-linkage")
    assert "77 records" in entry.reason and "--truth=truth.csv" in entry.query and "/geheim" not in entry.query


# --- concurrency -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_appends_from_several_workers_never_fork_the_chain():
    import threading

    from django.db import connections

    errors = []

    from django.db import OperationalError

    def worker(n):
        try:
            for i in range(15):
                for _attempt in range(200):
                    try:
                        log_access(None, action="view", record_type="address", record_id=f"{n}-{i}", records=[i])
                        break
                    except OperationalError as exc:
                        # The test database is SQLite in shared-cache memory, whose table locks are not
                        # retried by the busy timeout (a file database in WAL mode waits instead). An
                        # append is one transaction: a refused one left nothing behind, so try again.
                        if "locked" not in str(exc):
                            raise
                        threading.Event().wait(0.005)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AccessLogEntry.objects.count() == 60
    assert sorted(AccessLogEntry.objects.values_list("seq", flat=True)) == list(range(1, 61))
    assert _verify_exit() == 0
