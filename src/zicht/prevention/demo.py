"""Synthetic demo data for Tilburg's prevention partners (Korvel, Wandelbos-Noord).

Organisation names are invented and marked '(demo)'; partner types, bouwstenen and the meldcode
traffic-light meanings follow seeds 003 and 000. Wijk codes and names are CBS's.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zicht.geo.models import Gemeente, Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .models import Intervention, PartnerProfile, PlanIndicator, PlanIntervention, PreventionPlan

GEMEENTE = ("GM0855", "Tilburg")
WIJKEN = {"korvel": ("WK085517", "Korvel"), "wandelbos": ("WK085539", "Wandelbos Noord")}

# The demo's planted effect (issue 14, ground truth for the effect page): `zicht demo` asks `zicht synth`
# to remove this share of the new cases in Korvel (every aard) from the start date on, and the demo plan's
# intervention in Korvel starts on that date. The effect page then shows a known decrease.
EFFECT_WIJK = WIJKEN["korvel"][0]
# −35 %: the data change with the run date, so the planted change must be large enough to be found on
# (almost) any day. At Korvel's ~25 registrations a month, 24 months before and after, a −35 % change is
# significant in about 95 % of draws; −25 % in about two thirds (measured: −21 %, p = 0.04 on one day).
EFFECT_CHANGE = -0.35
EFFECT_YEARS_BEFORE_END = 2  # the start lies this many years before the end of the data (first of the month)
PLAN_TITLE = "Preventieplan Korvel: samen tegen partnergeweld (demo)"  # i18n: not UI


def effect_start(end: date) -> date:
    """Start of the demo's intervention: the first of the month, ``EFFECT_YEARS_BEFORE_END`` years before ``end``."""
    return date(end.year - EFFECT_YEARS_BEFORE_END, end.month, 1)


def effect_argument(end: date) -> str:
    """The demo's planted effect as `zicht synth --effect` takes it (wijk:change%:start; all aarden)."""
    return f"{EFFECT_WIJK}:{round(EFFECT_CHANGE * 100)}%:{effect_start(end).isoformat()}"


# code, naam, registry type, partnertype, wijk key or None, stoplicht, bouwstenen (None = matrix row), aanbod, doelgroepen
PARTNERS = [
    (
        "demo-toegang",
        "Toegang Tilburg (demo)",
        "wijkteam",
        "toegang",
        None,
        "oranje",
        None,
        ["quickscan-toegang", "relatiewijs"],
        "Inwoners met vragen over zorg en ondersteuning",
    ),
    (
        "demo-jgz",
        "Jeugdgezondheidszorg Hart van Brabant (demo)",
        "ggd",
        "zorg_jeugd",
        None,
        "groen",
        None,
        ["stevig-ouderschap", "voorzorg", "samenstarten"],
        "Ouders van kinderen 0–18 jaar",
    ),
    (
        "demo-school-korvel",
        "Basisschool De Wilg, Korvel (demo)",
        "onderwijs",
        "onderwijs",
        "korvel",
        "groen",
        ["vertrouwen", "taboe", "opgroeien", "opvoeden"],
        ["marietje-kessels-project", "vlaggensysteem"],
        "Leerlingen en ouders",
    ),
    (
        "demo-leerplicht",
        "Bureau Leerplicht Tilburg (demo)",
        "leerplicht",
        "onderwijs",
        None,
        "groen",
        ["opgroeien", "armoede"],
        [],
        "Leerplichtige jongeren",
    ),
    (
        "demo-welzijn",
        "Welzijnsorganisatie Wijkkracht (demo)",
        "anders",
        "welzijn",
        None,
        "groen",
        None,
        ["home-start", "mannen-kom-op"],
        "Bewoners, ouders, ouderen",
    ),
    (
        "demo-jongerenwerk",
        "Jongerenwerk Korvel (demo)",
        "anders",
        "welzijn",
        "korvel",
        "groen",
        ["vertrouwen", "taboe", "opgroeien"],
        ["we-can-young"],
        "Jongeren 12–23 jaar",
    ),
    (
        "demo-huisarts-korvel",
        "Huisartsenpraktijk Korvelplein (demo)",
        "gezondheidszorg",
        "zorg_1e_lijn",
        "korvel",
        "oranje",
        ["vertrouwen", "opvoeden", "specialistisch"],
        ["kindcheck"],
        "Patiënten in de wijk",
    ),
    (
        "demo-wijkverpleging",
        "Wijkverpleging Tilburg-West (demo)",
        "gezondheidszorg",
        "zorg_1e_lijn",
        None,
        "oranje",
        ["vertrouwen", "zorgafhankelijkheid"],
        [],
        "Thuiswonende zorgafhankelijke inwoners",
    ),
    (
        "demo-ggz",
        "GGZ-aanbieder Midden-Brabant (demo)",
        "ggz",
        "zorg_2e_lijn",
        None,
        "rood",
        None,
        ["kindcheck", "kopp-kvo"],
        "Volwassenen met GGZ- en verslavingsproblematiek",
    ),
    ("demo-woningcorporatie", "Woningcorporatie Thuis013 (demo)", "anders", "woningbouw", None, "groen", None, [], "Huurders"),
    ("demo-wijkagent", "Politie, wijkagent Korvel (demo)", "politie", "politie", "korvel", "oranje", None, [], "Bewoners"),
    (
        "demo-gemeente-wi",
        "Gemeente Tilburg, Werk en Inkomen (demo)",
        "gemeente",
        "gemeente",
        None,
        "groen",
        ["vertrouwen", "armoede"],
        ["schuldhulpverlening", "armoederegelingen", "begeleiding-onderwijs-werk"],
        "Huishoudens met een laag inkomen of schulden",
    ),
    (
        "demo-veilig-thuis",
        "Veilig Thuis regio (demo)",
        "veilig_thuis",
        "veilig_thuis",
        None,
        "rood",
        None,
        ["signs-of-safety"],
        "Gezinnen en huishoudens met (vermoedens van) huiselijk geweld",
    ),
    (
        "demo-buurthuis-wandelbos",
        "Buurthuis Wandelbos (demo)",
        "anders",
        "informeel",
        "wandelbos",
        "groen",
        ["vertrouwen", "taboe"],
        [],
        "Bewoners van Wandelbos",
    ),
    (
        "demo-zelforganisatie",
        "Vrouwengroep Samen Verder (demo)",
        "anders",
        "informeel",
        "korvel",
        "groen",
        ["vertrouwen", "taboe", "opvoeden"],
        ["als-ik-haar-was"],
        "Vrouwen met armoede- en opvoedvragen",
    ),
]


def ensure_geography() -> tuple[Gemeente, dict[str, Wijk]]:
    gemeente, _ = Gemeente.objects.get_or_create(code=GEMEENTE[0], defaults={"naam": GEMEENTE[1], "indeling_jaar": 2024})
    wijken = {}
    for key, (code, naam) in WIJKEN.items():
        wijken[key], _ = Wijk.objects.get_or_create(code=code, defaults={"naam": naam, "gemeente": gemeente, "indeling_jaar": 2024})
    return gemeente, wijken


@transaction.atomic
def load_demo() -> dict:
    gemeente, wijken = ensure_geography()
    slugs = {i.slug: i for i in Intervention.objects.all()}
    created = 0
    for code, naam, org_type, partnertype, wijk_key, stoplicht, bouwstenen, aanbod, doelgroepen in PARTNERS:
        org, was_created = Organisation.objects.update_or_create(
            code=code,
            defaults={
                "naam": naam,
                "type": org_type,
                "gemeente": gemeente,
                "wijk": wijken[wijk_key] if wijk_key else None,
                "meldcode_stoplicht": stoplicht,
                "contact_naam": "Contactpersoon preventie (demo)",
                "contact_telefoon": "013 000 0000",
                "contact_email": f"{code}@voorbeeld.invalid",
            },
        )
        created += was_created
        profile, _ = PartnerProfile.objects.update_or_create(
            organisation=org,
            defaults={
                "partnertype": partnertype,
                "bouwstenen": list(
                    bouwstenen if bouwstenen is not None else [b for b in bs.BOUWSTEEN_CODES if b in bs.DEFAULT_MATRIX[partnertype]]
                ),
                "doelgroepen": doelgroepen,
            },
        )
        profile.interventies.set([slugs[s] for s in aanbod if s in slugs])
    return {"organisaties": len(PARTNERS), "nieuw": created, "gemeente": gemeente.code}


@transaction.atomic
def load_effect_plan(start: date, wijk_code: str = EFFECT_WIJK) -> PreventionPlan:
    """The demo plan for a wijk with one intervention starting on ``start`` and a registry indicator (idempotent).

    ``zicht demo`` passes the start and wijk of the effect it planted in the synthetic data, so the plan's
    "Effect schatten" link opens an effect page with a known, real decrease.
    """
    wijk = Wijk.objects.select_related("gemeente").get(code=wijk_code)
    plan, _ = PreventionPlan.objects.update_or_create(
        titel=PLAN_TITLE,
        gemeente=wijk.gemeente,
        defaults={"wijk": wijk, "periode": f"{start.year}–{start.year + 3}", "status": "vastgesteld"},
    )
    owner = Organisation.objects.filter(code="demo-welzijn").first()
    line, _ = PlanIntervention.objects.update_or_create(
        plan=plan,
        naam="Relatiewijs",
        defaults={
            "intervention": Intervention.objects.filter(slug="relatiewijs").first(),
            "doelgroep": f"Stellen en jongeren in {wijk.naam}",
            "reden": "Veel meldingen van (ex-)partnergeweld in de wijk; preventie van geweld in relaties.",
            "eigenaar": owner,
            "planning": f"Vanaf {start.strftime('%m-%Y')}, doorlopend",
            "doelgroep_omvang": 600,
            "bereikt": 240,
            "bijeenkomsten": 36,
            "zoals_bedoeld": "deels",
            "uitvoering_toelichting": "Groepen liepen zoals bedoeld; het huisbezoek na afloop werd niet altijd gedaan (demo).",
            "uitvoering_van": start,
            "uitvoering_tot": None,
        },
    )
    partners = list(Organisation.objects.filter(code__in=["demo-wijkagent", "demo-jongerenwerk", "demo-huisarts-korvel"]))
    line.partners.set(partners)
    PlanIndicator.objects.update_or_create(
        plan=plan,
        naam=f"Meldingen per 1.000 inwoners in {wijk.naam}",
        defaults={
            "soort": "effect",
            "type": "register",
            "figuur": "per1000",
            "eenheid": "per 1.000 inwoners",
            "baseline_jaar": start.year - 1,
            "streefjaar": start.year + 3,
            "bron": "Zicht-register",
        },
    )
    return plan
