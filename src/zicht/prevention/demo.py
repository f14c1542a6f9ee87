"""Synthetic demo data for Tilburg's prevention partners (Korvel, Wandelbos-Noord).

Organisation names are invented and marked '(demo)'; partner types, bouwstenen and the meldcode
traffic-light meanings follow seeds 003 and 000. Wijk codes and names are CBS's.
"""

from __future__ import annotations

from django.db import transaction

from zicht.geo.models import Gemeente, Wijk
from zicht.registry.models import Organisation

from .domain import bouwstenen as bs
from .models import Intervention, PartnerProfile

GEMEENTE = ("GM0855", "Tilburg")
WIJKEN = {"korvel": ("WK085517", "Korvel"), "wandelbos": ("WK085539", "Wandelbos Noord")}

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
