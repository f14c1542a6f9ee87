"""Linkage over the registry: batch, incremental, decisions that survive re-links, views."""

from datetime import date

import pytest
from django.urls import reverse

from zicht.access.models import AccessLogEntry
from zicht.access.purpose import store_reason
from zicht.access.roles import BELEIDSMEDEWERKER, KETENREGISSEUR
from zicht.core.crypto import bsn_hash
from zicht.core.testing import TEST_PASSWORD, make_organisation, make_region, make_user
from zicht.linkage import services
from zicht.linkage.models import HouseholdMember, LinkDecision, PersonLink, ReviewPair
from zicht.registry.models import Address, Person, Report, ReportParty

pytestmark = pytest.mark.django_db
REGION = "Veilig Thuis Midden-Brabant"

# (key, voornamen, tussenvoegsel, achternaam, geboortedatum, geslacht, address, bsn, report, rol)
PEOPLE = [
    ("p1", "Pieter Jan", "de", "Vries", "1980-03-12", "M", "A", "111222333", 1, "pleger"),
    ("p2", "P.J.", "", "de Vries", "1980-03-12", "M", "A", "", 2, "pleger"),  # same man, initials, no BSN
    ("p3", "Pieter", "", "Vries, de", "1980-12-03", "M", "A", "", 3, "pleger"),  # day/month swapped
    ("p4", "Anna", "", "Jansen", "1982-07-01", "V", "A", "", 1, "slachtoffer"),
    ("p5", "Anna", "", "Janssen", "1982-07-01", "V", "B", "", 4, "slachtoffer"),  # moved (to her mother's), spelling
    ("p6", "Sem", "de", "Vries", "2015-05-05", "M", "A", "", 1, "kind"),
    ("p7", "Pieter", "de", "Vries", "1980-03-12", "M", "B", "123456782", 5, "pleger"),  # other valid BSN, elsewhere!
    ("p8", "Mohamed", "el", "Amrani", "1975-01-20", "M", "C", "", 6, "pleger"),
    # Anna's mother, at the address Anna moved to: a move to other people is one person only with a parent there (issue 16)
    ("p10", "Gerda", "", "Jansen", "1956-11-30", "V", "B", "", 2, "betrokkene"),
    ("p9", "Mohammed", "", "El Amrani", "", "M", "B", "", 7, "pleger"),  # no date, other address: review band
]
ADDRESSES = {
    "A": ("5038AB", 12, "A", "Korvelseweg"),
    "B": ("5041CD", 3, "", "Ringbaan-West"),
    "C": ("5012EF", 44, "", "Piusstraat"),
}


def make_registry(rows=PEOPLE):
    org = make_organisation("vt-test", type="veilig_thuis", regio=make_region(REGION))
    addrs = {
        k: Address.objects.create(key=f"{pc}|{nr}|{tv}", postcode=pc, huisnummer=nr, toevoeging=tv, straat=st, woonplaats="Tilburg")
        for k, (pc, nr, tv, st) in ADDRESSES.items()
    }
    persons = {}
    for key, vn, tv, an, dob, g, addr, bsn, rep, rol in rows:
        p = Person.objects.create(
            source=org,
            source_key=key,
            voornamen=vn,
            tussenvoegsel=tv,
            achternaam=an,
            geboortedatum=dob,
            geslacht=g,
            address=addrs[addr],
            bsn_hash=bsn_hash(bsn) if bsn else "",
        )
        report, _ = Report.objects.get_or_create(
            source=org, source_record_id=f"R{rep}", defaults={"soort": "melding", "datum": date(2023, rep, 1), "address": addrs[addr]}
        )
        ReportParty.objects.create(report=report, person=p, rol=rol)
        persons[key] = p
    return persons


def cluster_of(p):
    return PersonLink.objects.get(person=p).linked_person_id


def test_the_batch_reads_the_records_person_records_gives():
    """``all_person_frame`` (one statement, columns decrypted in bulk) equals the frame of
    ``person_records`` over model objects: values, order, missing values and dtypes; withdrawn
    persons left out; a person without address and one known by initials only included."""
    import pandas as pd

    persons = make_registry()
    org = persons["p1"].source
    Person.objects.create(source=org, source_key="x1", voorletters="J.", achternaam="Bakker")  # no address, no report
    reference = pd.DataFrame(services.person_records(services._persons_qs()))
    frame = services.all_person_frame()
    pd.testing.assert_frame_equal(frame, reference)
    assert frame["voornamen"].tolist()[-1] == "J." and frame["postcode"].tolist()[-1] is None
    gone = {persons["p2"].pk, persons["p9"].pk}
    left = services.all_person_frame(gone)
    assert gone.isdisjoint(left["unique_id"].tolist()) and len(left) == len(frame) - 2


def test_batch_links_variants_and_never_two_bsns():
    ps = make_registry()
    run = services.run_batch()
    assert run.persons == len(PEOPLE)
    assert cluster_of(ps["p1"]) == cluster_of(ps["p2"]) == cluster_of(ps["p3"])
    assert cluster_of(ps["p4"]) == cluster_of(ps["p5"])
    assert cluster_of(ps["p6"]) != cluster_of(ps["p1"])  # the son is not the father
    assert cluster_of(ps["p7"]) != cluster_of(ps["p1"])  # a different valid BSN: never one person
    assert ReviewPair.objects.filter(status="open").exists()
    # households: father, mother and son share one at A. The mother moves to B, where two other men
    # were reported in household roles within the year: another episode that shares only her with
    # the household at A, so she joins another household there and her membership at A ends.
    mother = list(HouseholdMember.objects.filter(linked_person_id=cluster_of(ps["p4"])).order_by("since"))
    assert [m.address.key for m in mother] == ["5038AB|12|A", "5041CD|3|"]
    assert mother[0].until == mother[1].since and mother[1].until is None
    at_a = {m.linked_person_id for m in HouseholdMember.objects.filter(household_id=mother[0].household_id)}
    assert at_a == {cluster_of(ps["p1"]), cluster_of(ps["p4"]), cluster_of(ps["p6"])}
    assert mother[1].household_id != mother[0].household_id


def test_review_decisions_survive_relinks():
    ps = make_registry()
    services.run_batch()
    user = make_user(KETENREGISSEUR)
    rp = ReviewPair.objects.filter(status="open").order_by("-match_weight").first()
    was_together = cluster_of(rp.person_a) == cluster_of(rp.person_b)
    assert not was_together
    services.decide(rp, accept=True, reason="Zelfde persoon volgens casusoverleg", user=user)
    assert cluster_of(rp.person_a) == cluster_of(rp.person_b)
    services.run_batch()  # a re-link keeps the manual link
    services.run_batch()
    assert cluster_of(rp.person_a) == cluster_of(rp.person_b)
    assert PersonLink.objects.get(person=rp.person_a).method == "review"
    # a split: p2 is not the same man after all; survives a re-link; undo restores the model's view
    d = services.split(ps["p2"], reason="Broer met zelfde initialen", user=user)
    assert cluster_of(ps["p2"]) != cluster_of(ps["p1"])
    services.run_batch()
    assert cluster_of(ps["p2"]) != cluster_of(ps["p1"])
    for decision in d:
        services.revoke(decision, reason="Toch dezelfde persoon", user=user)
    assert cluster_of(ps["p2"]) == cluster_of(ps["p1"])
    assert LinkDecision.objects.filter(revoked_at__isnull=False).count() == len(d)


def test_accepting_two_different_bsns_is_refused():
    ps = make_registry()
    services.run_batch()
    rp = ReviewPair.objects.create(person_a=ps["p1"], person_b=ps["p7"], match_weight=-1.0, contributions=[])
    with pytest.raises(ValueError):
        services.decide(rp, accept=True, reason="fout", user=make_user(KETENREGISSEUR))
    assert cluster_of(ps["p1"]) != cluster_of(ps["p7"])


def test_link_person_on_arrival_matches_batch():
    ps = make_registry(PEOPLE[:-1])
    services.run_batch()
    org = ps["p1"].source
    new = Person.objects.create(
        source=org,
        source_key="new",
        voornamen="Pieter",
        tussenvoegsel="",
        achternaam="de Vries",
        geboortedatum="1980-03-12",
        geslacht="M",
        address=ps["p1"].address,
    )
    pl = services.link_person(new)
    assert pl.linked_person_id == cluster_of(ps["p1"])
    assert pl.method == "model"
    # the batch over everything decides the same
    services.run_batch()
    assert cluster_of(new) == cluster_of(ps["p1"])


def test_batch_imported_signal_links_new_persons():
    from zicht.registry.models import ImportBatch
    from zicht.registry.signals import batch_imported

    ps = make_registry(PEOPLE[:4])
    services.run_batch()
    org = ps["p1"].source
    batch = ImportBatch.objects.create(file_name="x.csv", file_sha256="0" * 64, profile="veilig-thuis", profile_sha256="0" * 64, source=org)
    new = Person.objects.create(
        source=org,
        source_key="sig",
        voornamen="Anna",
        achternaam="Jansen",
        geboortedatum="1982-07-01",
        geslacht="V",
        address=ps["p4"].address,
        import_batch=batch,
    )
    batch_imported.send(sender=ImportBatch, batch=batch)
    assert cluster_of(new) == cluster_of(ps["p4"])


def test_review_pages_for_ketenregisseur_only(client):
    make_registry()
    services.run_batch()
    rp = ReviewPair.objects.filter(status="open").first()
    make_user(BELEIDSMEDEWERKER, username="bm")
    client.login(username="bm", password=TEST_PASSWORD)
    assert client.get(reverse("linkage:review_queue")).status_code == 403
    client.logout()
    user = make_user(KETENREGISSEUR, username="kr", regio=make_region(REGION))
    client.login(username="kr", password=TEST_PASSWORD)
    resp = client.get(reverse("linkage:review_queue"))
    assert resp.status_code == 200 and b'class="masked"' in resp.content
    assert AccessLogEntry.objects.filter(record_type="linkage_queue", user=user).exists()
    # the pair page asks for a reason first
    url = reverse("linkage:pair_detail", args=[rp.pk])
    assert client.get(url).status_code == 302
    session = client.session
    store_reason(session_request(session), "linkage_pair", rp.pk, "koppeling")
    session.save()
    resp = client.get(url)
    assert resp.status_code == 200
    assert "Bijdrage per gegeven" in resp.content.decode()
    assert AccessLogEntry.objects.filter(record_type="linkage_pair", record_id=str(rp.pk), reason="koppeling").exists()
    resp = client.post(reverse("linkage:pair_decide", args=[rp.pk]), {"besluit": "reject", "reden": "Andere geboortedatum bevestigd"})
    assert resp.status_code == 302
    rp.refresh_from_db()
    assert rp.status == "rejected"
    d = LinkDecision.objects.get(review_pair=rp)
    assert d.decided_by == user and d.reason == "Andere geboortedatum bevestigd"
    assert client.get(reverse("linkage:decisions")).status_code == 200


class session_request:  # noqa: N801 - a minimal request object for store_reason
    def __init__(self, session):
        self.session = session


def test_link_command(capsys):
    from django.core.management import call_command

    make_registry()
    call_command("link")
    out = capsys.readouterr().out
    assert "Koppelrun" in out and "personen" in out


FAMILY = [
    ("m", "Nicole", "", "Hammeberg", "1984-12-29", "V", "A", "", 1, "slachtoffer"),
    ("d", "Lisa", "", "Hammeberg", "2012-05-01", "V", "A", "", 1, "kind"),
    # an advies naming "Hammeberg" only, at the address: mother or daughter?
    ("advies", "", "", "Hammeberg", "", "V", "A", "", 2, "slachtoffer"),
    ("elsewhere", "Kees", "", "Bakker", "1950-02-02", "M", "C", "", 3, "pleger"),
]


def test_ambiguous_registration_is_linked_to_nobody_and_reviewed_first_at_a_red_address():
    from django.utils import timezone

    from zicht.casework.models import ColourResult
    from zicht.linkage import priority

    ps = make_registry(FAMILY)
    services.run_batch()
    assert cluster_of(ps["m"]) != cluster_of(ps["d"])  # their dates of birth veto one person
    assert cluster_of(ps["advies"]) not in (cluster_of(ps["m"]), cluster_of(ps["d"]))  # no coin toss
    queue = {frozenset((rp.person_a_id, rp.person_b_id)): rp for rp in ReviewPair.objects.filter(status="open")}
    for other in ("m", "d"):
        rp = queue[frozenset((ps["advies"].pk, ps[other].pk))]
        assert rp.match_weight >= 0 and rp.priority == priority.CLUSTER_CHECK
    # the address turns red: the same pairs now come first
    ColourResult.objects.create(
        subject_type="address",
        subject_key=f"address:{ps['m'].address_id}",
        address=ps["m"].address,
        colour="rood",
        colour_rank=3,
        ruleset_version="test",
        ruleset_sha256="0" * 64,
        evaluated_at=timezone.now(),
    )
    services.run_batch()
    ranks = list(ReviewPair.objects.filter(status="open").values_list("priority", flat=True))
    assert ranks and ranks[0] == priority.URGENT and sorted(ranks, reverse=True) == ranks


def test_initials_only_source_gives_the_model_its_initials():
    """A wijkteam registers 'P.J.' in voorletters only: the record still carries a given-name initial."""
    org = make_organisation("wt-test", type="wijkteam", regio=make_region(REGION))
    p = Person.objects.create(source=org, source_key="w1", voornamen="", voorletters="P.J.", achternaam="Vries")
    (record,) = services.person_records(Person.objects.filter(pk=p.pk).select_related("address"))
    assert record["voornamen"] == "P.J."


def test_batch_run_reestimates_a_model_the_registry_has_outgrown():
    from zicht.linkage.models import LinkageModel

    old = LinkageModel.objects.create(params=_shipped_params(), link_threshold=0, review_threshold=-1, records=2)
    cfg = {"retrain_growth": 1.5}
    assert services._outgrown(old, 3, cfg) and not services._outgrown(old, 2, cfg)
    assert not services._outgrown(old, 1000, {"retrain_growth": 0})  # 0: only `zicht link --full` retrains


def _shipped_params():
    import json

    return json.loads(services.DEFAULT_MODEL.read_text())


def test_registry_benchmark_scores_the_links_and_rolls_arrivals_back(tmp_path):
    """`zicht bench registry-linkage`: the registry's links against a truth file; arrivals leave nothing."""
    from zicht.bench import registry_linkage
    from zicht.registry.models import ImportBatch

    ps = make_registry()
    org = ps["p1"].source
    batch = ImportBatch.objects.create(
        file_name="politie_incidenten.csv",
        file_sha256="0" * 64,
        profile="politie-bvh",
        profile_sha256="0" * 64,
        source=org,
        status="loaded",
    )
    truth_of = {"p1": "A", "p2": "A", "p3": "A", "p4": "B", "p5": "B", "p6": "C", "p7": "D", "p8": "E", "p9": "E", "p10": "F"}
    lines = ["source,record_id,row,person_id,household_id,address_id,role"]
    for row, (key, person) in enumerate(sorted(ps.items()), start=1):
        Person.objects.filter(pk=person.pk).update(import_batch=batch, source_row=row + 1)
        lines.append(f"politie,R,{row},{truth_of[key]},1,1,pleger")
    truth = tmp_path / "truth.csv"
    truth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    services.run_batch()
    links_before = sorted(PersonLink.objects.values_list("person_id", "linked_person_id"))

    out = registry_linkage.run({"truth": truth, "arrivals": 4, "seed": 1})

    assert out["registry_persons_matched"] == len(PEOPLE)
    assert out["zicht"]["all_records"]["true_pairs"] == 3 + 1 + 1  # A: three records, B and E: two each
    assert out["zicht"]["precision"] == 1.0 and out["zicht"]["recall"] >= 0.8
    assert out["arrival"]["arrivals"] == 4
    assert sorted(PersonLink.objects.values_list("person_id", "linked_person_id")) == links_before


def test_registry_benchmark_names_a_bad_truth_file(tmp_path):
    from django.core.management.base import CommandError

    from zicht.bench import registry_linkage

    with pytest.raises(CommandError, match="truth.csv"):
        registry_linkage.run({"truth": tmp_path / "missing.csv"})


# a namesake (same names and date of birth) in another household in the same woonplaats, registered in
# the same months as the man at A: two people; the man's partner moving with him to C: one person
NAMESAKES = [
    ("a1", "Pieter", "de", "Vries", "1980-03-12", "M", "A", "", 1, "pleger"),
    ("a2", "Anna", "", "Jansen", "1982-07-01", "V", "A", "", 1, "slachtoffer"),
    ("b1", "Mohamed", "el", "Amrani", "1975-01-20", "M", "B", "", 2, "pleger"),
    ("b2", "Fatima", "el", "Amrani", "1977-05-02", "V", "B", "", 2, "slachtoffer"),
    ("b3", "Pieter", "de", "Vries", "1980-03-12", "M", "B", "", 3, "betrokkene"),
    ("a3", "Pieter", "de", "Vries", "1980-03-12", "M", "A", "", 4, "pleger"),
]


def test_a_namesake_in_another_household_is_not_merged_in_the_batch_nor_on_arrival():
    ps = make_registry(NAMESAKES)
    services.run_batch()
    assert cluster_of(ps["a1"]) == cluster_of(ps["a3"])
    assert cluster_of(ps["b3"]) != cluster_of(ps["a1"])  # other people at each address, one period
    pairs = ReviewPair.objects.filter(person_a__in=[ps["a1"], ps["b3"], ps["a3"]], person_b__in=[ps["a1"], ps["b3"], ps["a3"]])
    assert pairs.exists() and {rp.reason for rp in pairs} == {"huishouden"}  # the reason the page shows
    # on arrival: another registration of the namesake at B does not join the man at A either
    org = ps["a1"].source
    new = Person.objects.create(
        source=org,
        source_key="b4",
        voornamen="Pieter",
        tussenvoegsel="de",
        achternaam="Vries",
        geboortedatum="1980-03-12",
        geslacht="M",
        address=ps["b1"].address,
    )
    report = Report.objects.create(source=org, source_record_id="R9", soort="melding", datum=date(2023, 2, 15), address=ps["b1"].address)
    ReportParty.objects.create(report=report, person=new, rol="betrokkene")
    pl = services.link_person(new)
    assert pl.linked_person_id != cluster_of(ps["a1"])
    assert ReviewPair.objects.get(person_a=ps["a1"], person_b=new).reason == "huishouden"


# a namesake living alone at B, named in reports with his ex-partner (at C); the man at A with his partner
NAMESAKE_WITH_EX = [
    ("a1", "Pieter", "de", "Vries", "1980-03-12", "M", "A", "", 1, "pleger"),
    ("a2", "Anna", "", "Jansen", "1982-07-01", "V", "A", "", 1, "slachtoffer"),
    ("b3", "Pieter", "de", "Vries", "1980-03-12", "M", "B", "", 3, "pleger"),
    ("c1", "Els", "", "Kok", "1979-11-30", "V", "C", "", 3, "slachtoffer"),
]


def test_a_namesake_with_other_co_parties_is_not_merged_in_the_batch_nor_on_arrival():
    """Issue 16 (session 14): nobody else is registered at B, so the address alone reads a move; the
    reports' other parties (Anna at A, Els at B's reports) differ, so two people: review, reason huishouden."""
    ps = make_registry(NAMESAKE_WITH_EX)
    assert services.person_records([ps["b3"]])[0]["melding"]  # the registration carries its report ids
    services.run_batch()
    assert cluster_of(ps["b3"]) != cluster_of(ps["a1"])
    pair = ReviewPair.objects.get(person_a=ps["a1"], person_b=ps["b3"])
    assert pair.reason == "huishouden"


def test_a_namesake_with_other_co_parties_is_not_merged_on_arrival():
    """As in the batch: Pieter arriving at B (nobody else registered there) in a report with Els is not
    the Pieter at A, named with Anna; without the reports' parties it would read a move."""
    ps = make_registry([r for r in NAMESAKE_WITH_EX if r[0] != "b3"])
    services.run_batch()
    new = _arrive(ps, "b4", "Pieter", "Vries", "1980-03-12", "M", Address.objects.get(postcode="5041CD"), month=6, rol="pleger")
    ReportParty.objects.create(report=Report.objects.get(source_record_id="R-b4"), person=ps["c1"], rol="slachtoffer")
    pl = services.link_person(new)
    assert pl.linked_person_id != cluster_of(ps["a1"])
    assert ReviewPair.objects.get(person_a=ps["a1"], person_b=new).reason == "huishouden"


def test_a_move_with_the_same_co_party_is_one_person_on_arrival():
    """A shared co-party (the partner named again in a report after the move) keeps a move a move, even
    when other people live at the new address (which alone would send the link to review)."""
    rows = NAMESAKE_WITH_EX[:2] + [("b1", "Sandra", "de", "Wit", "1983-02-02", "V", "B", "", 2, "slachtoffer")]
    ps = make_registry(rows)
    services.run_batch()
    new = _arrive(ps, "b4", "Pieter", "Vries", "1980-03-12", "M", ps["b1"].address, month=6, rol="pleger")
    report = Report.objects.get(source_record_id="R-b4")
    ReportParty.objects.create(report=report, person=ps["a2"], rol="slachtoffer")
    assert services.link_person(new).linked_person_id == cluster_of(ps["a1"])


MOTHER_AND_CHILD = [
    ("m1", "Anna", "", "Smit", "1970-01-01", "V", "A", "111222333", 1, "slachtoffer"),
    ("m2", "Anna", "", "Smit", "1970-01-01", "V", "A", "111222333", 2, "slachtoffer"),
    ("c1", "Lisa", "", "Smit", "2005-03-09", "V", "A", "123456782", 1, "kind"),
    ("c2", "Lisa", "", "Smit", "2005-03-09", "V", "A", "", 3, "kind"),
]


def _arrive(
    ps, key: str, voornamen: str, achternaam: str, dob, gender: str, address, bsn: str = "", month: int = 5, rol: str = "betrokkene"
):
    org = next(iter(ps.values())).source
    new = Person.objects.create(
        source=org,
        source_key=key,
        voornamen=voornamen,
        tussenvoegsel="",
        achternaam=achternaam,
        geboortedatum=dob,
        geslacht=gender,
        address=address,
        bsn_hash=bsn_hash(bsn) if bsn else "",
    )
    report = Report.objects.create(source=org, source_record_id=f"R-{key}", soort="melding", datum=date(2023, month, 1), address=address)
    ReportParty.objects.create(report=report, person=new, rol=rol)
    return new


def test_a_childs_registration_with_the_mothers_bsn_joins_the_child_on_arrival_as_in_the_batch():
    """Issue 16: the borrowed BSN (a parent's on a child's registration) is read as absent on arrival too."""
    ps = make_registry(MOTHER_AND_CHILD)
    services.run_batch()
    assert cluster_of(ps["c1"]) == cluster_of(ps["c2"]) != cluster_of(ps["m1"])
    new = _arrive(ps, "c3", "Lisa", "Smit", "2005-03-09", "V", ps["c1"].address, bsn="111222333")
    pl = services.link_person(new)
    assert pl.linked_person_id == cluster_of(ps["c1"])  # before: alone (the mother's BSN, another BSN than the child's)
    services.run_batch()
    assert cluster_of(new) == cluster_of(ps["c1"]) != cluster_of(ps["m1"])


def test_no_date_of_birth_beside_a_father_written_sr_waits_in_review_in_the_batch_and_on_arrival():
    """Issue 16: "sr." says a son of the same name exists at the address; a registration naming no generation fits both."""
    rows = [("f1", "Robert", "", "Houtberg sr.", "1974-03-04", "M", "A", "", 1, "pleger")]
    ps = make_registry(rows)
    services.run_batch()
    new = _arrive(ps, "r2", "Robert", "Houtberg", "", "M", ps["f1"].address)
    pl = services.link_person(new)
    assert pl.linked_person_id != cluster_of(ps["f1"])
    assert ReviewPair.objects.get(person_a=ps["f1"], person_b=new).reason == "tegengehouden"
    services.run_batch()
    assert cluster_of(new) != cluster_of(ps["f1"])
    assert ReviewPair.objects.filter(person_a=ps["f1"], person_b=new, status="open").exists()
