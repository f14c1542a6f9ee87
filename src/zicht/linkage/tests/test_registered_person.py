"""``link_registered_person``: a person registered by hand (a verwijsindex signal) is linked by the
engine; where the engine finds no one, an exact BSN or name + birth date match is used for the
caller only; an engine error is not swallowed."""

from __future__ import annotations

import pytest

from zicht.linkage import services
from zicht.linkage.models import LinkedPerson, PersonLink
from zicht.registry.models import Address, Organisation, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organisation.objects.create(code="school", naam="School", type="onderwijs")


def _person(org, key, **fields):
    fields.setdefault("voornamen", "Tim")
    fields.setdefault("achternaam", "de Vries")
    fields.setdefault("geboortedatum", "2018-02-02")
    return Person.objects.create(source=org, source_key=key, **fields)


def _engine_finds_no_one(monkeypatch):
    def single(person):
        return PersonLink.objects.create(person=person, linked_person=LinkedPerson.objects.create(), method="single")

    monkeypatch.setattr(services, "link_person", single)


def test_exact_name_and_birth_date_at_the_same_address_is_used_but_not_written(org, monkeypatch):
    _engine_finds_no_one(monkeypatch)
    address = Address.objects.create(key="5021AB|12|", postcode="5021AB", huisnummer=12)
    earlier = _person(org, "a", address=address, voornamen="Tim ", achternaam="De  Vries")
    lp = LinkedPerson.objects.create()
    PersonLink.objects.create(person=earlier, linked_person=lp, method="single")
    new = _person(org, "b", address=address)
    linked, how = services.link_registered_person(new)
    assert (linked.pk, how) == (lp.pk, "naam_geboortedatum")
    assert PersonLink.objects.get(person=new).linked_person_id != lp.pk  # the engine's own link stands


def test_same_bsn_hash_wins(org, monkeypatch):
    _engine_finds_no_one(monkeypatch)
    earlier = _person(org, "a", bsn_hash="h1", voornamen="Anders")
    lp = LinkedPerson.objects.create()
    PersonLink.objects.create(person=earlier, linked_person=lp, method="bsn")
    assert services.link_registered_person(_person(org, "b", bsn_hash="h1")) == (lp, "bsn")


def test_no_match_is_a_new_linked_person(org, monkeypatch):
    _engine_finds_no_one(monkeypatch)
    new = _person(org, "b")
    linked, how = services.link_registered_person(new)
    assert how == "nieuw" and linked.pk == PersonLink.objects.get(person=new).linked_person_id


def test_the_real_engine(org):
    first = _person(org, "a", bsn_hash="h1")
    linked, how = services.link_registered_person(first)  # default model, nobody else: a cluster of one
    assert how == "nieuw" and PersonLink.objects.get(person=first).linked_person_id == linked.pk
    second, how = services.link_registered_person(_person(org, "b", bsn_hash="h1"))
    assert (second, how) == (linked, "koppeling")  # the engine joined its cluster (same BSN)


def test_an_engine_error_is_not_swallowed(org, monkeypatch):
    def broken(person):
        raise RuntimeError("engine failure")

    monkeypatch.setattr(services, "link_person", broken)
    with pytest.raises(RuntimeError):
        services.link_registered_person(_person(org, "b"))
