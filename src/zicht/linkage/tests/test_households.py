"""The household rule (``linkage.households``): episodes, chains of episodes, bounded (issue 13)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.linkage import households
from zicht.linkage.households import MAX_EPISODE_PERSONS, Observation, continues, derive


def o(person, address, d, report, rol="slachtoffer"):
    return Observation(person, address, d, report, rol)


def shape(hs):
    """Households as sorted member lists, sorted."""
    return sorted(sorted(h.members) for h in hs)


def spans(hs, person):
    """(members of the household, address, since, until) of one person's memberships, in time order."""
    rows = [(tuple(sorted(h.members)), m.address, m.since, m.until) for h in hs for m in h.memberships if m.linked_person == person]
    return sorted(rows, key=lambda r: r[2])


D = date(2020, 1, 1)


def day(n):
    return D + timedelta(days=n)


# --------------------------------------------------------------------------- the continuation rule, as a table


def test_continues_table():
    table = [
        # later, earlier, strength
        ({1, 2}, {1, 2, 3}, 2),  # two in common
        ({1, 2, 9}, {1, 2}, 2),  # two in common and a new person (a new partner, a child born)
        ({1}, {1, 2}, 1),  # every person of the later one was in the earlier one (part moved)
        ({1, 2}, {1, 3}, 0),  # one in common and someone new: a mover, not the household
        ({1}, {2}, 0),
        ({1, 9}, {1}, 0),  # one in common, someone new
    ]
    for later, earlier, strength in table:
        assert continues(frozenset(later), frozenset(earlier)) == strength, (later, earlier)


# --------------------------------------------------------------------------- the cases of issue 13


def test_a_mover_with_a_new_partner_starts_another_household():
    """W lives with X, leaves for her mother M, later lives with Y: three households, her
    membership of each ends at the first date she is seen in the next."""
    obs = [
        o(1, 10, day(0), 1), o(2, 10, day(0), 1, "pleger"),  # W and X at 10
        o(1, 20, day(400), 2), o(3, 20, day(400), 2, "pleger"),  # W and her mother at 20
        o(1, 30, day(900), 3), o(4, 30, day(900), 3, "pleger"),  # W and Y at 30
    ]  # fmt: skip
    hs = derive(obs)
    assert shape(hs) == [[1, 2], [1, 3], [1, 4]]
    assert spans(hs, 1) == [
        ((1, 2), 10, day(0), day(400)),
        ((1, 3), 20, day(400), day(900)),
        ((1, 4), 30, day(900), None),
    ]
    assert spans(hs, 2) == [((1, 2), 10, day(0), None)]  # X stays where he was


def test_a_family_moving_together_is_one_household_with_both_addresses():
    obs = [
        o(1, 10, day(0), 1), o(2, 10, day(0), 1, "pleger"), o(3, 10, day(30), 2, "kind"),
        o(1, 20, day(700), 3), o(2, 20, day(700), 3, "pleger"), o(3, 20, day(700), 3, "kind"),
    ]  # fmt: skip
    (h,) = derive(obs)
    assert h.members == {1, 2, 3}
    assert {(m.linked_person, m.address, m.since, m.until) for m in h.memberships} == {
        (1, 10, day(0), day(700)), (2, 10, day(0), day(700)), (3, 10, day(30), day(700)),
        (1, 20, day(700), None), (2, 20, day(700), None), (3, 20, day(700), None),
    }  # fmt: skip


def test_part_of_a_household_moving_keeps_its_identity():
    """Mother and child move to another address without the father: every person of the later
    episode was in the earlier one, so it is the same household (the father stays in it)."""
    obs = [
        o(1, 10, day(0), 1),
        o(2, 10, day(0), 1, "pleger"),
        o(3, 10, day(0), 1, "kind"),
        o(1, 20, day(500), 2),
        o(3, 20, day(500), 2, "kind"),
    ]
    (h,) = derive(obs)
    assert h.members == {1, 2, 3}
    assert spans([h], 1)[-1][1:] == (20, day(500), None)


def test_a_child_reported_by_school_at_the_parents_address_within_the_window_is_in_their_household():
    obs = [o(1, 10, day(0), 1), o(2, 10, day(0), 1, "pleger"), o(3, 10, day(200), 2, "kind"), o(9, 10, day(200), 2, "melder")]
    assert shape(derive(obs)) == [[1, 2, 3]]  # the melder (school) in none


def test_a_report_years_later_at_the_same_address_with_someone_new_is_another_household():
    obs = [o(1, 10, day(0), 1), o(2, 10, day(0), 1, "pleger"), o(3, 10, day(1000), 2)]
    assert shape(derive(obs)) == [[1, 2], [3]]
    # the same couple years later at the same address: the same household
    obs.append(o(1, 10, day(2000), 3))
    obs.append(o(2, 10, day(2000), 3, "pleger"))
    assert shape(derive(obs)) == [[1, 2], [3]]


def test_a_chain_of_fifty_addresses_linked_by_single_movers_is_no_household_larger_than_the_cap():
    """The 15,657-member household of the pipeline benchmark: person i lives at address i with
    person i+1, who moves on to address i+1. The old rule made one household of all 51."""
    obs = []
    for i in range(50):
        obs += [o(i, 1000 + i, day(100 * i), 2 * i), o(i + 1, 1000 + i, day(100 * i + 10), 2 * i + 1, "pleger")]
    hs = derive(obs)
    assert max(len(h.members) for h in hs) <= MAX_EPISODE_PERSONS
    assert max(len(h.members) for h in hs) == 2 and len(hs) == 50
    # a person is in two households over time, never in two at once
    assert spans(hs, 7) == [((6, 7), 1006, day(610), day(700)), ((7, 8), 1007, day(700), None)]


def test_an_address_with_more_persons_in_one_window_than_the_cap_joins_only_co_reports():
    many = MAX_EPISODE_PERSONS + 1
    obs = [o(p, 10, day(p), 100 + p) for p in range(many)]  # a shelter: one person per report, all within the window
    obs += [o(50, 10, day(5), 105, "pleger")]  # a co-report: person 5 with 50
    hs = derive(obs)
    assert [sorted(h.members) for h in hs if len(h.members) > 1] == [[5, 50]]
    assert len(hs) == many
    # one fewer person: the run is one episode, one household
    fewer = [x for x in obs if x.linked_person not in (0, 50)]
    assert shape(derive(fewer)) == [list(range(1, many))]


def test_reports_without_address_join_only_their_own_persons():
    obs = [o(1, None, day(0), 1), o(2, None, day(0), 1, "pleger"), o(3, None, day(10), 2)]
    assert shape(derive(obs)) == [[1, 2], [3]]


def test_group_gives_the_member_sets():
    obs = [o(1, 10, day(0), 1), o(2, 10, day(0), 1, "pleger")]
    assert households.group(obs) == [{1, 2}]


# --------------------------------------------------------------------------- properties

observations = st.lists(
    st.builds(
        Observation,
        st.integers(0, 12),
        st.one_of(st.none(), st.integers(0, 5)),
        st.integers(0, 1500).map(day),
        st.integers(0, 15),
        st.sampled_from(["slachtoffer", "pleger", "kind", "melder"]),
    ),
    max_size=40,
)


def canonical(hs):
    return sorted(
        (
            sorted(h.members),
            sorted((m.linked_person, m.since, m.until or date.max, -1 if m.address is None else m.address) for m in h.memberships),
        )
        for h in hs
    )


@settings(max_examples=150, deadline=None)
@given(observations, st.randoms(use_true_random=False))
def test_households_do_not_depend_on_the_order_of_the_observations(obs, rnd):
    shuffled = list(obs)
    rnd.shuffle(shuffled)
    assert canonical(derive(obs)) == canonical(derive(shuffled))


@settings(max_examples=150, deadline=None)
@given(observations)
def test_every_person_has_at_most_one_open_span_and_spans_do_not_overlap(obs):
    hs = derive(obs)
    per_person: dict[int, list] = {}
    for h in hs:
        assert h.members == {m.linked_person for m in h.memberships}
        for m in h.memberships:
            assert m.until is None or m.since <= m.until
            per_person.setdefault(m.linked_person, []).append(m)
    for rows in per_person.values():
        rows.sort(key=lambda m: (m.since, m.until is None, m.until or m.since))
        assert sum(1 for m in rows if m.until is None) == 1
        for a, b in zip(rows, rows[1:]):
            assert a.until is not None and a.until <= b.since
    household_persons = {x.linked_person for x in obs if x.rol in households.HOUSEHOLD_ROLES}
    assert set(per_person) == household_persons


@settings(max_examples=150, deadline=None)
@given(observations)
def test_each_episode_continues_an_earlier_one_of_its_household_or_none_at_all(obs):
    hs = derive(obs)
    household_of = {id(e): i for i, h in enumerate(hs) for e in h.episodes}
    eps = sorted((e for h in hs for e in h.episodes), key=lambda e: e.key)
    for k, e in enumerate(eps):
        earlier = [p for p in eps[:k] if continues(e.persons, p.persons)]
        first_of_household = all(household_of[id(p)] != household_of[id(e)] for p in eps[:k])
        if first_of_household:
            assert not earlier  # it starts a household: it continues nothing
        else:
            best = max(continues(e.persons, p.persons) for p in earlier)
            chosen = [p for p in earlier if continues(e.persons, p.persons) == best]
            assert household_of[id(chosen[-1])] == household_of[id(e)]  # most in common, then the latest
