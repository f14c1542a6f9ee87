"""Views of the access app: reason (purpose) form, two-factor pages, the access log, OIDC entry points."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.core.i18n import lazy_choices, translated
from zicht.core.redirects import safe_next
from zicht.core.spreadsheet import csv_writer, defuse_cell

from . import roles
from .middleware import two_factor_passed, two_factor_required
from .models import AccessLogEntry, RetentionRun
from .oidc import ZichtOIDCCallbackView
from .purpose import REASONS, store_reason
from .roles import PERSONAL_DATA_ROLES
from .rules import log_access, login_only, requires
from .totp import qr_svg, secret_base32


def _safe_next(request, default: str = "/") -> str:
    return safe_next(request, default)


# --- purpose binding -------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden van inzage"), choices=lazy_choices(REASONS), widget=forms.RadioSelect)
    toelichting = forms.CharField(label=_("Toelichting (optioneel, geen persoonsgegevens)"), required=False, max_length=200)


@requires(*PERSONAL_DATA_ROLES)
def reason(request):
    record_type = request.GET.get("type", "")[:40]
    record_id = request.GET.get("id", "")[:80]
    next_url = _safe_next(request)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = dict(REASONS)[form.cleaned_data["reason"]]
        if form.cleaned_data["toelichting"]:
            text = f"{text}: {form.cleaned_data['toelichting']}"
        store_reason(request, record_type, record_id, text)
        return redirect(next_url)
    return render(request, "access/reason.html", {"form": form, "record_type": record_type, "next": next_url})


# --- two-factor authentication (TOTP) ---------------------------------------------------------


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("Zescijferige code uit uw authenticator-app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("Vul de zes cijfers uit de app in.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _verify(request, device, token: str) -> bool:
    from django_otp import login as otp_login

    if device.verify_token(token.strip()):
        otp_login(request, device)
        request.session.cycle_key()  # new session id after the privilege step
        return True
    return False


@login_only
def two_factor(request):
    """After the password: enter the TOTP code, or enrol a device first if there is none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    next_url = _safe_next(request)
    if not two_factor_required(request.user) or two_factor_passed(request):
        return redirect(next_url)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("/account/2fa/instellen/?" + urlencode({"next": next_url}))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _verify(request, device, form.cleaned_data["otp_token"]):
            return redirect(next_url)
        form.add_error("otp_token", gettext("Deze code klopt niet of is al gebruikt. Wacht op de volgende code."))
    return render(request, "access/two_factor.html", {"form": form, "next": next_url})


@login_only
def two_factor_setup(request):
    """Enrol a TOTP device: QR code (SVG, rendered here, no external service) and confirmation."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    next_url = _safe_next(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("/account/2fa/?" + urlencode({"next": next_url}))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator-app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            from django_otp import login as otp_login

            otp_login(request, device)
            request.session.cycle_key()
            messages.success(request, gettext("Tweestapsverificatie is ingesteld."))
            return redirect(next_url)
        form.add_error("otp_token", gettext("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer de volgende code."))

    return render(
        request,
        "access/two_factor_setup.html",
        {"form": form, "next": next_url, "qr_svg": qr_svg(device.config_url), "secret": secret_base32(device)},
    )


# --- the access log (privacy officer) ---------------------------------------------------------


class AccessLogFilter(forms.Form):
    gebruiker = forms.CharField(label=_("Gebruiker"), required=False, max_length=150)
    record_type = forms.CharField(label=_("Soort dossier"), required=False, max_length=40)
    record_id = forms.CharField(label=_("Dossiernummer"), required=False, max_length=80)
    actie = forms.ChoiceField(label=_("Actie"), required=False, choices=[("", _("Alle"))] + lazy_choices(AccessLogEntry.ACTIONS))
    van = forms.DateField(label=_("Van (datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met (datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise forms.ValidationError(_("De begindatum ligt na de einddatum."))
        return data


def filter_log(qs, data: dict):
    """Apply the privacy officer's search (user, record, action, date range) to the log."""
    if data.get("gebruiker"):
        qs = qs.filter(username__iexact=data["gebruiker"].strip())
    if data.get("record_type") and not data.get("record_id"):
        qs = qs.filter(record_type=data["record_type"].strip())
    if data.get("record_id"):
        # The entry itself names the record, or the record was among those a list/export showed.
        direct, shown = {"record_id": data["record_id"].strip()}, {"records__record_id": data["record_id"].strip()}
        if data.get("record_type"):
            direct["record_type"] = shown["records__record_type"] = data["record_type"].strip()
        qs = qs.filter(Q(**direct) | Q(**shown)).distinct()
    if data.get("actie"):
        qs = qs.filter(action=data["actie"])
    tz = timezone.get_current_timezone()
    if data.get("van"):
        qs = qs.filter(at__gte=dt.datetime.combine(data["van"], dt.time.min, tzinfo=tz))
    if data.get("tot"):
        qs = qs.filter(at__lt=dt.datetime.combine(data["tot"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


EXPORT_COLUMNS = ["at", "username", "role", "organisation", "action", "record_type", "record_id", "reason", "path", "ip"]


def _csv_cell(value) -> str:
    return defuse_cell("" if value is None else str(value))  # no formula injection (zicht.core.spreadsheet)


@requires(roles.PRIVACY_OFFICER)
def accesslog(request):
    form = AccessLogFilter(request.GET or None)
    qs = AccessLogEntry.objects.all()
    if form.is_bound and form.is_valid():
        qs = filter_log(qs, form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()
    if request.GET.get("export") == "csv" and (not form.is_bound or form.is_valid()):
        ids = list(qs.values_list("pk", flat=True))
        criteria = ", ".join(f"{k}={v}" for k, v in (form.cleaned_data.items() if form.is_bound else []) if v)
        log_access(
            request,
            action="export",
            record_type="accesslog",
            record_id=f"{len(ids)} regels",
            reason=f"Export toegangslog {criteria}"[:300],
            records=ids,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="toegangslog-{timezone.localdate():%Y%m%d}.csv"'
        response.write("\ufeff")
        writer = csv_writer(response, delimiter=";")
        writer.writerow(EXPORT_COLUMNS)
        for entry in qs.filter(pk__lte=max(ids, default=0)).iterator(chunk_size=2000):
            writer.writerow(
                [_csv_cell(timezone.localtime(entry.at).isoformat() if c == "at" else getattr(entry, c)) for c in EXPORT_COLUMNS]
            )
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    # Reading the log is a read of (employee) personal data: the entries shown are recorded too.
    log_access(request, action="view", record_type="accesslog", reason="Toegangslog inzien", records=[e.pk for e in page.object_list])
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("export", None)
    return render(
        request,
        "access/accesslog.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "runs": RetentionRun.objects.all()[:10],
            "role_labels": translated(dict(roles.ROLES)),
        },
    )


# --- OpenID Connect (optional single sign-on) -------------------------------------------------


def oidc_authenticate(request):
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is niet ingeschakeld")
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request):
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is niet ingeschakeld")

    return ZichtOIDCCallbackView.as_view()(request)


oidc_authenticate.zicht_public = True
oidc_callback.zicht_public = True
