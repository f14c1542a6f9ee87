"""Risk factors (seed 000 table), suggestion rules and gap detection, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from zicht.areas import risk_factors as rf
from zicht.prevention.domain import bouwstenen as bs
from zicht.prevention.domain import gaps
from zicht.prevention.domain import suggestions as sug
from zicht.prevention.domain.suggestions import FactorSignal

TODAY = date(2026, 1, 1)


# --- seed 000, "Van risicofactor naar beleidskader" ---------------------------------------------------
@pytest.mark.parametrize(
    "code, types, frameworks",
    [
        ("verslaving", ["selectief", "geindiceerd"], ["oggz", "jeugdbeleid"]),
        ("eerdere_delicten", ["geindiceerd"], ["integraal_veiligheidsbeleid"]),
        ("armoede", ["universeel", "selectief"], ["armoedebeleid", "participatiebeleid"]),
        ("afhankelijkheid", ["universeel", "selectief"], ["mantelzorgbeleid", "sociaal_economisch_beleid", "ouderenbeleid", "jeugdbeleid"]),
        ("sociaal_isolement", ["universeel", "selectief"], ["participatiebeleid", "welzijnsbeleid", "ouderenbeleid"]),
        ("weerbaarheid", ["universeel", "selectief", "geindiceerd"], ["emancipatiebeleid", "ouderenbeleid"]),
    ],
)
def test_seed_000_table(code, types, frameworks):
    f = rf.factor(code)
    assert (list(f.prevention_types), list(f.policy_frameworks), f.source, f.frameworks_inferred) == (types, frameworks, "000", False)


def test_area_indicators_exist_in_the_geo_catalogue():
    from zicht.geo.cbs import INDICATORS as GEO

    assert sorted(k for k in rf.INDICATORS if k not in GEO) == []


@pytest.mark.parametrize(
    "indicator, factors",
    [
        ("pct_hh_laag_inkomen", ["armoede"]),
        ("bijstand_per_1000", ["armoede"]),
        ("pct_eenpersoonshhd", ["sociaal_isolement"]),
        ("pct_65plus", ["afhankelijkheid"]),
        ("pct_hhd_met_kind", ["opvoedingsbelasting"]),
        ("inwoners", []),
    ],
)
def test_factors_for_indicator(indicator, factors):
    assert [f.code for f in rf.factors_for_indicator(indicator)] == factors


@pytest.mark.parametrize(
    "value, reference, elevated",
    [(13.0, 9.7, True), (10.5, 9.7, False), (10.7, 9.7, True), (None, 9.7, None), (5.0, None, None), (1.0, 0.0, True), (0.0, 0.0, False)],
)
def test_is_elevated(value, reference, elevated):
    assert rf.is_elevated(value, reference) is elevated


# --- suggestions ---------------------------------------------------------------------------------
def entry(slug, types, factors, niveau="onbekend", datum=""):
    return {
        "slug": slug,
        "naam": slug.title(),
        "preventietypes": types,
        "risicofactoren": factors,
        "erkenningsniveau": niveau,
        "erkenningsdatum": datum,
    }


CATALOGUE = [
    entry("schuld", ["universeel", "selectief"], ["armoede"]),
    entry("opstap", ["selectief"], ["armoede", "opvoedingsbelasting"], "goed_onderbouwd", "2024-01-01"),
    entry("crisis", ["zorggericht"], ["opvoedingsbelasting"], "goede_aanwijzingen", "2024-01-01"),
    entry("onbekendtype", [], ["armoede"]),
    entry("mantelzorg", ["selectief"], ["zorgafhankelijkheid"]),
    entry("oud", ["selectief"], ["opvoedingsbelasting"], "goede_aanwijzingen", "2015"),
    entry("nieuw", ["selectief"], ["opvoedingsbelasting"], "goede_aanwijzingen", "2024-06-01"),
]


@pytest.mark.parametrize(
    "signals, expected",
    [
        ([], []),
        ([FactorSignal("armoede", False)], []),
        ([FactorSignal("armoede", None)], []),
        # armoede: U+S; the selective one that also covers opvoeding ranks by erkenning; unknown type last
        ([FactorSignal("armoede", True)], ["opstap", "schuld", "onbekendtype"]),
        # opvoeding: S+G, so the zorggerichte 'crisis' is not suggested; at equal level a current
        # erkenning ranks before an outdated one, and a stronger level before a weaker one
        ([FactorSignal("opvoedingsbelasting", True)], ["nieuw", "oud", "opstap"]),
        # covering two elevated factors beats a stronger erkenning on one
        ([FactorSignal("armoede", True), FactorSignal("opvoedingsbelasting", True)], ["opstap", "nieuw", "oud", "schuld", "onbekendtype"]),
        # seed 000 'afhankelijkheid' also matches seed 003 'zorgafhankelijkheid' interventions
        ([FactorSignal("afhankelijkheid", True)], ["mantelzorg"]),
    ],
)
def test_suggest_rules(signals, expected):
    assert [s.slug for s in sug.suggest(signals, CATALOGUE, area_name="Korvel", today=TODAY)] == expected


def test_suggestion_reason_names_area_figures_type_framework_and_intervention():
    signal = FactorSignal("armoede", True, indicator="pct_hh_laag_inkomen", value=13.0, gemeente_value=9.7)
    first = sug.suggest([signal], CATALOGUE, area_name="Korvel", today=TODAY)[0]
    assert first.reasons == [
        "Korvel: huishoudens met een laag inkomen 13,0% vs gemeente 9,7% → selectieve preventie, armoedebeleid, participatiebeleid → Opstap"
    ]
    assert first.policy_frameworks == ["armoedebeleid", "participatiebeleid"]


def test_unknown_type_is_said_in_the_reason():
    s = next(
        s for s in sug.suggest([FactorSignal("armoede", True)], CATALOGUE, area_name="Korvel", today=TODAY) if s.slug == "onbekendtype"
    )
    assert s.type_unknown and "preventietype onbekend" in s.reasons[0]


def test_outdated_flag_and_limit():
    result = sug.suggest([FactorSignal("opvoedingsbelasting", True)], CATALOGUE, area_name="K", today=TODAY, limit=2)
    assert [s.slug for s in result] == ["nieuw", "oud"]
    assert [s.outdated for s in result] == [False, True]


@pytest.mark.parametrize(
    "value, unit, text",
    [(13.0, "%", "13,0%"), (1234.56, "per 1.000 inwoners", "1.234,6 per 1.000 inwoners"), (None, "%", "onbekend")],
)
def test_format_number(value, unit, text):
    assert sug.format_number(value, unit) == text


def test_uncovered_factors():
    signals = [FactorSignal("armoede", True), FactorSignal("sociaal_isolement", True)]
    assert sug.uncovered_factors(signals, CATALOGUE) == ["sociaal_isolement"]


# --- gaps ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "contributions, missing",
    [
        ({}, bs.BOUWSTEEN_CODES),
        ({"a": {"vertrouwen", "taboe", "armoede"}, "b": {"opgroeien", "opvoeden", "zorgafhankelijkheid"}}, ["specialistisch"]),
        ({"a": set(bs.BOUWSTEEN_CODES)}, []),
    ],
)
def test_bouwsteen_gaps(contributions, missing):
    assert gaps.bouwsteen_gaps(contributions) == list(missing)


@pytest.mark.parametrize(
    "factors, offered, missing",
    [
        (["armoede", "sociaal_isolement"], {"org": {"armoede"}}, ["sociaal_isolement"]),
        (["afhankelijkheid"], {"org": {"zorgafhankelijkheid"}}, []),  # related factor counts
        (["verslaving"], {"org": {"ggz_lvb_verslaving"}}, []),
        (["armoede"], {}, ["armoede"]),
    ],
)
def test_risk_factor_gaps(factors, offered, missing):
    assert gaps.risk_factor_gaps(factors, offered) == missing


def test_find_gaps_combines_all():
    result = gaps.find_gaps(
        ["armoede", "opvoedingsbelasting"],
        {"school": {"opgroeien", "opvoeden"}},
        {"school": {"opvoedingsbelasting"}},
        matrix={p: set() for p in bs.PARTNER_TYPE_CODES},
    )
    assert result.risicofactoren_zonder_aanbod == ["armoede"]
    assert result.risicofactoren_zonder_bouwsteenpartner == ["armoede"]
    assert result.bouwstenen_zonder_partnertype == bs.BOUWSTEEN_CODES
    assert "armoede" in result.bouwstenen_zonder_partner and not result.empty()


def test_default_matrix_follows_seed_003():
    assert bs.DEFAULT_MATRIX["zorg_2e_lijn"] == {"specialistisch"}
    assert bs.DEFAULT_MATRIX["toegang"] == set(bs.BOUWSTEEN_CODES) - {"armoede"}
    assert bs.DEFAULT_MATRIX["veilig_thuis"] == {"taboe", "opgroeien", "opvoeden"}
    assert gaps.bouwsteen_gaps(bs.DEFAULT_MATRIX) == []
