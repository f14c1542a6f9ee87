"""Forms of the buurtregie set-up pages (issue 18)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zicht.access.roles import PROFESSIONAL
from zicht.geo.models import Wijk
from zicht.registry.models import Organisation

from .domain import rules, setup_rules
from .models import Buurtregie

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class BuurtregieForm(forms.ModelForm):
    wijk_code = forms.RegexField(
        regex=r"^WK\d{6}$",
        label=_("Wijkcode (CBS, bijvoorbeeld WK085517)"),
        max_length=8,
        error_messages={"invalid": _("Een wijkcode is WK en 6 cijfers.")},
    )

    class Meta:
        model = Buurtregie
        fields = ["naam", "organisation", "eerste_bijeenkomst", "interval_weken", "tijd", "locatie"]
        labels = {
            "naam": _("Naam van het overleg"),
            "organisation": _("Organiserende organisatie"),
            "eerste_bijeenkomst": _("Eerste bijeenkomst"),
            "interval_weken": _("Elke hoeveel weken"),
            "tijd": _("Tijd (optioneel)"),
            "locatie": _("Plaats (optioneel)"),
        }
        widgets = {"eerste_bijeenkomst": DATE, "tijd": TIME}

    field_order = ["naam", "wijk_code", "organisation", "eerste_bijeenkomst", "interval_weken", "tijd", "locatie"]

    def __init__(self, *args, gemeenten=frozenset(), **kwargs):
        """``gemeenten``: where the user may set up buurtregies (the wijk must lie in one of them)."""
        super().__init__(*args, **kwargs)
        self.gemeenten = gemeenten
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(gemeente_id__in=gemeenten) | Q(gemeente__isnull=True) | Q(pk=self.instance.organisation_id)
        ).order_by("naam")
        if self.instance.pk:
            self.fields["wijk_code"].initial = self.instance.wijk_id

    def clean_wijk_code(self):
        code = self.cleaned_data["wijk_code"]
        wijk = Wijk.objects.filter(code=code).only("code", "gemeente_id").first()
        if wijk is None:
            raise forms.ValidationError(_("Deze wijk is niet geladen (zicht load-geo)."))
        if wijk.gemeente_id not in self.gemeenten and wijk.code != self.instance.wijk_id:
            raise forms.ValidationError(_("Deze wijk ligt buiten de gemeenten die u beheert."))
        self.instance.wijk = wijk
        return code

    def clean_interval_weken(self):
        value = self.cleaned_data["interval_weken"]
        errors = setup_rules.schedule_errors(value)
        if errors:
            raise forms.ValidationError([_(e) for e in errors])
        return value


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Professional"), queryset=None)
    functie = forms.ChoiceField(label=_("Functie in de buurtregie"), choices=[(code, _(label)) for code, label in rules.FUNCTIONS])

    def __init__(self, *args, gemeenten=frozenset(), **kwargs):
        """``gemeenten``: professionals of organisations there (or without a gemeente) are offered."""
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, zicht_profile__role=PROFESSIONAL, zicht_profile__organisation__isnull=False)
            .filter(Q(zicht_profile__organisation__gemeente_id__in=gemeenten) | Q(zicht_profile__organisation__gemeente__isnull=True))
            .select_related("zicht_profile__organisation")
            .order_by("last_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.get_username()} ({u.zicht_profile.organisation.naam})"
