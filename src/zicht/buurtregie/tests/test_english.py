"""Issue 18 item 6: the buurtregie's agenda, weighing form, outcomes and messages in English; Dutch unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zicht.buurtregie.models import Weighing

from .test_views import (
    _weigh,
    login,
    world,  # noqa: F401, F811 (the fixture)
)

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_agenda_and_its_weighing_form_in_english(world):  # noqa: F811
    c = english(login(world["coach"]))
    body = c.get(reverse("buurtregie:agenda", args=[world["regie"].pk])).content.decode()
    assert '<html lang="en">' in body
    for text in (
        "Outcome of the weighing",
        "Watch (stays on the agenda)",
        "Organise a case conference",
        "Who carries out the action",
        "Due by",
    ):
        assert text in body, text
    for dutch in (
        "Uitkomst van de weging",
        "Volgen (blijft op de agenda)",
        "Casusoverleg organiseren",
        "Wie voert de actie uit",
        "Uiterlijk op",
    ):
        assert dutch not in body, dutch
    # the members' functions in the owner choice come from the model's choices
    assert "Community police officer" in body and "Wijkagent" not in body


def test_weighing_errors_and_messages_follow_the_language(world):  # noqa: F811
    regie, match = world["regie"], world["signals"][0].matches.get()
    c = english(login(world["coach"]))
    # the domain's errors (marked N_) are translated where they are raised, with the minimum length filled in
    resp = _weigh(c, regie, match.pk, uitkomst="meldcode", reden="kort")
    shown = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert resp.status_code == 302 and not Weighing.objects.exists()
    assert "Give the reason for the weighing (at least 10 characters)." in shown
    assert "This outcome needs an agreed action: who does what, and when." in shown
    due = timezone.localdate() + timedelta(days=7)
    _weigh(
        c,
        regie,
        match.pk,
        uitkomst="volgen",
        reden="We volgen dit de komende weken",
        actie="Bellen",
        eigenaar=world["members"]["juf"].pk,
        datum=due.isoformat(),
    )
    shown = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert f"Agenda item {match.pk} has been weighed: watch (stays on the agenda)." in shown


def test_dutch_is_unchanged(world):  # noqa: F811
    regie, match = world["regie"], world["signals"][0].matches.get()
    c = login(world["coach"])
    body = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert '<html lang="nl">' in body and "Uitkomst van de weging" in body and "Volgen (blijft op de agenda)" in body
    assert "Outcome of the weighing" not in body
    _weigh(c, regie, match.pk, uitkomst="meldcode", reden="kort")
    shown = c.get(reverse("buurtregie:agenda", args=[regie.pk])).content.decode()
    assert "Geef de reden van de weging (ten minste 10 tekens)." in shown
