"""factory_boy factories for the foundation models (geography, organisations, addresses, reports)."""

from __future__ import annotations

import datetime as dt

import factory

from zicht.geo.models import Buurt, Gemeente, Wijk
from zicht.registry.models import Address, Organisation, Report


class GemeenteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gemeente
        django_get_or_create = ("code",)

    code = "GM0855"
    naam = "Tilburg"
    indeling_jaar = 2024


class WijkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wijk
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WK0855{n % 100:02d}")
    naam = factory.Sequence(lambda n: f"Wijk {n}")
    gemeente = factory.SubFactory(GemeenteFactory)
    indeling_jaar = 2024


class BuurtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buurt
        django_get_or_create = ("code",)

    wijk = factory.SubFactory(WijkFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"BU{o.wijk.code[2:]}{n % 100:02d}")
    naam = factory.LazyAttribute(lambda o: f"{o.wijk.naam}, buurt")
    gemeente = factory.LazyAttribute(lambda o: o.wijk.gemeente)
    indeling_jaar = 2017


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = "politie-zwb"
    naam = "Politie Zeeland-West-Brabant"
    type = "politie"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address
        django_get_or_create = ("key",)

    postcode = "5021AB"
    huisnummer = factory.Sequence(lambda n: n + 1)
    toevoeging = ""
    key = factory.LazyAttribute(lambda o: f"{o.postcode}|{o.huisnummer}|{o.toevoeging}")
    straat = "Teststraat"
    woonplaats = "Tilburg"
    buurt = factory.SubFactory(BuurtFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    source = factory.SubFactory(OrganisationFactory)
    source_record_id = factory.Sequence(lambda n: f"REC-{n:06d}")
    soort = "incident"
    datum = factory.LazyFunction(lambda: dt.date(2025, 3, 1))
    aard = "ex_partnergeweld"
    address = factory.SubFactory(AddressFactory)
    buurt = factory.LazyAttribute(lambda o: o.address.buurt)
