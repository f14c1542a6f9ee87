"""The urgency hook: linkage asks the apps above it, by registration, never by model name."""

from __future__ import annotations

import pytest

from zicht.linkage import hooks


@pytest.fixture
def empty_hooks(monkeypatch):
    monkeypatch.setattr(hooks, "_URGENT", {})


@pytest.mark.parametrize(
    ("sources", "among", "expected"),
    [
        ({}, None, set()),  # nothing registered: nobody is urgent
        ({"a": lambda among: {1, 2}}, None, {1, 2}),
        ({"a": lambda among: {1, 2}, "b": lambda among: [2, 3]}, None, {1, 2, 3}),  # union
        ({"a": lambda among: {1, 2, 3}}, {2, 3, 4}, {2, 3}),  # only the ids asked about
    ],
)
def test_urgent_linked_persons_is_the_union_of_the_registered_sources(empty_hooks, sources, among, expected):
    for name, source in sources.items():
        hooks.register_urgent_persons(name, source)
    assert hooks.urgent_linked_persons(among) == expected


def test_registering_a_name_again_replaces_it(empty_hooks):
    hooks.register_urgent_persons("casework", lambda among: {1})
    hooks.register_urgent_persons("casework", lambda among: {2})
    assert hooks.urgent_linked_persons() == {2}
