"""Default maturity staircase (modenhetstrappen) and strategic measures for 2025–2029."""

from __future__ import annotations

from typing import TypedDict


class StaircaseLevelData(TypedDict):
    level: int
    name: str
    stance: str
    period_start: int
    period_end: int
    description: str


class StrategicMeasureData(TypedDict):
    level: int
    period: str
    order: int
    text: str


STAIRCASE: list[StaircaseLevelData] = [
    {
        "level": 1,
        "name": "Vente å se",
        "stance": "Vi venter til det finnes gode kvalitetssikrede løsninger",
        "period_start": 2025,
        "period_end": 2025,
        "description": (
            "Kommunen tar i bruk nye løsninger først når de er utprøvd og kvalitetssikret av "
            "andre. Dette er utgangspunktet i 2025, og det er fortsatt et gyldig standpunkt for "
            "enkelte initiativ når kommunen har klatret videre."
        ),
    },
    {
        "level": 2,
        "name": "Bidragsyter",
        "stance": "Vi bidrar aktivt når noen vil utvikle en løsning",
        "period_start": 2026,
        "period_end": 2027,
        "description": (
            "Kommunen deltar aktivt med behov, innsikt og testarenaer når andre kommuner, KS eller "
            "leverandører utvikler løsninger, og innovasjon bidrar til effektivisering og frigjort "
            "arbeidskraft."
        ),
    },
    {
        "level": 3,
        "name": "Initiativtaker",
        "stance": "Vi prøver å få andre med på å utvikle en løsning",
        "period_start": 2027,
        "period_end": 2028,
        "description": (
            "Kommunen tar selv initiativ til å utvikle løsninger og samler andre kommuner, "
            "leverandører og innbyggere rundt egne behov. Innovasjon er en naturlig del av "
            "virksomhetsstyringen."
        ),
    },
    {
        "level": 4,
        "name": "Innovasjonspartner",
        "stance": "Vi gjør det vi kan for å få utviklet en løsning",
        "period_start": 2029,
        "period_end": 2029,
        "description": (
            "Kommunen er en etterspurt partner som gjør det den kan for å få utviklet løsninger på "
            "felles utfordringer. En etablert innovasjonskultur bidrar til at kommunen når sine "
            "samfunns- og organisasjonsmål."
        ),
    },
]

STRATEGIC_MEASURES: list[StrategicMeasureData] = [
    # 2025 – Vente å se
    {
        "level": 1,
        "period": "2025",
        "order": 1,
        "text": "Strategien vedtas i kommunestyret",
    },
    {
        "level": 1,
        "period": "2025",
        "order": 2,
        "text": "Strategien forankres hos relevante ansatte og ledere i kommunen",
    },
    {
        "level": 1,
        "period": "2025",
        "order": 3,
        "text": (
            "Strategien innarbeides i den etablerte porteføljestyringen, med eventuelle "
            "endringsbehov"
        ),
    },
    {
        "level": 1,
        "period": "2025",
        "order": 4,
        "text": "Eventuelle nye arenaer og prosesser for innovasjon kartlegges",
    },
    {
        "level": 1,
        "period": "2025",
        "order": 5,
        "text": "Nye og etablerte strategiske samarbeid og partnerskap kartlegges",
    },
    {
        "level": 1,
        "period": "2025",
        "order": 6,
        "text": "Kompetansebehov knyttet til innovasjon kartlegges",
    },
    # 2026–2027 – Bidragsyter
    {
        "level": 2,
        "period": "2026–2027",
        "order": 1,
        "text": "Innovasjon bidrar til effektivisering og frigjøring av arbeidskraft",
    },
    {
        "level": 2,
        "period": "2026–2027",
        "order": 2,
        "text": "Nye strategiske samarbeid og partnere implementeres",
    },
    {
        "level": 2,
        "period": "2026–2027",
        "order": 3,
        "text": "Ny digital plattform for kommunen utredes og vedtas",
    },
    {
        "level": 2,
        "period": "2026–2027",
        "order": 4,
        "text": "Teknologier som er nyttige for samskapingskommunen kartlegges og tas i bruk",
    },
    {
        "level": 2,
        "period": "2026–2027",
        "order": 5,
        "text": "Innovasjonskompetanse utvikles gjennom kommunens nye læringsplattform",
    },
    # 2027–2028 – Initiativtaker
    {
        "level": 3,
        "period": "2027–2028",
        "order": 1,
        "text": "Innovasjon er en naturlig del av virksomhetsstyringen",
    },
    {
        "level": 3,
        "period": "2027–2028",
        "order": 2,
        "text": "Porteføljestyringen revideres",
    },
    {
        "level": 3,
        "period": "2027–2028",
        "order": 3,
        "text": "Det arbeides med å redusere digitalt utenforskap i samskapingen",
    },
    {
        "level": 3,
        "period": "2027–2028",
        "order": 4,
        "text": "Ny digital plattform tas i bruk",
    },
    {
        "level": 3,
        "period": "2027–2028",
        "order": 5,
        "text": (
            "Bruk av teknologi og kunstig intelligens bidrar til effektiv drift og frigjør "
            "arbeidskraft"
        ),
    },
    {
        "level": 3,
        "period": "2027–2028",
        "order": 6,
        "text": "Strategien evalueres og revideres",
    },
    # 2029 – Innovasjonspartner
    {
        "level": 4,
        "period": "2029",
        "order": 1,
        "text": (
            "Innovasjon har bidratt aktivt til at kommunen når sine samfunns- og organisasjonsmål"
        ),
    },
    {
        "level": 4,
        "period": "2029",
        "order": 2,
        "text": (
            "Det er etablert en innovasjonskultur i kommunen som fremmer kreativitet og nye idéer"
        ),
    },
]
