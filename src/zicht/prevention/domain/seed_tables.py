"""The tables of seed 000 (Movisie 2014) and seed 003 (Tilburg handreiking) as data.

Texts are the sources' own wording, shortened only where the layout was lost in extraction.
"""

from __future__ import annotations

from zicht.access.roles import N_
from zicht.areas.risk_factors import GEINDICEERD, SELECTIEF, UNIVERSEEL, ZORGGERICHT

SOURCE_000 = "Movisie (2014), Gemeentelijk preventiebeleid huiselijk geweld, conceptversie 1.1"
SOURCE_003 = "Gemeente Tilburg, handreiking preventie huiselijk geweld Korvel en Wandelbos-Noord"

# Seed 000, "Doelgroepen voor preventiebeleid".
PREVENTION_TYPE_TABLE = [
    {
        "code": UNIVERSEEL,
        "label": N_("Universele preventie"),
        "doelgroep": "De algemene bevolking of bevolkingsgroepen die niet geselecteerd zijn op grond van risico's of "
        "individuele kenmerken: potentiële plegers, potentiële slachtoffers en potentiële getuigen.",
        "doel": "Het voorkómen van geweld door veranderingen in kennis, houding en vaardigheden van burgers.",
        "methoden": [
            "Publieksinformatie",
            "Publiciteit en voorlichting (soms ook weerbaarheidstrainingen)",
            "Snel en respectvol optreden van politie",
        ],
    },
    {
        "code": SELECTIEF,
        "label": N_("Selectieve preventie"),
        "doelgroep": "Groepen die statistisch gezien een verhoogd risico lopen op geweld in afhankelijkheidsrelaties.",
        "doel": "De doelgroep hulp bieden door hen op een positieve manier met hun problemen om te leren gaan, "
        "zodat problemen niet escaleren en leiden tot geweld.",
        "methoden": [
            "Voorlichting individueel",
            "Voorlichting groepsgericht aan risicogroepen (bijv. zwangere vrouwen)",
            "Voorlichting gekoppeld aan reguliere zorg",
        ],
    },
    {
        "code": GEINDICEERD,
        "label": N_("Geïndiceerde preventie"),
        "doelgroep": "Individuen of gezinssystemen waarbij de eerste signalen van huiselijk geweld zich voordoen.",
        "doel": "Voorkomen van escalatie en/of herhaling van geweld.",
        "methoden": [
            "Individuele ondersteuning door motiverende gespreksvoering of varianten daarop",
            "Groepsgewijze begeleiding in het leren van 'veilig ruziemaken'",
        ],
    },
    {
        "code": ZORGGERICHT,
        "label": N_("Zorggerichte preventie"),
        "doelgroep": "Individuen of gezinssystemen bij wie de problematiek zich in de volle omvang manifesteert.",
        "doel": "Herhaling van geweld voorkomen en de gevolgen van huiselijk geweld beperken of draaglijk maken.",
        "methoden": ["Begeleide terugkeer", "De Aanpak", "Eerste hulp bij een huisverbod"],
    },
]

# Seed 000, "Wat kan uw gemeente doen?" (from the Regio Aanpak Veilig Thuis handreiking Regiovisie).
# The tasks are marked for translation; their explanations are the source's wording, shown in Dutch like
# the knowledge pages ("# i18n: not UI").
GEMEENTE_TASKS = [
    {
        "code": "informatie",  # i18n: not UI (a code)
        "taak": N_("Het verschaffen van informatie"),
        "uitvoering": [
            (
                1,
                "Universele preventie: informatiefunctie over het thema huiselijk geweld, het advies- en meldpunt "  # i18n: not UI
                "huiselijk geweld en kindermishandeling, lokale campagnes.",
            ),
            (
                2,
                "Selectieve preventie: planmatig uitzetten van informatie gericht op risicowijken en risicogroepen, "  # i18n: not UI
                "zodat hulp wordt gezocht voordat zich incidenten voordoen; een belangrijke opdracht voor sociale wijkteams.",
            ),
            (
                3,
                "Geïndiceerde preventie: burgers en professionals weten wat ze kunnen doen als ze te maken krijgen met "  # i18n: not UI
                "beginnend en gevorderd geweld in huiselijke kring.",
            ),
        ],
    },
    {
        "code": "advies",  # i18n: not UI (a code)
        "taak": N_("Het verstrekken van advies"),
        "uitvoering": [
            (4, "Advies aan burgers hoe ze om kunnen gaan met gezinnen waarin geweld plaatsvindt."),  # i18n: not UI
            (5, "Advies aan professionals hoe ze in een casus het beste zouden kunnen handelen."),  # i18n: not UI
        ],
    },
    {
        "code": "deskundigheid",  # i18n: not UI (a code)
        "taak": N_("Het bevorderen van deskundigheid in het professionele veld"),
        "uitvoering": [
            (
                6,
                "Professionals in wijkteams zijn bekend met risicofactoren van huiselijk geweld en kindermishandeling "  # i18n: not UI
                "en hanteren de stappen van de Meldcode huiselijk geweld en kindermishandeling.",
            ),
            (
                7,
                "Zorg voor deskundigheid in de wijkteams: gespecialiseerde kennis bij professionals of laat kennis "  # i18n: not UI
                "'invliegen' bij vermoedens van geweld.",
            ),
        ],
    },
    {
        "code": "incidenten",  # i18n: not UI (a code)
        "taak": N_("Het voorkomen van incidenten"),
        "uitvoering": [
            (
                8,
                "Inspelen op signalen van overbelasting of escalatie door sociaal netwerk, vrijwilligers of professionals.",  # i18n: not UI
            ),
        ],
    },
    {
        "code": "seksueel_misbruik",  # i18n: not UI (a code)
        "taak": N_("Specifieke aandacht: tegengaan van seksueel misbruik"),
        "uitvoering": [
            (
                9,
                "Agenderen van het thema, bijvoorbeeld door een regionaal convenant tussen gemeenten, scholen en "  # i18n: not UI
                "residentiële instellingen.",
            ),
        ],
    },
]

# Seed 000 §4.1: the format of the joint plan, in order. Codes are the plan section codes.
PLAN_FORMAT = [
    (
        "stand_van_zaken",
        "1. De stand van zaken",
        "Welke activiteiten voeren welke organisaties al uit, voor welke doelgroepen? Wat zijn de risicogroepen, zijn ze "
        "stabiel of groeiend, en hoe weten we dat? Waar zijn de witte vlekken als we risicogroepen naast het aanbod leggen?",
    ),
    (
        "droom",
        "2. Onze gemeenschappelijke droom",
        "Wat is de ideale situatie die we nastreven? Delen de burgers deze droom? Is hij realistisch, en op welke termijn?",
    ),
    (
        "financiering",
        "3. De financiering van de preventieactiviteiten",
        "Welke middelen zijn beschikbaar, ook bij verwante beleidsterreinen zoals armoede-, ouderen- en jongerenbeleid?",
    ),
    (
        "doelstellingen",
        "4a. Doelstellingen",
        "Wat willen we binnen dit plan bereiken, welke stappen zetten we, en hoe weten we dat de doelen bereikt zijn?",
    ),
    (
        "doelgroepen",
        "4b. Doelgroep(en)",
        "Op welke risicogroepen richten we ons, wat is hun risicogedrag en het gewenste gedrag, en in welke setting bereiken we ze?",
    ),
    (
        "interventies",
        "4c. Interventies",
        "Welke lopende activiteiten passen, zijn vernieuwingen nodig, welke (erkende) interventies sluiten beter aan?",
    ),
    ("communicatie", "4d. Communicatie", "Hoe communiceren we het best met de gekozen doelgroepen, en via welke (sociale) media?"),
    (
        "uitvoering",
        "5a. Uitvoering",
        "Wie voert wat uit? Wie heeft al contact met de risicogroepen, wie heeft de competenties, welke afspraken leggen we vast?",
    ),
    ("organisatie", "5b. Organisatie en financiering", "Wat is nodig aan middelen, materialen en scholing, en wie regelt wat?"),
    (
        "evaluatie",
        "5c. Evaluatie en borging",
        "Dragen de resultaten bij aan de doelen, wat is het bereik, is uitgevoerd zoals bedoeld, wat zijn succes- en "
        "faalfactoren, hoe verliep de samenwerking?",
    ),
    (
        "communicatie_samenwerking",
        "5d. Communicatie in de samenwerking",
        "Welke afspraken maken de samenwerkingspartners over hun onderlinge communicatie?",
    ),
]
PLAN_SECTION_CODES = [code for code, _, _ in PLAN_FORMAT]

# Seed 000: the Zuid-Limburg meldcode traffic light (GGD maps organisations by their use of the meldcode).
STOPLICHT_MEANING = {
    "groen": "Partner wanneer er geen verhoogd veiligheidsrisico is; vooral van belang voor preventie.",
    "oranje": "Partner als er enig veiligheidsrisico is (er is incidenteel iets misgegaan).",
    "rood": "Specialistische organisatie op het gebied van huiselijk geweld, zoals de vrouwenopvang.",
    "onbekend": "Nog niet in kaart gebracht.",
}
