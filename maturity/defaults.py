"""The 2025–2029 strategy a new organisation starts from (Nittedal kommune's Innovasjonsstrategi
2025–2029): the staircase, its periods with their target levels and measures, the dimensions of
maturity with criteria per level, and the KPIs that follow the strategy up. All of it is data
the administrator edits afterwards: it is the municipality's own model.

Strings are Bokmål data (they become rows the organisation owns), not interface text.
"""

from __future__ import annotations

from typing import TypedDict


class StaircaseLevelData(TypedDict):
    level: int
    name: str
    stance: str
    description: str


class PeriodData(TypedDict):
    start_year: int
    end_year: int
    target_level: int
    description: str
    measures: list[str]


class CriterionData(TypedDict):
    level: int
    practice: str
    evidence: str  # an EvidenceKind value
    guidance: str


class DimensionData(TypedDict):
    name: str
    description: str
    criteria: list[CriterionData]


class KpiData(TypedDict):
    metric: str  # a key of maturity.selectors.kpis.METRICS, or "" for a hand-entered KPI
    name: str
    definition: str
    unit: str  # a KpiUnit value
    target: str | None
    higher_is_better: bool
    period: tuple[int, int] | None


STAIRCASE: list[StaircaseLevelData] = [
    {
        "level": 1,
        "name": "Vente å se",
        "stance": "Vi venter til det finnes gode kvalitetssikrede løsninger",
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
        "description": (
            "Kommunen er en etterspurt partner som gjør det den kan for å få utviklet løsninger på "
            "felles utfordringer. En etablert innovasjonskultur bidrar til at kommunen når sine "
            "samfunns- og organisasjonsmål."
        ),
    },
]

PERIODS: list[PeriodData] = [
    {
        "start_year": 2025,
        "end_year": 2025,
        "target_level": 1,
        "description": "Strategien vedtas og forankres, og grunnlaget kartlegges.",
        "measures": [
            "Strategien vedtas i kommunestyret",
            "Strategien forankres hos relevante ansatte og ledere i kommunen",
            (
                "Strategien innarbeides i den etablerte porteføljestyringen, med eventuelle "
                "endringsbehov"
            ),
            "Eventuelle nye arenaer og prosesser for innovasjon kartlegges",
            "Nye og etablerte strategiske samarbeid og partnerskap kartlegges",
            "Kompetansebehov knyttet til innovasjon kartlegges",
        ],
    },
    {
        "start_year": 2026,
        "end_year": 2027,
        "target_level": 2,
        "description": (
            "Kommunen blir bidragsyter: innovasjon frigjør arbeidskraft, og nye samarbeid kommer "
            "på plass."
        ),
        "measures": [
            "Innovasjon bidrar til effektivisering og frigjøring av arbeidskraft",
            "Nye strategiske samarbeid og partnere implementeres",
            "Ny digital plattform for kommunen utredes og vedtas",
            "Teknologier som er nyttige for samskapingskommunen kartlegges og tas i bruk",
            "Innovasjonskompetanse utvikles gjennom kommunens nye læringsplattform",
        ],
    },
    {
        "start_year": 2027,
        "end_year": 2028,
        "target_level": 3,
        "description": (
            "Kommunen blir initiativtaker: innovasjon er en naturlig del av virksomhetsstyringen."
        ),
        "measures": [
            "Innovasjon er en naturlig del av virksomhetsstyringen",
            "Porteføljestyringen revideres",
            "Det arbeides med å redusere digitalt utenforskap i samskapingen",
            "Ny digital plattform tas i bruk",
            (
                "Bruk av teknologi og kunstig intelligens bidrar til effektiv drift og frigjør "
                "arbeidskraft"
            ),
            "Strategien evalueres og revideres",
        ],
    },
    {
        "start_year": 2029,
        "end_year": 2029,
        "target_level": 4,
        "description": (
            "Kommunen blir innovasjonspartner: innovasjon bidrar til at kommunen når sine mål."
        ),
        "measures": [
            (
                "Innovasjon har bidratt aktivt til at kommunen når sine samfunns- og "
                "organisasjonsmål"
            ),
            (
                "Det er etablert en innovasjonskultur i kommunen som fremmer kreativitet og "
                "nye idéer"
            ),
        ],
    },
]


def _criterion(level: int, practice: str, evidence: str, guidance: str) -> CriterionData:
    return {"level": level, "practice": practice, "evidence": evidence, "guidance": guidance}


DIMENSIONS: list[DimensionData] = [
    {
        "name": "Strategi og forankring",
        "description": "Strategien er vedtatt, kjent og brukt i styringen av kommunen.",
        "criteria": [
            _criterion(
                1,
                "Innovasjonsstrategien er vedtatt av kommunestyret",
                "decision",
                "Saksnummeret for vedtaket i kommunestyret.",
            ),
            _criterion(
                2,
                "Strategien er presentert for alle ledere og tillitsvalgte",
                "document",
                "Referat eller presentasjon fra ledersamling eller MBU.",
            ),
            _criterion(
                3,
                "Innovasjonsmål står i virksomhetsplanene til tjenesteområdene",
                "document",
                "Lenke til virksomhetsplanene.",
            ),
            _criterion(
                4,
                "Innovasjon er en fast del av årshjulet og rapporteringen til kommunestyret",
                "decision",
                "Saksnummeret for årsrapporten.",
            ),
        ],
    },
    {
        "name": "Ledelse og kultur",
        "description": "Ledere gir rom for å prøve, feile og lære.",
        "criteria": [
            _criterion(
                1,
                "Ledergruppen har drøftet hva innovasjon betyr for kommunen",
                "document",
                "Referat fra ledergruppen.",
            ),
            _criterion(
                2,
                "Ledere setter av tid til innovasjonsarbeid i egne enheter",
                "kpi",
                "Innovasjonsgraden eller andel enheter med aktive initiativ.",
            ),
            _criterion(
                3,
                "Ledere etterspør og følger opp idéer fra medarbeidere",
                "initiative",
                "Et initiativ som startet som en medarbeiders idé.",
            ),
            _criterion(
                4,
                "Kommunen deler erfaringer, også det som ikke lyktes, åpent med andre",
                "document",
                "Lenke til erfaringsdeling, for eksempel i KS-nettverk.",
            ),
        ],
    },
    {
        "name": "Medvirkning fra medarbeidere og innbyggere",
        "description": "De som har behovet er med fra start.",
        "criteria": [
            _criterion(
                1,
                "Medarbeidere kan melde inn idéer i portalen",
                "kpi",
                "Antall idéer meldt inn i året.",
            ),
            _criterion(
                2,
                "Innbyggere eller brukere er med i innsiktsarbeidet i initiativ",
                "initiative",
                "Et initiativ med brukerinvolvering.",
            ),
            _criterion(
                3,
                "Kommunen har tiltak mot digitalt utenforskap i samskapingen",
                "document",
                "Plan eller rapport.",
            ),
            _criterion(
                4,
                "Innbyggere og frivillige tar selv initiativ til løsninger sammen med kommunen",
                "initiative",
                "Et initiativ tatt av innbyggere eller frivillige.",
            ),
        ],
    },
    {
        "name": "Samarbeid og gjenbruk",
        "description": "Kommunen lærer av og deler med andre.",
        "criteria": [
            _criterion(
                1,
                "Strategiske samarbeid og partnerskap er kartlagt",
                "document",
                "Oversikt over samarbeid (KS, DigiViken, OsloMet, Nedre Romerike).",
            ),
            _criterion(
                2,
                "Kommunen gjenbruker løsninger som andre har utviklet",
                "initiative",
                "Et initiativ som gjenbruker en løsning.",
            ),
            _criterion(
                3,
                "Kommunen leder et samarbeid om en felles løsning",
                "decision",
                "Vedtak eller avtale om samarbeidet.",
            ),
            _criterion(
                4,
                "Løsninger kommunen har utviklet er tatt i bruk av andre",
                "initiative",
                "Et initiativ som er delt med andre.",
            ),
        ],
    },
    {
        "name": "Porteføljestyring",
        "description": "Idéer og initiativ vurderes, prioriteres og følges opp samlet.",
        "criteria": [
            _criterion(
                1,
                "Strategien er innarbeidet i porteføljestyringen",
                "decision",
                "Vedtak i porteføljestyret.",
            ),
            _criterion(
                2,
                "Porteføljestyret behandler nye idéer fast, med protokoll",
                "document",
                "Protokoll fra et møte i porteføljestyret.",
            ),
            _criterion(
                3,
                "Porteføljestyringen er revidert etter erfaringene",
                "decision",
                "Vedtak om revidert porteføljestyring.",
            ),
            _criterion(
                4,
                "Porteføljen styres etter gevinster og strategiske mål",
                "kpi",
                "Andel aktive initiativ med nullpunktsmåling.",
            ),
        ],
    },
    {
        "name": "Gevinstrealisering",
        "description": "Gevinster planlegges, måles og tas ut, særlig frigjort arbeidskraft.",
        "criteria": [
            _criterion(
                1,
                "Initiativ har en gevinstplan før de starter",
                "kpi",
                "Andel aktive initiativ med gevinstplan.",
            ),
            _criterion(
                2,
                "Gevinster har nullpunktsmåling og måles jevnlig",
                "kpi",
                "Andel aktive initiativ med nullpunktsmåling.",
            ),
            _criterion(
                3,
                "Frigjort arbeidskraft er tatt ut og brukt på nye oppgaver",
                "kpi",
                "Frigjorte timer og årsverk realisert.",
            ),
            _criterion(
                4,
                "Realiserte gevinster rapporteres til kommunestyret hvert år",
                "decision",
                "Saksnummeret for årsrapporten.",
            ),
        ],
    },
]


KPIS: list[KpiData] = [
    {
        "metric": "innovation_rate",
        "name": "Innovasjonsgrad",
        "definition": (
            "Andelen av kommunens aktive enheter som har tatt i bruk (nyttiggjort) minst én "
            "innovasjon i de 24 månedene fram til 31. desember i året (for inneværende år: "
            "fram til i dag), slik KS Innovasjonsbarometeret definerer det. Et initiativ er "
            "tatt i bruk når det er i eller har gått videre fra en fase der løsningen er i "
            "bruk, og minst én gevinst er målt. Trukne og sammenslåtte idéer teller ikke."
        ),
        "unit": "percent",
        "target": "80",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "put_to_use",
        "name": "Innovasjoner tatt i bruk",
        "definition": (
            "Antall initiativ som ble tatt i bruk (nyttiggjort) i året: de gikk sist inn i en "
            "fase der løsningen er i bruk det året, har minst én målt gevinst og er ikke "
            "flyttet tilbake."
        ),
        "unit": "count",
        "target": "6",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "multi_type_share",
        "name": "Andel som kombinerer flere innovasjonstyper",
        "definition": (
            "Andelen av innovasjonene tatt i bruk i året som kombinerer to eller flere av de "
            "fire innovasjonstypene (en annen type i tillegg til hovedtypen)."
        ),
        "unit": "percent",
        "target": "30",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "reused",
        "name": "Gjenbrukt fra andre",
        "definition": (
            "Antall innovasjoner tatt i bruk i året som gjenbruker en løsning andre har utviklet."
        ),
        "unit": "count",
        "target": None,
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "shared",
        "name": "Delt med andre",
        "definition": "Antall innovasjoner tatt i bruk i året som er delt med andre.",
        "unit": "count",
        "target": None,
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "freed_hours",
        "name": "Frigjorte timer",
        "definition": (
            "Timer frigjort per år ifølge siste måling av hver indikator i timer, mot "
            "forventet, for gevinster med realiseringstidspunkt til og med året eller uten "
            "dato."
        ),
        "unit": "hours",
        "target": None,
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "freed_fte",
        "name": "Frigjorte årsverk",
        "definition": (
            "Frigjorte timer delt på timer per årsverk i porteføljeinnstillingene, mot forventet."
        ),
        "unit": "fte",
        "target": "5",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "realised_nok",
        "name": "Realiserte kroner",
        "definition": (
            "Kroner realisert per år ifølge siste måling av hver indikator i kroner, mot "
            "forventet, for gevinster med realiseringstidspunkt til og med året eller uten "
            "dato."
        ),
        "unit": "nok",
        "target": None,
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "baseline_share",
        "name": "Andel med nullpunktsmåling",
        "definition": (
            "Andelen initiativ i en aktiv fase ved utgangen av året (i dag for inneværende "
            "år) som har en gevinst med nullpunktsmåling (startverdi med dato) senest da."
        ),
        "unit": "percent",
        "target": "90",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "initiator_share",
        "name": "Kommunen som initiativtaker eller partner",
        "definition": (
            "Andelen initiativ i en aktiv fase ved utgangen av året (i dag for inneværende "
            "år) der kommunens rolle er nivå 3 (Initiativtaker) eller høyere på "
            "modenhetstrappen."
        ),
        "unit": "percent",
        "target": "40",
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "median_days_in_phase",
        "name": "Median dager per fase",
        "definition": (
            "Median antall dager et initiativ var i en aktiv fase, for opphold i faser som "
            "ble forlatt i året."
        ),
        "unit": "days",
        "target": "90",
        "higher_is_better": False,
        "period": None,
    },
    {
        "metric": "throughput",
        "name": "Gjennomstrømning",
        "definition": "Antall initiativ som ble flyttet fram til en senere aktiv fase i året.",
        "unit": "count",
        "target": None,
        "higher_is_better": True,
        "period": None,
    },
    {
        "metric": "stalled",
        "name": "Initiativ som står stille",
        "definition": (
            "Antall initiativ i en aktiv fase ved utgangen av året (i dag for inneværende år) "
            "som da hadde stått i samme fase lenger enn grensen i porteføljeinnstillingene."
        ),
        "unit": "count",
        "target": "0",
        "higher_is_better": False,
        "period": None,
    },
    {
        "metric": "",
        "name": "Medarbeidere som har gjennomført innovasjonskurs",
        "definition": (
            "Andelen medarbeidere som har gjennomført innovasjonskurset i kommunens "
            "læringsplattform. Registreres for hånd fra læringsplattformen."
        ),
        "unit": "percent",
        "target": "50",
        "higher_is_better": True,
        "period": (2026, 2027),
    },
]
