"""Default phase sets (KS Veikart and Digdir Prosjektveiviseren) seeded for the portfolio board."""

from __future__ import annotations

from typing import Literal, TypedDict

PhaseKind = Literal["inbox", "active", "closed"]


class PhaseData(TypedDict, total=False):
    order: int
    name: str
    kind: PhaseKind
    description: str
    key_questions: list[str]
    checklist: list[str]
    in_use: bool  # «nyttiggjort»: the solution has been taken into use in this phase


IN_USE_PHASES = frozenset({"Overgang til drift", "Ny praksis", "Realisere"})

INBOX_PHASE: PhaseData = {
    "order": 0,
    "name": "Innkommet",
    "kind": "inbox",
    "description": (
        "Nye idéer som er sendt inn, og som venter på behandling i porteføljestyret. Styret "
        "vurderer idéen opp mot kommunens strategiske mål, behov og mulige gevinster, og beslutter "
        "om den skal tas videre, parkeres, avvises eller slås sammen med en annen idé."
    ),
    "key_questions": [
        "Er behovet tydelig beskrevet, og hvem har behovet?",
        "Bidrar idéen til kommunens strategiske mål?",
        "Finnes det allerede en lignende idé eller et pågående initiativ?",
    ],
    "checklist": [],
}

CLOSED_PHASES: list[PhaseData] = [
    {
        "order": 90,
        "name": "Parkert",
        "kind": "closed",
        "description": (
            "Idéen eller initiativet er satt på vent, for eksempel på grunn av manglende kapasitet "
            "eller fordi tiden ikke er moden. Det kan tas opp igjen senere."
        ),
        "key_questions": [],
        "checklist": [],
    },
    {
        "order": 91,
        "name": "Avvist",
        "kind": "closed",
        "description": (
            "Idéen eller initiativet er vurdert og avvist av porteføljestyret. Innmelder får en "
            "begrunnelse for avgjørelsen."
        ),
        "key_questions": [],
        "checklist": [],
    },
    {
        "order": 92,
        "name": "Slått sammen",
        "kind": "closed",
        "description": (
            "Idéen er slått sammen med en annen idé eller et pågående initiativ som dekker det "
            "samme behovet."
        ),
        "key_questions": [],
        "checklist": [],
    },
    {
        "order": 93,
        "name": "Avsluttet",
        "kind": "closed",
        "description": (
            "Initiativet er avsluttet, enten fordi løsningen er tatt i bruk og gevinstene følges "
            "opp i linjen, eller fordi arbeidet er stanset."
        ),
        "key_questions": [],
        "checklist": [],
    },
]

KS_VEIKART_PHASES: list[PhaseData] = [
    {**INBOX_PHASE},
    {
        "order": 1,
        "name": "Forankring",
        "kind": "active",
        "description": (
            "Problemstillingen og målene defineres, og mulige gevinster utforskes. Riktig team "
            "settes sammen, interessenter kartlegges og forankringen planlegges. Samtidig "
            "kartlegges beslektede prosjekter i egen og andre kommuner."
        ),
        "key_questions": [
            "Hva er problemet vi skal løse, og hva er målet?",
            "Har prosjektet en dedikert pådriver og et team som jobber godt sammen?",
            "Hvem må vi samarbeide med og involvere for å lykkes?",
            "Finnes det beslektede prosjekter vi kan lære av eller samarbeide med?",
        ],
        "checklist": [
            "Problemstilling og mål er beskrevet",
            "Mulige gevinster er utforsket",
            "Pådriver og team er på plass",
            "Interessenter er kartlagt og forankringen er planlagt",
            "Beslektede prosjekter er kartlagt",
        ],
    },
    {
        "order": 2,
        "name": "Innsikt",
        "kind": "active",
        "description": (
            "Før dere velger løsning, skal dere finne de reelle behovene og årsakene bak "
            "problemet. Dagens tjenestereise kartlegges gjennom intervjuer og observasjon av "
            "brukere og ansatte, og dere lærer av andre som har jobbet med lignende utfordringer."
        ),
        "key_questions": [
            "Hva er egentlig behovet vi skal løse?",
            "Hva er de underliggende årsakene til problemet?",
            "Hvordan opplever brukere og ansatte tjenesten i dag?",
            "Hva kan vi lære av andre som har løst lignende utfordringer?",
        ],
        "checklist": [
            "Dagens tjenestereise er kartlagt",
            "Intervjuer og observasjon er gjennomført",
            "Behov og rotårsaker er beskrevet",
            "Erfaringer fra andre kommuner er innhentet",
            "Problemstillingen er justert ut fra innsikten",
        ],
    },
    {
        "order": 3,
        "name": "Tjenesteutvikling",
        "kind": "active",
        "description": (
            "Idéer utvikles til en tjeneste som er klar for pilotering, sammen med brukere og "
            "ansatte. Ny tjenestereise og tjenesteblåkopi (service blueprint) beskriver hvordan "
            "tjenesten skal fungere, og løsningene prøves tidlig i enkle prototyper."
        ),
        "key_questions": [
            "Skaper løsningen verdi for de som har behovet?",
            "Hvordan skal den nye tjenestereisen se ut for brukere og ansatte?",
            "Hva må være på plass for at løsningen kan prøves ut i praksis?",
        ],
        "checklist": [
            "Løsningsidéer er utviklet sammen med brukere og ansatte",
            "Ny tjenestereise er beskrevet",
            "Tjenesteblåkopi er utarbeidet",
            "Løsningen er testet i en enkel prototype",
            "Personvern og informasjonssikkerhet er vurdert",
        ],
    },
    {
        "order": 4,
        "name": "Pilotering",
        "kind": "active",
        "description": (
            "Løsningen prøves ut i liten skala over tid for å se om den virker og gir forventede "
            "gevinster. Piloten planlegges med mål, omfang, tid, deltakere, opplæring, "
            "feilhåndtering og måling av gevinster, før den gjennomføres og evalueres."
        ),
        "key_questions": [
            "Virker løsningen i praksis, og for hvem?",
            "Gir løsningen de gevinstene vi forventet?",
            "Hva må justeres før løsningen tas i bruk i full skala?",
        ],
        "checklist": [
            "Pilotplan med mål, omfang, tid og deltakere er godkjent",
            "Opplæring og rutiner for feilhåndtering er på plass",
            "Nullpunktsmåling er gjennomført",
            "Piloten er gjennomført og evaluert",
            "Gevinster fra piloten er målt",
            "Beslutning om overgang til drift er tatt",
        ],
    },
    {
        "order": 5,
        "name": "Overgang til drift",
        "kind": "active",
        "description": (
            "Løsningen tas inn i den daglige driften. En implementeringsplan beskriver opplæring, "
            "rutiner, ansvar og eventuelle anskaffelser. Gevinsteier i linjen overtar ansvaret for "
            "å realisere gevinstene."
        ),
        "key_questions": [
            "Hvem eier løsningen og gevinstene i linjen?",
            "Hva kreves av opplæring, rutiner og eventuell anskaffelse?",
            "Hvordan sikrer vi at den nye praksisen faktisk tas i bruk?",
        ],
        "checklist": [
            "Implementeringsplan er utarbeidet",
            "Eventuell anskaffelse er gjennomført",
            "Ansatte har fått opplæring",
            "Rutiner og ansvar er oppdatert",
            "Gevinsteier har overtatt ansvaret for gevinstene",
        ],
    },
    {
        "order": 6,
        "name": "Ny praksis",
        "kind": "active",
        "description": (
            "Tjenesten driftes som ny praksis. Gevinstene måles og følges opp over tid, og "
            "tjenesten forbedres og videreutvikles, gjerne gjennom nye runder i innovasjonshjulet. "
            "Erfaringene deles med andre enheter og kommuner."
        ),
        "key_questions": [
            "Realiseres gevinstene slik vi planla?",
            "Hva kan forbedres videre?",
            "Kan løsningen spres til andre enheter eller kommuner?",
        ],
        "checklist": [
            "Tjenesten er i ordinær drift",
            "Gevinstene måles jevnlig mot startverdien",
            "Gevinstrapport er lagt frem for porteføljestyret",
            "Erfaringer er delt med andre enheter og kommuner",
        ],
    },
    *[PhaseData(**phase) for phase in CLOSED_PHASES],
]

DIGDIR_PHASES: list[PhaseData] = [
    {**INBOX_PHASE},
    {
        "order": 1,
        "name": "Idé",
        "kind": "active",
        "description": (
            "Linjeorganisasjonen beskriver behovet og idéen, og vurderer og prioriterer hvilke "
            "idéer som skal utredes videre. Fasen avsluttes med beslutningspunkt 1 (BP1), der "
            "ledelsen bestemmer om det skal gjennomføres en konseptfase."
        ),
        "key_questions": [
            "Hvilket behov eller problem skal idéen løse?",
            "Hvor viktig er dette sammenlignet med andre idéer i porteføljen?",
            "Er det verdt å bruke ressurser på å utrede idéen videre?",
        ],
        "checklist": [
            "Behov og problemstilling er beskrevet",
            "Idéen er vurdert opp mot strategiske mål",
            "Mandat for konseptfasen er utarbeidet",
            "BP1: Oppstart av konseptfasen er godkjent",
        ],
    },
    {
        "order": 2,
        "name": "Konsept",
        "kind": "active",
        "description": (
            "Linjeorganisasjonen avklarer hva behovet egentlig er, utreder alternative konsepter "
            "og velger den beste tilnærmingen for et eventuelt prosjekt. Fasen avsluttes med "
            "beslutningspunkt 2 (BP2), der prosjektbeskrivelsen og planen for neste fase "
            "godkjennes."
        ),
        "key_questions": [
            "Hva er egentlig behovet?",
            "Hvilke alternative konsepter finnes, inkludert å fortsette som i dag?",
            "Hvilke gevinster kan det valgte konseptet gi?",
        ],
        "checklist": [
            "Behovet er analysert",
            "Alternative konsepter, inkludert nullalternativet, er vurdert",
            "Forventede gevinster er identifisert",
            "Prosjektbeskrivelse er utarbeidet",
            "BP2: Prosjektbeskrivelse og oppstart av planlegging er godkjent",
        ],
    },
    {
        "order": 3,
        "name": "Planlegge",
        "kind": "active",
        "description": (
            "Prosjektet etableres, målene forankres og det lages en plan for hvordan prosjektet "
            "skal styres og gjennomføres. Fasen avsluttes med beslutningspunkt 3 (BP3), der "
            "prosjekteier godkjenner styringsdokumentet og oppstart av gjennomføringen."
        ),
        "key_questions": [
            "Er målene og gevinstene forankret hos prosjekteier og gevinsteier?",
            "Har prosjektet riktige ressurser, roller og rammer?",
            "Hvilke risikoer må håndteres?",
        ],
        "checklist": [
            "Prosjektorganisasjonen er etablert",
            "Styringsdokument med mål, omfang og rammer er utarbeidet",
            "Gevinstrealiseringsplan er utarbeidet",
            "Risikovurdering er gjennomført",
            "BP3: Oppstart av gjennomføringen er godkjent",
        ],
    },
    {
        "order": 4,
        "name": "Gjennomføre",
        "kind": "active",
        "description": (
            "Prosjektet skaper og leverer resultatene, og linjen forbereder seg på å ta dem i "
            "bruk. Fasen avsluttes med beslutningspunkt 4 (BP4), der prosjekteier godkjenner "
            "leveransene og overgang til avslutning."
        ),
        "key_questions": [
            "Leverer prosjektet det som er avtalt, innenfor rammene?",
            "Er linjeorganisasjonen klar til å ta i bruk leveransene?",
            "Må planen eller gevinstene justeres?",
        ],
        "checklist": [
            "Leveransene er ferdigstilt og godkjent",
            "Opplæring av brukere og ansatte er gjennomført",
            "Linjeorganisasjonen er klar til å overta",
            "BP4: Leveransene og overgang til avslutning er godkjent",
        ],
    },
    {
        "order": 5,
        "name": "Avslutte",
        "kind": "active",
        "description": (
            "Produktansvaret overføres til linjen, erfaringer oppsummeres og prosjektet oppløses. "
            "Fasen avsluttes med beslutningspunkt 5 (BP5), der prosjekteier godkjenner "
            "sluttrapporten og avslutningen av prosjektet."
        ),
        "key_questions": [
            "Er ansvaret for løsningen og gevinstene overført til linjen?",
            "Hva har vi lært som andre kan ha nytte av?",
        ],
        "checklist": [
            "Produktansvaret er overført til linjen",
            "Sluttrapport med erfaringer er utarbeidet",
            "Gevinsteier har overtatt oppfølgingen av gevinstene",
            "BP5: Sluttrapport og avslutning av prosjektet er godkjent",
        ],
    },
    {
        "order": 6,
        "name": "Realisere",
        "kind": "active",
        "description": (
            "Etter at prosjektet er avsluttet, følger linjeorganisasjonen opp realiseringen av "
            "gevinstene basert på prosjektets leveranser. Gevinstene måles mot startverdien og "
            "rapporteres til porteføljestyret."
        ),
        "key_questions": [
            "Realiseres gevinstene slik vi planla?",
            "Hvilke tiltak trengs for å hente ut gjenstående gevinster?",
        ],
        "checklist": [
            "Gevinstene måles jevnlig mot startverdien",
            "Gevinstrapport er lagt frem for porteføljestyret",
            "Gevinstene er realisert eller avviket er forklart",
        ],
    },
    *[PhaseData(**phase) for phase in CLOSED_PHASES],
]


# The phases of each PhaseTemplate (portfolio.models), keyed by its value.
PHASE_TEMPLATES: dict[str, list[PhaseData]] = {
    "ks_veikart": KS_VEIKART_PHASES,
    "digdir": DIGDIR_PHASES,
}
