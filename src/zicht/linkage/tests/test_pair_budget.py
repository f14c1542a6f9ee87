"""Memory bounded by pairs (issue 16): pairs per blocking rule counted before predicting, rules within a budget."""

import pandas as pd
import pytest

from zicht.linkage.engine import rule_pairs, rules_within_budget
from zicht.synth.density import CITY, CITY_PC4, CITY_TAIL, city_pools
from zicht.synth.names import COMMON_SURNAMES, NamePools
from zicht.synth.people import person_records


def test_rule_pairs_counts_the_equi_join_without_forming_pairs():
    feats = pd.DataFrame(
        {
            "sn_ph": ["jong", "jong", "jong", "fris", None],
            "dob": ["1980-01-01", "1980-01-01", "1990-01-01", "1980-01-01", "1980-01-01"],
            "init1": ["j", "j", "j", "p", "j"],
        }
    )
    assert rule_pairs(feats, ("sn_ph",)) == 3  # three 'jong': 3 pairs; a missing value never joins
    assert rule_pairs(feats, ("sn_ph", "dob")) == 1
    assert rule_pairs(feats, ("dob",)) == 6  # four on one date
    assert rule_pairs(feats, ("sn_ph", "?one_without_given")) == 3  # conditions not read: an upper bound


@pytest.mark.parametrize(
    "counts, n, per_record, kept, dropped",
    [
        ({("a",): 50, ("b",): 40, ("c",): 30}, 10, 10.0, [("a",), ("b",)], [("c",)]),  # 50 + 40 ≤ 100 < 120
        ({("a",): 50, ("b",): 80, ("c",): 30}, 10, 10.0, [("a",), ("c",)], [("b",)]),  # a later, smaller rule still fits
        ({("a",): 500, ("b",): 1}, 10, 10.0, [("a",)], [("b",)]),  # the first rule is always kept, even over the budget
        ({("a",): 50, ("b",): 40}, 10, 0, [("a",), ("b",)], []),  # no budget: every rule
    ],
)
def test_rules_within_budget(counts, n, per_record, kept, dropped):
    got_kept, got_dropped = rules_within_budget(counts, n, per_record)
    assert list(got_kept) == kept and list(got_dropped) == dropped


def test_city_density_concentrates_surnames_and_postcodes():
    country = person_records(3000, seed=5)
    city = person_records(3000, seed=5, density="city")
    assert set(city["woonplaats"].dropna()) == {CITY}
    assert city["postcode"].str[:4].isin([str(p) for p in CITY_PC4]).all()
    assert country["postcode"].str[:4].nunique() > 4 * city["postcode"].str[:4].nunique()
    # the surname tail is cut to CITY_TAIL names; the common surnames keep their weights, the total stays 1
    pools = NamePools.build(5)
    dense = city_pools(pools).dutch_surnames
    assert len(dense.items) == len(COMMON_SURNAMES) + CITY_TAIL < len(pools.dutch_surnames.items)
    assert dense.cum_weights[len(COMMON_SURNAMES) - 1] == pytest.approx(pools.dutch_surnames.cum_weights[len(COMMON_SURNAMES) - 1])
    assert dense.cum_weights[-1] == pytest.approx(pools.dutch_surnames.cum_weights[-1])
