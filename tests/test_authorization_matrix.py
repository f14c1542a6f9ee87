"""The authorization matrix, generated from the URL configuration.

For every URL pattern × every role (and anonymous) × own / other organisation, the expected
answer follows from what the view declares with ``@requires`` (``zicht_roles``):

- a view without ``zicht_roles`` that is not explicitly public (``zicht_public``) fails the test;
- anonymous → sent to the login page (401 for the API);
- a role outside ``zicht_roles`` → 403 (a 405 for a method the view does not serve also leaks nothing);
- a role inside ``zicht_roles`` → never 401/403 for its own records and never a server error;
- a professional (own organisation) and a ketenregisseur (own Veilig Thuis region) opening a record of
  another organisation in another region by id → 403 or 404, never the page;
- a view that shows personal data (``zicht_personal_data`` / ``zicht_purpose``) writes an access-log
  entry whenever it shows a page.

Records are made generically: every model of a Zicht app that belongs to an organisation (directly,
or through an address, report, person or household) gets one instance with id OTHER (organisation B,
region B) and one with id OWN (organisation A, region A), so any ``<int:…>`` in a URL points at a real
record of a known owner, whatever model the view reads.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from zicht.access import roles as access_roles
from zicht.access.models import AccessLogEntry
from zicht.core.testing import make_gemeente, make_organisation, make_region, make_user

OWN, OTHER = 4243, 4242
ANONYMOUS = "anonymous"
# Paths Zicht does not own: the admin (staff only; tested separately below).
SKIP_PREFIXES = ("beheer/",)


def walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def declared(callback, attr: str, default=None):
    """A view's declaration, on the function (``requires``) or on its class (CBV, DRF)."""
    if hasattr(callback, attr):
        return getattr(callback, attr)
    for holder in ("view_class", "cls"):
        klass = getattr(callback, holder, None)
        if klass is not None and hasattr(klass, attr):
            return getattr(klass, attr)
    return default


ROUTES = [(route, name, cb) for route, name, cb in walk(get_resolver().url_patterns) if not route.startswith(SKIP_PREFIXES)]
SAMPLE_STR = {"fmt": "csv", "format": "json", "code": "GM0855", "gemeente": "GM0855"}
GEMEENTE = {OWN: "GM0855", OTHER: "GM0796"}

# The only views anyone may open without signing in. A view marked public (zicht_public) that is
# not listed here, or a listed one that is not public, fails test_public_views_are_exactly_the_allow_list.
PUBLIC_VIEWS = {
    "healthz",  # liveness probe, no data
    "access:login",
    "access:logout",  # signing in and out
    "access:oidc_authenticate",
    "access:oidc_callback",  # single sign-on round trip
    "api:openapi",
    "api:schema",
    "api:schema_slash",  # the API description, no data
    "api:not_found",  # an unknown address under /api/: a 404 problem+json (401 for anonymous callers), no data
    "set_language",  # the language switch (issue 18): stores a preference, no data
}


# Every <str:>/<slug:> argument is either the id of a tenant's record (filled with the real value of
# organisation A or B, so "another tenant" is tested with an id that exists) or not tenant-owned
# (with the reason). An argument in neither list fails test_every_text_id_is_classified.
def _gemeente_code(world, pk):
    return world[pk]["geo.gemeente"].code


def _region_code(world, pk):
    return world[pk]["geo.vtregio"].code


TENANT_STR = {
    ("prevention:organisation_edit", "code"): lambda world, pk: world[pk]["registry.organisation"].code,
    # Registry figures are scoped by gemeente and region (zicht.access.domain.figure_scope): the
    # area code of gemeente B (region B) must be refused to the users of gemeente A (region A).
    ("areas:wijk", "code"): lambda world, pk: world[pk]["geo.wijk"].code,
    ("areas:factsheet", "code"): _gemeente_code,
    ("areas:factsheet_pdf", "code"): _gemeente_code,
    ("areas:export_csv", "code"): _gemeente_code,
    ("areas:export_xlsx", "code"): _gemeente_code,
    ("areas:region", "code"): _region_code,
    ("areas:region_csv", "code"): _region_code,
    ("areas:region_xlsx", "code"): _region_code,
    ("areas:infographic", "code"): _gemeente_code,
    ("areas:infographic_download", "code"): _gemeente_code,
    ("areas:region_infographic", "code"): _region_code,
    ("areas:region_infographic_download", "code"): _region_code,
    ("areas:region_pdf", "code"): _region_code,
    ("api:gebied_cijfers", "code"): _gemeente_code,
    ("api:regio_cijfers", "code"): _region_code,
}
NOT_TENANT_STR = {
    "fmt": "output format",
    "format": "output format",
    "code": "an area code of public CBS figures only (api:gebied_risicoprofiel): not records of a tenant",
    "slug": "the national interventions catalogue (the same for every gemeente)",
}


def build_path(route: str, pk: int, name: str | None = None, world=None) -> str | None:
    """Fill the converters of a route; None for regex routes this test cannot fill."""
    if route.startswith("^") or "(?P" in route:
        return None

    def fill(match):
        converter, arg = match.group(1) or "str", match.group(2)
        if converter == "int":
            return str(pk)
        if converter == "uuid":
            return str(uuid.UUID(int=pk))
        if converter == "path":
            return "x"
        if world is not None and (name, arg) in TENANT_STR:
            return TENANT_STR[(name, arg)](world, pk)
        return SAMPLE_STR.get(arg, f"x{pk}")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


# Roles that see a record type installation-wide by design (with the reason); everyone else must
# get 403/404 for another tenant's id.
INSTALLATION_WIDE = {
    ("registry:batch", access_roles.FUNCTIONEEL_BEHEERDER): "import batches hold no personal data; the beheerder runs every import",
    ("registry:batch_rejects_csv", access_roles.FUNCTIONEEL_BEHEERDER): "rejects carry row, field and reason only, no values",
}
# Tables rebuilt as a whole by a link decision (derived from all persons, not a tenant's own
# record): a decision in tenant A may renumber them; what they say about B does not change.
DERIVED = {"linkage.householdmember"}


def text_args(route: str) -> list[str]:
    return [arg for conv, arg in re.findall(r"<(?:(\w+):)?(\w+)>", route) if (conv or "str") in ("str", "slug")]


# --- a world with two organisations in two regions ---------------------------------------------


def _sample_value(field, pk: int):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"x{pk}@example.org"
    if isinstance(field, models.SlugField):
        return f"x{pk}"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"x{pk}"[: field.max_length or 20]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2024, 1, 1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    raise LookupError(field)


def build_world():
    from zicht.geo.models import Buurt, Wijk
    from zicht.linkage.models import Household, HouseholdMember, LinkedPerson, PersonLink
    from zicht.registry.models import Address, Person, Report, ReportParty

    world = {}
    for pk, tag, gm, region in [(OWN, "a", "GM0855", "Midden-Brabant"), (OTHER, "b", "GM0796", "Brabant-Noordoost")]:
        gemeente = make_gemeente(code=gm, naam=f"Gemeente {tag}", indeling_jaar=2024, regio=region)
        wijk = Wijk.objects.create(code=f"WK{gm[2:]}01", naam="Wijk", gemeente=gemeente, indeling_jaar=2024)
        buurt = Buurt.objects.create(code=f"BU{gm[2:]}0101", naam="Buurt", wijk=wijk, gemeente=gemeente, indeling_jaar=2024)
        vtregio = make_region(region)
        org = make_organisation(f"org-{tag}", gemeente=gemeente, regio=vtregio, wijk=wijk)
        professional = make_user(access_roles.PROFESSIONAL, username=f"professional-{tag}", organisation=org)
        keten = make_user(access_roles.KETENREGISSEUR, username=f"ketenregisseur-{tag}", organisation=org, regio=make_region(region))
        address = Address.objects.create(pk=pk, key=f"50{pk}AB|1|", postcode=f"50{pk % 100:02d}AB", huisnummer=1, buurt=buurt)
        report = Report.objects.create(
            pk=pk, source=org, source_record_id=f"R{pk}", soort="incident", datum=dt.date(2024, 1, 1), address=address, buurt=buurt
        )
        person = Person.objects.create(
            pk=pk, source=org, source_key=f"P{pk}", voornamen="Test", achternaam=f"Persoon{tag}", address=address
        )
        ReportParty.objects.create(report=report, person=person, rol="slachtoffer")
        linked = LinkedPerson.objects.create(pk=pk)
        PersonLink.objects.create(person=person, linked_person=linked, method="single")
        household = Household.objects.create(pk=pk)
        HouseholdMember.objects.create(household=household, linked_person=linked, address=address)
        world[pk] = {
            "registry.organisation": org,
            "registry.address": address,
            "registry.report": report,
            "registry.person": person,
            "linkage.linkedperson": linked,
            "linkage.household": household,
            "geo.buurt": buurt,
            "geo.wijk": wijk,
            "geo.gemeente": gemeente,
            "geo.vtregio": vtregio,
            "user": professional,
            "professional": professional,
            "ketenregisseur": keten,
        }
    _generic_instances(world)
    return world


OWNED_THROUGH = {
    "registry.organisation",
    "registry.address",
    "registry.report",
    "registry.person",
    "linkage.household",
    "linkage.linkedperson",
    "geo.gemeente",
}


def _generic_instances(world) -> None:
    """One instance per organisation-owned model of a Zicht app, with the same ids OWN and OTHER."""
    from django.contrib.auth import get_user_model

    user_label = get_user_model()._meta.label_lower
    candidates = [m for m in apps.get_models() if m.__module__.startswith("zicht.") and m._meta.label_lower not in world[OWN]]
    for _round in range(3):
        for model in list(candidates):
            fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
            if not any(f.related_model._meta.label_lower in OWNED_THROUGH for f in fks):
                candidates.remove(model)
                continue
            made = True
            for pk in (OWN, OTHER):
                values = {}
                try:
                    for field in model._meta.concrete_fields:
                        if (
                            field.primary_key
                            or field.has_default()
                            or getattr(field, "auto_now", False)
                            or getattr(field, "auto_now_add", False)
                        ):
                            continue
                        if isinstance(field, models.ForeignKey):
                            label = field.related_model._meta.label_lower
                            target = world[pk]["user"] if label == user_label else world[pk].get(label)
                            if target is None and not field.null:
                                raise LookupError(label)
                            values[field.name] = target
                        elif not (field.null or field.blank):
                            values[field.name] = _sample_value(field, pk)
                    with transaction.atomic():
                        obj = model(pk=pk, **values)
                        obj.save()
                    world[pk][model._meta.label_lower] = obj
                except (LookupError, IntegrityError, ValueError, TypeError):
                    made = False
                    break
            if made:
                candidates.remove(model)


def login(client: Client, role: str, world, owner: int = OWN):
    if role == ANONYMOUS:
        client.logout()
        return
    if role in (access_roles.PROFESSIONAL, access_roles.KETENREGISSEUR):
        user = world[owner][role]
    else:
        from django.contrib.auth import get_user_model

        name = f"{role}-matrix-{owner}"
        user = get_user_model().objects.filter(username=name).first() or make_user(
            role, username=name, gemeente=world[owner]["geo.gemeente"]
        )
    client.force_login(user)
    # Purpose binding: state a reason for every record type, so the test reaches the view itself.
    purposes = {}
    for _route, _name, callback in ROUTES:
        record_type = declared(callback, "zicht_purpose")
        if record_type:
            for pk in (OWN, OTHER):
                purposes[f"{record_type}:{pk}"] = "Test autorisatiematrix"
    session = client.session
    session["zicht_purposes"] = purposes
    session.save()


# --- the tests -----------------------------------------------------------------------------------


def test_every_view_declares_who_may_open_it():
    missing = [
        f"/{route} ({name})"
        for route, name, callback in ROUTES
        if declared(callback, "zicht_roles") is None and not declared(callback, "zicht_public", False)
    ]
    assert not missing, "Views without @requires (or zicht_public): " + ", ".join(missing)


def test_declared_roles_are_known_roles():
    for route, _name, callback in ROUTES:
        roles = declared(callback, "zicht_roles")
        if roles is not None:
            assert set(roles) <= access_roles.ALL_ROLES, f"/{route}: unknown roles {set(roles) - access_roles.ALL_ROLES}"


def test_personal_data_views_are_only_for_roles_with_a_legal_basis():
    for route, _name, callback in ROUTES:
        if declared(callback, "zicht_personal_data", False) or declared(callback, "zicht_purpose"):
            roles = set(declared(callback, "zicht_roles") or ())
            assert roles <= access_roles.PERSONAL_DATA_ROLES, (
                f"/{route} shows personal data to {sorted(roles - access_roles.PERSONAL_DATA_ROLES)}"
            )


PROTECTED = [(route, name, cb) for route, name, cb in ROUTES if not declared(cb, "zicht_public", False)]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,callback", PROTECTED, ids=[f"/{route}" for route, _, _ in PROTECTED])
def test_matrix(route, name, callback):
    roles = declared(callback, "zicht_roles")
    assert roles is not None, f"/{route} declares no roles"
    world = build_world()
    path_own, path_other = build_path(route, OWN, name, world), build_path(route, OTHER, name, world)
    if path_own is None:
        pytest.skip("regex route")
    personal = declared(callback, "zicht_personal_data", False) or declared(callback, "zicht_purpose")
    has_id = "<int:" in route or "<uuid:" in route or any((name, arg) in TENANT_STR for arg in text_args(route))
    client = Client(raise_request_exception=False)
    problems = []
    for role in [ANONYMOUS, *sorted(access_roles.ALL_ROLES)]:
        login(client, role, world)
        before = AccessLogEntry.objects.count()
        response = client.get(path_own)
        status = response.status_code
        if status >= 500:
            problems.append(f"{role}: server error {status}")
        elif role == ANONYMOUS:
            if path_own.startswith("/api/"):
                ok = status == 401
            else:
                ok = status == 302 and response.url.startswith("/account/login/")
            if not ok:
                problems.append(f"anonymous: {status}, expected the login page")
        elif role not in roles:
            if status not in (403, 405):
                problems.append(f"{role}: {status}, expected 403")
        else:
            if status in (401, 403):
                problems.append(f"{role}: {status} for its own records, expected access")
            if personal and 200 <= status < 300 and AccessLogEntry.objects.count() == before:
                problems.append(f"{role}: page with personal data shown without an access-log entry")
            if has_id and (name, role) not in INSTALLATION_WIDE:
                last_seq = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
                other = client.get(path_other)
                if other.status_code not in (403, 404, 405) and not (other.status_code == 302 and "/account/" in other.url):
                    problems.append(f"{role}: {other.status_code} for a record of another organisation/region, expected 403/404")
                if other.status_code in (403, 404):
                    # NEN 7513: the refused attempt is logged with its outcome, never as a read.
                    written = list(AccessLogEntry.objects.filter(seq__gt=last_seq))
                    if not any(e.outcome in ("denied", "not_found") for e in written):
                        problems.append(f"{role}: refused attempt ({other.status_code}) not in the access log")
                    if any(e.outcome == "ok" and e.action == "view" for e in written):
                        problems.append(f"{role}: a refused attempt was logged as a read (logged before the scope check)")
    assert not problems, f"/{route} ({name}, roles {sorted(roles)}):\n  " + "\n  ".join(problems)


def test_public_views_are_exactly_the_allow_list():
    public = {name for route, name, callback in ROUTES if declared(callback, "zicht_public", False)}
    assert public == PUBLIC_VIEWS, (
        f"public but not allowed: {sorted(public - PUBLIC_VIEWS)}; allowed but not public: {sorted(PUBLIC_VIEWS - public)}"
    )


def test_every_text_id_is_classified():
    unknown = [
        f"/{route} <{arg}>"
        for route, name, _ in ROUTES
        for arg in text_args(route)
        if (name, arg) not in TENANT_STR and arg not in NOT_TENANT_STR
    ]
    assert not unknown, "str/slug arguments neither tenant ids (TENANT_STR) nor explained (NOT_TENANT_STR): " + ", ".join(unknown)


def _snapshot(world, pk: int) -> dict:
    """Every record of one tenant as the database holds it, and how many rows of each Zicht model
    belong to its gemeente or organisation (a POST must not add any either)."""
    out = {}
    for label, obj in world[pk].items():
        if isinstance(obj, models.Model) and label not in DERIVED:
            out[label] = type(obj)._base_manager.filter(pk=obj.pk).values().first()
    owners = {"geo.gemeente": world[pk]["geo.gemeente"], "registry.organisation": world[pk]["registry.organisation"]}
    for model in apps.get_models():
        if not model.__module__.startswith("zicht.") or model._meta.label_lower in DERIVED:
            continue
        for field in model._meta.concrete_fields:
            target = owners.get(field.related_model._meta.label_lower) if isinstance(field, models.ForeignKey) else None
            if target is not None:
                out[f"count {model._meta.label_lower}.{field.name}"] = model._base_manager.filter(**{field.name: target}).count()
    return out


POSTABLE = [(route, name, cb) for route, name, cb in PROTECTED if build_path(route, OWN) is not None]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,callback", POSTABLE, ids=[f"POST /{route}" for route, _, _ in POSTABLE])
def test_post_never_changes_another_tenant(route, name, callback):
    """Every route, POSTed by each role that may use it, signed in at organisation / gemeente A:
    at B's ids, and at A's own ids with B's gemeente posted. B's records must stay as they were,
    the answer is never a server error, and a posted `next` never sends the browser off-site."""
    roles = declared(callback, "zicht_roles") or ()
    world = build_world()
    path_own, path_other = build_path(route, OWN, name, world), build_path(route, OTHER, name, world)
    client = Client(raise_request_exception=False)
    problems = []
    for role in sorted(roles):
        login(client, role, world)
        before = _snapshot(world, OTHER)
        for path, data in [(path_other, {}), (path_own, {"gemeente": GEMEENTE[OTHER]}), (path_other, {"gemeente": GEMEENTE[OTHER]})]:
            response = client.post(path, {**data, "next": "https://evil.example/", "reden": "Test autorisatiematrix"})
            if response.status_code >= 500:
                problems.append(f"{role}: server error {response.status_code} for POST {path} {data}")
            location = response.headers.get("Location", "")
            if location.startswith(("http://", "https://", "//")) and "evil.example" in location:
                problems.append(f"{role}: POST {path} redirects off-site to {location}")
        after = _snapshot(world, OTHER)
        changed = sorted(label for label in before if before[label] != after[label])
        if changed:
            problems.append(f"{role}: POST changed another tenant's records: {changed}")
    assert not problems, f"/{route} ({name}):\n  " + "\n  ".join(problems)


@pytest.mark.django_db
def test_public_views_answer_without_login_and_without_errors():
    client = Client(raise_request_exception=False)
    for route, _name, callback in ROUTES:
        if declared(callback, "zicht_public", False):
            path = build_path(route, OWN)
            if path is None:
                continue
            assert client.get(path).status_code < 500, path


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_admin_is_for_staff_only(role):
    user = make_user(role)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/beheer/")
    assert response.status_code == 302 and "/beheer/login/" in response.url


# --- the admin (/beheer/): part of the matrix (issue 12 item 3) ----------------------------------


def _admin_client(user) -> Client:
    """A client past login and the second factor (the admin is for staff with TOTP)."""
    from zicht.access.totp import ensure_device

    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = ensure_device(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _staff(role: str | None, superuser: bool = False):
    from django.contrib.auth import get_user_model

    if superuser:
        return get_user_model().objects.create_superuser("root-matrix", password="Zicht-test-wachtwoord-2026")
    user = make_user(role, username=f"{role}-staff")
    user.is_staff = True
    user.save()
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_admin_only_lets_in_the_functioneel_beheerder_even_with_the_staff_flag(role):
    user = _staff(role)
    client = _admin_client(user)
    before = AccessLogEntry.objects.filter(outcome="denied").count()
    response = client.get("/beheer/")
    if role == access_roles.FUNCTIONEEL_BEHEERDER:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/beheer/login/" in response.url
        assert AccessLogEntry.objects.filter(outcome="denied", username=user.username).count() == before + 1


PERSONAL_ADMIN = [("registry", "person", "person"), ("registry", "report", "report"), ("registry", "address", "address")]


@pytest.mark.django_db
@pytest.mark.parametrize("app,model,record_type", PERSONAL_ADMIN)
def test_admin_shows_personal_data_read_only_and_logs_every_read(app, model, record_type):
    world = build_world()
    admin_user = _staff(None, superuser=True)
    client = _admin_client(admin_user)
    base = f"/beheer/{app}/{model}/"
    obj = world[OWN][f"registry.{model}"]
    # The changelist: logged with the ids it showed and the filter.
    response = client.get(base, {"o": "1"})
    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(username=admin_user.username, record_type=record_type).latest("seq")
    shown = {str(o.pk) for o in response.context["cl"].result_list}
    assert shown >= {str(OWN), str(OTHER)}
    assert set(entry.records.values_list("record_id", flat=True)) == shown and entry.query == "o=1"
    # The detail page: logged with its id (a report also with the persons of its parties).
    response = client.get(f"{base}{obj.pk}/change/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(username=admin_user.username, record_type=record_type).latest("seq")
    records = set(entry.records.values_list("record_type", "record_id"))
    assert (entry.record_type, entry.record_id) == (record_type, str(obj.pk))
    if model == "report":
        assert ("person", str(world[OWN]["registry.person"].pk)) in records
    # Nothing can be added, changed or deleted, also not by a superuser.
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}{obj.pk}/change/", {"source_key": "gewijzigd", "source_record_id": "gewijzigd", "key": "gewijzigd"})
    fresh = type(obj).objects.get(pk=obj.pk)
    assert all(getattr(fresh, f, None) != "gewijzigd" for f in ("source_key", "source_record_id", "key"))
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_every_admin_model_with_personal_data_is_read_only_and_logged():
    """Generic: a registered model that holds encrypted values or points at a person, report or address."""
    from django.contrib import admin

    from zicht.access.adminsite import PersonalDataAdmin, ZichtAdminSite
    from zicht.core.fields import EncryptedTextField

    assert isinstance(admin.site, ZichtAdminSite)
    personal_targets = {"registry.person", "registry.report", "registry.address", "linkage.household", "linkage.linkedperson"}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        holds = label in personal_targets or any(
            isinstance(f, EncryptedTextField)
            or (f.is_relation and f.related_model and f.related_model._meta.label_lower in personal_targets)
            for f in model._meta.concrete_fields
        )
        if holds:
            assert isinstance(model_admin, PersonalDataAdmin), f"{label} shows personal data in the admin without read-only logging"


@pytest.mark.django_db
def test_role_changes_in_the_admin_are_logged_with_before_and_after():
    admin_user = _staff(None, superuser=True)
    client = _admin_client(admin_user)
    target = make_user(access_roles.PROFESSIONAL, username="wordt-ketenregisseur")
    profile = target.zicht_profile
    response = client.post(
        f"/beheer/access/userprofile/{profile.pk}/change/",
        {
            "user": target.pk,
            "role": access_roles.KETENREGISSEUR,
            "organisation": profile.organisation_id,
            "regio": make_region("Midden-Brabant").pk,
            "gemeente": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    entry = AccessLogEntry.objects.filter(record_type="user_role", record_id=str(target.pk), action="change").get()
    assert entry.username == admin_user.username
    assert "role: professional → ketenregisseur" in entry.reason and "regio: — → midden-brabant" in entry.reason


@pytest.mark.django_db
def test_a_functioneel_beheerder_cannot_make_anyone_superuser_in_the_admin():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    beheerder = _staff(access_roles.FUNCTIONEEL_BEHEERDER)
    beheerder.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client = _admin_client(beheerder)
    response = client.post(
        f"/beheer/auth/user/{beheerder.pk}/change/",
        {
            "username": beheerder.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code in (200, 302)
    assert not get_user_model().objects.get(pk=beheerder.pk).is_superuser


# Pages that take the area as a query parameter (?gemeente=): the matrix above fills only path
# arguments, so the gemeente and region scope of these is checked here, per role.
QUERY_SCOPED = ["areas:gemeente", "areas:map"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", QUERY_SCOPED)
def test_area_pages_scope_the_gemeente_parameter(name):
    from django.urls import reverse

    world = build_world()
    callback = next(cb for _route, n, cb in ROUTES if n == name)
    client = Client(raise_request_exception=False)
    problems = []
    for role in sorted(declared(callback, "zicht_roles")):
        login(client, role, world)
        own = client.get(f"{reverse(name)}?gemeente={GEMEENTE[OWN]}")
        other = client.get(f"{reverse(name)}?gemeente={GEMEENTE[OTHER]}")
        if own.status_code != 200:
            problems.append(f"{role}: {own.status_code} for its own gemeente")
        if other.status_code != 403:
            problems.append(f"{role}: {other.status_code} for a gemeente of another region, expected 403")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_home_page_figures_only_for_the_own_gemeente(role):
    world = build_world()
    client = Client(raise_request_exception=False)
    login(client, role, world)
    assert client.get("/").status_code == 200
    assert client.get(f"/?gemeente={GEMEENTE[OTHER]}").status_code == 403
