"""``zicht demo``: a complete Zicht for Tilburg (GM0855) on the embedded database.

Runs exactly the path a real region would use — CBS geography, partner exports
through their import profiles, linkage, colour code — with synthetic exports,
and creates one account per role. Re-running it is safe: every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zicht.access import roles
from zicht.access.models import UserProfile
from zicht.access.otp import ensure_totp_device
from zicht.areas.warm import deferred as warm_after_imports
from zicht.buurtregie.setup import demo_buurtregie
from zicht.casework.models import ColourResult, Signal
from zicht.casework.verwijsindex.registration import register_signal
from zicht.geo.models import Gemeente, VtRegio
from zicht.geo.regiodata import load_regions, regio_van_gemeente
from zicht.geo.regions import region_code
from zicht.linkage.models import PersonLink
from zicht.prevention.demo import GEMEENTE as PLAN_GEMEENTE
from zicht.prevention.demo import effect_argument
from zicht.registry.models import Organisation, Person, ReportParty

EXPORTS = [
    ("politie-bvh", "politie_incidenten.csv"),
    ("veilig-thuis", "veilig_thuis_meldingen.csv"),
    ("wijkteam-signalen", "wijkteam_signalen.xlsx"),
]

# Tilburg belongs to Veilig Thuis Midden-Brabant (region table: zicht/geo/data/vt_regios.csv,
# loaded by load-geo); the demo's partners and accounts belong to it.
DEMO_VT_REGIO = "Midden-Brabant"
REGIONAL_ACCOUNTS = {"regio"}  # a regional policy coordinator: the region, no gemeente

# (username, role, organisation code or None)
DEMO_ACCOUNTS = [
    ("ketenregisseur", roles.KETENREGISSEUR, "veilig-thuis"),
    ("wijkteam", roles.PROFESSIONAL, "wijkteam"),
    ("school", roles.PROFESSIONAL, "demo-school-korvel"),
    ("beleid", roles.BELEIDSMEDEWERKER, None),
    ("regio", roles.BELEIDSMEDEWERKER, None),
    ("beheer", roles.FUNCTIONEEL_BEHEERDER, None),
    ("privacy", roles.PRIVACY_OFFICER, None),
]


def signal_data(person, birth: dt.date, datum: dt.date) -> dict:
    """A school's verwijsindex signal about a registry person, as the demo registers it."""
    return {
        "voornamen": person.voornamen,
        "tussenvoegsel": person.tussenvoegsel or "",
        "achternaam": person.achternaam,
        "geboortedatum": birth,
        "postcode": person.address.postcode,
        "huisnummer": person.address.huisnummer,
        "toevoeging": person.address.toevoeging,
        "datum": datum,
        "categorie": "",
        "contact_naam": "Intern begeleider (demo)",
        "contact_telefoon": "013-0000001",
    }


class Command(BaseCommand):
    help = "Set up the demo: Tilburg's geography, synthetic partner exports imported, linked and coloured, demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", default=settings.DEMO_GEMEENTE)
        parser.add_argument(
            "--regio",
            action="store_true",
            help="de hele Veilig Thuis-regio van de gemeente laden, met verhuizingen tussen de gemeenten (ruim 2× zo lang)",
        )
        # at least 4 years: recidive within 24 months and the effect's before/after both need data
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0)

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"» {text}"))

    def handle(self, *args, **opts):
        if not settings.DEMO:
            raise CommandError("zicht demo only runs in demo mode (ZICHT_DEMO=1): it creates accounts and synthetic data.")
        gemeente = opts["gemeente"]
        self.step("Database aanmaken / bijwerken")
        call_command("migrate", interactive=False, verbosity=0)

        self.step("CBS-geografie en kerncijfers laden (heel Nederland, indeling 2017/2024)")
        call_command("load-geo")
        # With --regio (issue 15): all gemeenten of the gemeente's VT region in one synthetic population whose
        # households move between them. Not the default: it imports 2.7× the rows of the gemeente alone.
        regio = regio_van_gemeente(gemeente) if opts["regio"] else None
        out = Path(settings.DATA_DIR) / f"demo-exports-{regio or gemeente}-seed{opts['seed']}"

        if not (out / "manifest.json").exists():
            # The data end yesterday (the demo lives in the present) and hold the planted effect in Korvel.
            end = dt.date.today() - dt.timedelta(days=1)
            where = f"de Veilig Thuis-regio {regio}" if regio else gemeente
            self.step(f"Synthetische exports van politie, Veilig Thuis en wijkteam maken voor {where} (t/m {end.isoformat()})")
            call_command(
                "synth",
                gemeente=gemeente,
                regio=regio,
                years=opts["years"],
                seed=opts["seed"],
                out=str(out),
                scale=opts["scale"],
                end_date=end.isoformat(),
                effect=[effect_argument(end)] if gemeente == PLAN_GEMEENTE[0] else [],
            )
        else:
            self.step(f"Synthetische exports al aanwezig in {out}")
        planted = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("planted_effects") or []

        self.step("Adresregister (postcode + huisnummer → buurt) laden")
        call_command("load-addresses", str(out / "adresregister.csv"))

        with warm_after_imports():  # the protected sets are solved once, after the last import
            for profile, filename in EXPORTS:
                self.step(f"Import {filename} met profiel {profile}")
                call_command("import", str(out / filename), profile=profile)

        # Each import links its persons and recolours what it touched (registry's batch_imported
        # signal); run the batch steps only for what those hooks did not finish.

        if PersonLink.objects.count() < Person.objects.count():
            self.step("Personen en huishoudens koppelen")
            call_command("link")
        if not ColourResult.objects.exists():
            self.step("Kleurcode berekenen")
            call_command("recolour")

        self.step("Preventie: interventiecatalogus, partners en het plan voor Korvel")
        if planted:  # the plan's intervention starts where and when the synthetic data hold the planted effect
            call_command("prevention-demo", plan_start=planted[0]["start"], plan_wijk=planted[0]["wijk"])
        else:
            call_command("prevention-demo")

        self.step(f"Veilig Thuis-regio {DEMO_VT_REGIO} instellen voor {gemeente} en de partners")
        self.assign_region(gemeente)

        self.step("Demo-accounts")
        accounts = self.ensure_accounts(gemeente)

        self.step("Verwijsindex: signalen van de school (en één van het wijkteam) over kinderen uit het register")
        self.seed_signals()
        if regio:
            self.seed_cross_border_signal(gemeente)
        demo_buurtregie()  # Buurtregie Korvel: the school and the wijkteam as members (zicht.buurtregie.setup)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Zicht-demo staat klaar op http://127.0.0.1:8000"))
        self.stdout.write("Accounts (alleen voor deze demo):")
        for username, role, password in accounts:
            self.stdout.write(f"  {username:<16} {roles.label(role):<48} wachtwoord: {password}")
        self.stdout.write(
            "Na het wachtwoord vragen alle accounts behalve 'beleid' een TOTP-code (tweestapsverificatie). "
            "In de demo toont `ZICHT_DEMO=1 ZICHT_DEBUG=1 .venv/bin/zicht totp GEBRUIKERSNAAM` de geldige code."
        )

    @transaction.atomic
    def assign_region(self, gemeente_code: str) -> None:

        # The region table comes with load-geo (zicht/geo/data/vt_regios.csv); organisations
        # without a region join the demo's region.
        regio = VtRegio.objects.filter(code=region_code(DEMO_VT_REGIO)).first()
        if regio is None:
            load_regions()
            regio = VtRegio.objects.get(code=region_code(DEMO_VT_REGIO))
        Organisation.objects.filter(regio__isnull=True).update(regio=regio)

    @transaction.atomic
    def ensure_accounts(self, gemeente_code: str):

        store = Path(settings.DATA_DIR) / "demo-accounts.json"
        known = json.loads(store.read_text()) if store.exists() else {}
        gemeente = Gemeente.objects.filter(code=gemeente_code).first()
        User = get_user_model()
        result = []
        for username, role, org_code in DEMO_ACCOUNTS:
            organisation = None
            if org_code:
                organisation = Organisation.objects.filter(code=org_code).first()
                if organisation is None:
                    organisation = Organisation.objects.create(
                        code=org_code,
                        naam="Basisschool De Korvel (demo)" if "school" in org_code else org_code.replace("-", " ").title(),
                        type="onderwijs" if "school" in org_code else "wijkteam",
                        gemeente=gemeente,
                        contact_naam="Intern begeleider (demo)",
                        contact_telefoon="013-0000000",
                        regio_id=region_code(DEMO_VT_REGIO),
                    )
            password = known.get(username) or secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.save()
            UserProfile.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "organisation": organisation,
                    "regio_id": region_code(DEMO_VT_REGIO),
                    "gemeente": None if username in REGIONAL_ACCOUNTS else gemeente,
                },
            )
            self.enrol_totp(user, role)
            known[username] = password
            result.append((username, role, password))
        store.write_text(json.dumps(known, indent=2))
        store.chmod(0o600)
        return result

    def seed_signals(self) -> None:
        """A few school signals about children in the registry, one also signalled by the wijkteam:
        the demo's professionals then see a match (who else is involved) without any content."""

        school = Organisation.objects.get(code="demo-school-korvel")
        wijkteam = Organisation.objects.get(code="wijkteam")
        if Signal.objects.filter(organisation=school).exists():
            return
        User = get_user_model()
        today = dt.date.today()
        children = (
            ReportParty.objects.filter(rol="kind", report__soort="melding", person__address__isnull=False)
            .select_related("person", "person__address")
            .order_by("person_id")
        )
        picked = []
        for party in children[:400]:
            person = party.person
            try:
                birth = dt.date.fromisoformat(person.geboortedatum)
            except (TypeError, ValueError):
                continue
            if 4 <= (today - birth).days / 365.25 <= 12 and person.voornamen and person.achternaam:
                picked.append((person, birth))
            if len(picked) == 3:
                break
        for i, (person, birth) in enumerate(picked):
            data = {
                "voornamen": person.voornamen,
                "tussenvoegsel": person.tussenvoegsel or "",
                "achternaam": person.achternaam,
                "geboortedatum": birth,
                "postcode": person.address.postcode,
                "huisnummer": person.address.huisnummer,
                "toevoeging": person.address.toevoeging,
                "datum": today - dt.timedelta(days=30 + 20 * i),
                "categorie": "",
                "contact_naam": "Intern begeleider (demo)",
                "contact_telefoon": "013-0000001",
            }
            register_signal(user=User.objects.get(username="school"), organisation=school, data=data)
            if i == 0:
                data.update(datum=today - dt.timedelta(days=7), contact_naam="Wijkcoach (demo)", contact_telefoon="013-0000002")
                register_signal(user=User.objects.get(username="wijkteam"), organisation=wijkteam, data=data)

    def seed_cross_border_signal(self, gemeente: str) -> None:
        """In the regional demo: the Korvel school (in the gemeente) signals a child the registry knows at an
        address in another gemeente of the region, and the wijkteam does too: a match across the border."""

        school = Organisation.objects.get(code="demo-school-korvel")
        if (
            Signal.objects.filter(organisation=school, person__address__buurt__gemeente_id__isnull=False)
            .exclude(person__address__buurt__gemeente_id=gemeente)
            .exists()
        ):
            return
        today = dt.date.today()
        children = (
            ReportParty.objects.filter(rol="kind", report__soort="melding", person__address__buurt__isnull=False)
            .exclude(person__address__buurt__gemeente_id=gemeente)
            .select_related("person", "person__address")
            .order_by("person_id")
        )
        for party in children[:400]:
            person = party.person
            try:
                birth = dt.date.fromisoformat(person.geboortedatum)
            except (TypeError, ValueError):
                continue
            if not (4 <= (today - birth).days / 365.25 <= 12 and person.voornamen and person.achternaam):
                continue
            data = signal_data(person, birth, today - dt.timedelta(days=14))
            User = get_user_model()
            register_signal(user=User.objects.get(username="school"), organisation=school, data=data)
            data.update(datum=today - dt.timedelta(days=5), contact_naam="Wijkcoach (demo)", contact_telefoon="013-0000002")
            register_signal(user=User.objects.get(username="wijkteam"), organisation=Organisation.objects.get(code="wijkteam"), data=data)
            return

    def enrol_totp(self, user, role) -> None:
        """Accounts that see personal data get a TOTP device (codes via ``zicht totp`` in the demo)."""
        if role in roles.TWO_FACTOR_ROLES:
            ensure_totp_device(user)
