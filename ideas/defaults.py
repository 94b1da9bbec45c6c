"""Default innovation types, strategic goals and main challenges for a new organisation."""

from __future__ import annotations

from typing import TypedDict


class InnovationTypeData(TypedDict):
    code: str
    name: str
    description: str
    aim: str


class StrategicGoalData(TypedDict):
    order: int
    title: str
    description: str


INNOVATION_TYPES: list[InnovationTypeData] = [
    {
        "code": "service",
        "name": "Tjenesteinnovasjon",
        "description": (
            "Nye eller forbedrede tjenester til innbyggere, brukere eller ansatte, for eksempel "
            "gjennom nye metoder, bedre arbeidsprosesser eller ny teknologi. Velg denne typen når "
            "det er selve tjenesten mottakeren opplever som endres. Eksempel: digitalt tilsyn om "
            "natten i hjemmetjenesten, slik at brukerne får færre forstyrrelser og tilsynet blir "
            "tryggere."
        ),
        "aim": (
            "Målet er å frigjøre arbeidskraft, øke brukertilfredsheten og tilpasse arbeidsmengden "
            "til ressursene."
        ),
    },
    {
        "code": "process",
        "name": "Prosessinnovasjon",
        "description": (
            "Nye eller forbedrede metoder for å produsere og levere tjenestene, ofte bak "
            "kulissene. Dette omfatter blant annet robotisering (RPA), effektivisering av "
            "arbeidsflyt og bruk av ny teknologi som kunstig intelligens (KI). Eksempel: en "
            "programvarerobot som kontrollerer og konterer inngående fakturaer automatisk."
        ),
        "aim": "Målet er å øke produktiviteten, redusere kostnader og forbedre kvaliteten.",
    },
    {
        "code": "organisational",
        "name": "Organisatorisk innovasjon",
        "description": (
            "Endringer i hvordan vi organiserer, leder og samarbeider, det vil si strukturer, "
            "prosesser eller kultur i organisasjonen. Dette kan være nye ledelsesmetoder, "
            "arbeidsflyter eller samarbeidsformer på tvers av enheter. Eksempel: faste "
            "tverrfaglige team rundt brukere med sammensatte behov, eller en ny modell for turnus "
            "og heltidskultur."
        ),
        "aim": (
            "Målet er å øke produktiviteten, fremme kreativitet og gjøre organisasjonen bedre i "
            "stand til å tilpasse seg endringer i omgivelser og teknologi."
        ),
    },
    {
        "code": "system",
        "name": "Systeminnovasjon",
        "description": (
            "Nye eller endrede systemer og strukturer som forbedrer samspillet mellom kommunen og "
            "andre deler av samfunnet, som innbyggere, frivillige, næringsliv og akademia. Dette "
            "kan være ny teknologi eller nye samarbeidsarenaer, og omfatter utviklingen av "
            "samskapingskommunen («Kommune 3.0»). Eksempel: en felles digital møteplass der "
            "frivillige lag og kommunen samarbeider om aktivitetstilbud for eldre."
        ),
        "aim": "Målet er å øke samskapingen, skape dynamikk og frigjøre ressurser.",
    },
]

STRATEGIC_GOALS: list[StrategicGoalData] = [
    {
        "order": 1,
        "title": "Bremse kostnadsveksten",
        "description": (
            "Innovasjon skal effektivisere prosesser og utnytte ressursene bedre, slik at "
            "kostnadsveksten bremses og midler frigjøres til andre viktige tjenesteområder."
        ),
    },
    {
        "order": 2,
        "title": "Vinne kampen om arbeidskraften",
        "description": (
            "Innovasjon skal frigjøre arbeidskraft og gjøre kommunen til en attraktiv arbeidsplass "
            "som rekrutterer og beholder kvalifiserte medarbeidere."
        ),
    },
    {
        "order": 3,
        "title": "Kompetanseutvikling i takt med behov",
        "description": (
            "Innovasjon skal sette søkelys på kompetanseutvikling, slik at medarbeidere og ledere "
            "har den kompetansen tjenestene og ny teknologi krever, nå og fremover."
        ),
    },
    {
        "order": 4,
        "title": "Digitalisere der det er lønnsomt",
        "description": (
            "Kommunen skal ta i bruk digitale løsninger der de gir dokumentert gevinst for "
            "innbyggere, ansatte eller kommuneøkonomien, og når teknologien er moden nok."
        ),
    },
]

MAIN_CHALLENGES: list[str] = [
    "Mangel på kvalifisert arbeidskraft",
    "Endringer i krav til kompetanse",
    "Anstrengt kommuneøkonomi",
    "En aldrende befolkning som stiller høyere krav til kommunale tjenester",
]


class SustainabilityGoalData(TypedDict):
    number: int
    title: str


# The UN sustainability goals selected in the master plan (kommuneplanens samfunnsdel, 2023).
# Editable per organisation; these five are the demo municipality's reading of the plan.
SUSTAINABILITY_GOALS: list[SustainabilityGoalData] = [
    {"number": 3, "title": "God helse og livskvalitet"},
    {"number": 4, "title": "God utdanning"},
    {"number": 11, "title": "Bærekraftige byer og lokalsamfunn"},
    {"number": 13, "title": "Stoppe klimaendringene"},
    {"number": 17, "title": "Samarbeid for å nå målene"},
]
