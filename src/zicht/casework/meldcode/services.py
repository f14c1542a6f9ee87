"""Applying Meldcode answers to a stored case through the pure state machine."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..domain import meldcode as mc
from .models import MeldcodeAnswer, MeldcodeCase


@transaction.atomic
def answer_case(case: MeldcodeCase, *, answer: str, user, toelichting: str = "", vervolgdatum: date | None = None) -> MeldcodeAnswer:
    """Record who answered what and when; refuse answers the afwegingskader does not allow."""
    case = MeldcodeCase.objects.select_for_update().get(pk=case.pk)
    try:
        step = mc.transition(case.state, answer, case.gemeld)
    except mc.InvalidTransition as exc:
        raise ValidationError(str(exc)) from exc
    if step.needs_followup and not vervolgdatum:
        raise ValidationError(gettext("Leg een vervolgdatum vast: wanneer beoordeelt u of de hulp tot duurzame veiligheid leidt?"))
    if vervolgdatum and vervolgdatum < timezone.localdate():
        raise ValidationError(gettext("De vervolgdatum ligt in het verleden."))
    record = MeldcodeAnswer.objects.create(
        case=case,
        question=step.question,
        answer=answer,
        toelichting=toelichting,
        samen_met_vt=step.samen_met_vt,
        outcome=step.outcome or "",
        next_state=step.next_state,
        vervolgdatum=vervolgdatum if step.needs_followup else None,
        answered_by=user,
    )
    case.state = step.next_state
    case.gemeld = case.gemeld or step.gemeld
    case.vervolgdatum = vervolgdatum if step.needs_followup else None
    if step.next_state in mc.TERMINAL:
        case.closed_at = timezone.now()
    case.save()
    return record
