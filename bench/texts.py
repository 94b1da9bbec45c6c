"""Vocabularies and templates for realistic Norwegian scale data (no Django imports).

Ideas are composed per service area, so that the words of one idea belong together:
«Hvordan kan vi bruke digitalt tilsyn slik at ansatte i hjemmetjenesten …?». The compound
words the search must handle (hjemmetjenesten, innbyggertjenester, velferdsteknologi,
saksbehandling, sykefravær) occur often, as they do in real idea portals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# 50 municipalities, largest first: the seed gives each a share of the ideas by this rank.
MUNICIPALITIES: list[tuple[str, str]] = [
    ("Oslo kommune", "0301"),
    ("Bergen kommune", "4601"),
    ("Trondheim kommune", "5001"),
    ("Stavanger kommune", "1103"),
    ("Bærum kommune", "3201"),
    ("Kristiansand kommune", "4204"),
    ("Drammen kommune", "3301"),
    ("Asker kommune", "3203"),
    ("Lillestrøm kommune", "3205"),
    ("Fredrikstad kommune", "3107"),
    ("Sandnes kommune", "1108"),
    ("Tromsø kommune", "5501"),
    ("Sarpsborg kommune", "3105"),
    ("Skien kommune", "4003"),
    ("Ålesund kommune", "1508"),
    ("Sandefjord kommune", "3907"),
    ("Arendal kommune", "4203"),
    ("Bodø kommune", "1804"),
    ("Larvik kommune", "3909"),
    ("Tønsberg kommune", "3905"),
    ("Karmøy kommune", "1149"),
    ("Ullensaker kommune", "3209"),
    ("Nordre Follo kommune", "3207"),
    ("Halden kommune", "3101"),
    ("Moss kommune", "3103"),
    ("Ringsaker kommune", "3411"),
    ("Haugesund kommune", "1106"),
    ("Porsgrunn kommune", "4001"),
    ("Hamar kommune", "3403"),
    ("Gjøvik kommune", "3407"),
    ("Lillehammer kommune", "3405"),
    ("Molde kommune", "1506"),
    ("Kongsberg kommune", "3303"),
    ("Ringerike kommune", "3305"),
    ("Harstad kommune", "5503"),
    ("Lørenskog kommune", "3222"),
    ("Sola kommune", "1124"),
    ("Horten kommune", "3903"),
    ("Kristiansund kommune", "1505"),
    ("Askøy kommune", "4627"),
    ("Steinkjer kommune", "5006"),
    ("Elverum kommune", "3420"),
    ("Grimstad kommune", "4202"),
    ("Stjørdal kommune", "5035"),
    ("Alta kommune", "5601"),
    ("Narvik kommune", "1806"),
    ("Voss kommune", "4621"),
    ("Levanger kommune", "5037"),
    ("Nesodden kommune", "3212"),
    ("Kongsvinger kommune", "3401"),
]

# Twelve units per municipality; "{place}" is the municipality's name without «kommune».
UNITS: list[str] = [
    "Helse og omsorg",
    "Hjemmetjenesten",
    "Oppvekst og utdanning",
    "Barnehager",
    "NAV {place}",
    "Teknisk drift",
    "Plan, miljø og næring",
    "Kultur og frivillighet",
    "HR og organisasjon",
    "Digitalisering og IKT",
    "Innbyggerservice",
    "Økonomi",
]

FIRST_NAMES = [
    "Ingrid",
    "Thomas",
    "Hanne",
    "Martin",
    "Kari",
    "Erik",
    "Amina",
    "Sofie",
    "Ola",
    "Nora",
    "Emma",
    "Jonas",
    "Lars",
    "Silje",
    "Marius",
    "Ida",
    "Kristian",
    "Maja",
    "Sander",
    "Fatima",
    "Ahmed",
    "Anders",
    "Marte",
    "Håkon",
    "Sigrid",
    "Jørgen",
    "Tuva",
    "Mohammed",
    "Eva",
    "Per",
    "Anne",
    "Bjørn",
    "Liv",
    "Øystein",
    "Åse",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Solberg",
    "Lie",
    "Nordmann",
    "Hussein",
    "Ali",
    "Moen",
    "Strand",
    "Ødegård",
]

TAGS: list[str] = [
    "Velferdsteknologi",
    "KI",
    "Klarspråk",
    "Samskaping",
    "RPA",
    "Automatisering",
    "Digitalisering",
    "Bærekraft",
    "Heltidskultur",
    "Sykefravær",
    "Rekruttering",
    "Innbyggerinvolvering",
    "Gevinstrealisering",
    "Personvern",
    "Tjenestedesign",
    "Sensorer",
    "Frivillighet",
    "Klima",
    "Universell utforming",
    "Interkommunalt samarbeid",
    "Saksbehandling",
    "Hjemmetjenesten",
    "Innbyggertjenester",
    "Arbeidsflyt",
    "Kompetanse",
    "Folkehelse",
    "Barn og unge",
    "Eldre",
    "Datadeling",
    "Informasjonssikkerhet",
]


@dataclass(frozen=True)
class Area:
    """One service area: the unit ideas come from and the words that belong to it."""

    unit: str  # one of UNITS
    service: str  # definite form, after «i»: "hjemmetjenesten"
    staff: str  # "ansatte i hjemmetjenesten"
    groups: tuple[str, ...]  # who has the need, definite plural: "brukerne"
    tasks: tuple[str, ...]  # work that takes time: "medisinutdeling"
    problems: tuple[str, ...]  # sentences about today's situation
    innovation_type: str  # the most likely InnovationTypeCode


AREAS: tuple[Area, ...] = (
    Area(
        unit="Hjemmetjenesten",
        service="hjemmetjenesten",
        staff="ansatte i hjemmetjenesten",
        groups=("brukerne", "hjemmeboende eldre", "pårørende"),
        tasks=(
            "medisinutdeling",
            "nattlige tilsyn",
            "ruteplanlegging",
            "vaktplanlegging",
            "dokumentasjon i fagsystemet",
            "kjøring mellom brukerne",
        ),
        problems=(
            "Mye av arbeidstiden i hjemmetjenesten går med til kjøring mellom brukerne, og "
            "besøkene blir korte.",
            "Nattpatruljen gjør mange fysiske tilsyn hos brukere som sover og ikke trenger hjelp.",
            "Brukerne og pårørende ønsker mer forutsigbarhet om når hjemmetjenesten kommer.",
            "Velferdsteknologi er tatt i bruk i enkelte soner, men ikke som en del av den "
            "ordinære driften.",
            "En stor andel av besøkene gjelder bare utdeling av medisiner.",
        ),
        innovation_type="service",
    ),
    Area(
        unit="Helse og omsorg",
        service="sykehjemmene",
        staff="ansatte i helse og omsorg",
        groups=("beboerne", "pårørende", "pasientene"),
        tasks=(
            "legemiddelhåndtering",
            "turnusplanlegging",
            "innleie av vikarer",
            "rapportering",
            "dokumentasjon",
        ),
        problems=(
            "Sykefraværet i helse og omsorg har over tid ligget høyere enn i resten av kommunen.",
            "Vi er avhengige av mange ekstravakter og dyrt innleie fra vikarbyrå for at turnusen "
            "skal gå opp.",
            "Mange ansatte jobber i små deltidsstillinger og ønsker større stilling.",
            "Det er vanskelig å rekruttere sykepleiere og helsefagarbeidere.",
            "Velferdsteknologi kan gi beboerne mer trygghet, men brukes lite i dag.",
        ),
        innovation_type="organisational",
    ),
    Area(
        unit="Oppvekst og utdanning",
        service="skolene",
        staff="lærerne",
        groups=("elevene", "foresatte"),
        tasks=(
            "fraværsføring",
            "dokumentasjon",
            "meldinger til foresatte",
            "planlegging av undervisningen",
            "skoleskyss",
        ),
        problems=(
            "Lærerne fører fravær og sender meldinger til foresatte i flere ulike systemer.",
            "Mye registreres to ganger, og tiden går fra oppfølging av elevene.",
            "Foresatte savner en samlet oversikt over beskjeder fra skolen.",
        ),
        innovation_type="process",
    ),
    Area(
        unit="Barnehager",
        service="barnehagene",
        staff="ansatte i barnehagene",
        groups=("foreldrene", "barna"),
        tasks=(
            "barnehageopptak",
            "foreldrebetaling",
            "søknader om redusert foreldrebetaling",
            "vikarinnleie",
        ),
        problems=(
            "Hovedopptaket krever mye manuell oppfølging med tilbud, purringer og nye runder.",
            "Foreldrene opplever lang ventetid og usikkerhet om barnehageplass.",
            "Sykefraværet i barnehagene gir mye vikarinnleie og lite kontinuitet for barna.",
        ),
        innovation_type="service",
    ),
    Area(
        unit="NAV {place}",
        service="NAV-kontoret",
        staff="veilederne i NAV",
        groups=("søkerne", "brukerne", "deltakerne i introduksjonsprogrammet"),
        tasks=(
            "saksbehandling av økonomisk sosialhjelp",
            "innhenting av dokumentasjon",
            "oppfølging mot arbeid",
            "timebestilling",
        ),
        problems=(
            "Mange søknader om økonomisk sosialhjelp mangler dokumentasjon, og saksbehandlingen "
            "tar lang tid.",
            "Søkerne venter ofte flere uker på svar og ringer for å høre hvordan det går med "
            "saken.",
            "Veilederne bruker mer tid på saksbehandling enn på oppfølging mot arbeid.",
        ),
        innovation_type="service",
    ),
    Area(
        unit="Teknisk drift",
        service="teknisk drift",
        staff="driftsmannskapene",
        groups=("innbyggerne", "trafikantene", "abonnentene"),
        tasks=(
            "brøyting og strøing",
            "lekkasjesøk",
            "vedlikehold av kommunale veier",
            "avviksmeldinger",
            "renovasjon",
        ),
        problems=(
            "Hver vinter får teknisk drift hundrevis av henvendelser om brøyting og strøing.",
            "Lekkasjer på vannledningsnettet oppdages ofte først når vannet kommer opp i veien.",
            "Meldinger fra innbyggerne må registreres manuelt før de når mannskapene.",
        ),
        innovation_type="process",
    ),
    Area(
        unit="Plan, miljø og næring",
        service="byggesaksbehandlingen",
        staff="saksbehandlerne",
        groups=("søkerne", "utbyggerne", "naboene"),
        tasks=(
            "byggesaksbehandling",
            "kontroll av søknader",
            "mangelbrev",
            "arkivering",
            "planbehandling",
        ),
        problems=(
            "Saksbehandlingstiden for byggesaker nærmer seg de lovpålagte fristene i travle "
            "perioder.",
            "Mange søknader er ufullstendige og må sendes i retur med mangelbrev.",
            "Innspill i planprosesser kommer ofte sent, gjennom formelle høringer som få deltar i.",
        ),
        innovation_type="process",
    ),
    Area(
        unit="Kultur og frivillighet",
        service="kulturtjenesten",
        staff="ansatte i kultur og frivillighet",
        groups=("frivillige lag og foreninger", "barn og unge", "ensomme eldre"),
        tasks=(
            "utleie av kommunale lokaler",
            "tilskuddsordninger",
            "aktivitetstilbud",
            "samarbeid med frivilligheten",
        ),
        problems=(
            "Lag og foreninger synes det er vanskelig å vite hvem i kommunen de skal kontakte.",
            "Booking av kommunale lokaler skjer på e-post og telefon, og oversikten er dårlig.",
            "Mange hjemmeboende eldre er ensomme, og dagsentrene har venteliste.",
        ),
        innovation_type="system",
    ),
    Area(
        unit="HR og organisasjon",
        service="HR-tjenestene",
        staff="lederne",
        groups=("nyansatte", "medarbeiderne", "tillitsvalgte"),
        tasks=(
            "rekruttering",
            "introduksjon av nyansatte",
            "oppfølging av sykefravær",
            "lønnskjøring",
            "kompetansekartlegging",
        ),
        problems=(
            "Sykefraværet er høyt i flere enheter, og lederne mangler gode verktøy for å følge "
            "opp tidlig.",
            "Opplæringen av nyansatte varierer mye mellom enhetene.",
            "Det er krevende å rekruttere og beholde medarbeidere med riktig kompetanse.",
        ),
        innovation_type="organisational",
    ),
    Area(
        unit="Digitalisering og IKT",
        service="IKT-tjenestene",
        staff="ansatte i IKT",
        groups=("de ansatte", "enhetslederne"),
        tasks=(
            "brukerstøtte",
            "tilgangsstyring",
            "innkjøp av programvare",
            "integrasjoner mellom fagsystemer",
        ),
        problems=(
            "Mange ansatte bruker allerede gratis KI-tjenester på egen hånd, med risiko for at "
            "personopplysninger kommer på avveie.",
            "Fagsystemene snakker ikke sammen, og data må overføres manuelt.",
        ),
        innovation_type="process",
    ),
    Area(
        unit="Innbyggerservice",
        service="innbyggertorget",
        staff="veilederne på innbyggertorget",
        groups=(
            "innbyggerne",
            "eldre som står utenfor digitalt",
            "innbyggere som ikke leser norsk godt",
        ),
        tasks=(
            "henvendelser på telefon",
            "veiledning i digitale innbyggertjenester",
            "informasjon på nettsiden",
            "varsling av innbyggere",
        ),
        problems=(
            "Innbyggertorget besvarer mange henvendelser som allerede er besvart på nettsiden.",
            "Innbyggertjenestene er spredt på mange nettsider og skjemaer, og innbyggerne finner "
            "ikke frem.",
            "Mange eldre har ikke BankID og får ikke til å bruke digitale innbyggertjenester.",
        ),
        innovation_type="service",
    ),
    Area(
        unit="Økonomi",
        service="økonomiavdelingen",
        staff="regnskapsmedarbeiderne",
        groups=("enhetslederne", "leverandørene"),
        tasks=(
            "fakturabehandling",
            "kontering av inngående fakturaer",
            "budsjettoppfølging",
            "månedsrapportering",
            "innfordring",
        ),
        problems=(
            "Økonomiavdelingen konterer tusenvis av faste fakturaer manuelt hver måned.",
            "Enhetslederne får økonomirapportene flere uker etter at perioden er slutt.",
        ),
        innovation_type="process",
    ),
)

# (as the object of «bruke …», as a title)
TECHNOLOGIES: tuple[tuple[str, str], ...] = (
    ("digitalt tilsyn", "Digitalt tilsyn"),
    ("sensorer", "Sensorer"),
    ("en KI-assistent", "KI-assistent"),
    ("en chatbot", "Chatbot"),
    ("en programvarerobot (RPA)", "Programvarerobot"),
    ("velferdsteknologi", "Velferdsteknologi"),
    ("digitale skjemaer", "Digitale skjemaer"),
    ("en selvbetjeningsløsning", "Selvbetjeningsløsning"),
    ("et selvbetjent dashbord", "Dashbord"),
    ("en mobilapp", "Mobilapp"),
    ("en kartløsning", "Kartløsning"),
    ("SMS-varsling", "SMS-varsling"),
    ("videokonsultasjon", "Videokonsultasjon"),
    ("talegjenkjenning", "Talegjenkjenning"),
    ("automatisert saksbehandling", "Automatisert saksbehandling"),
    ("digitale medisindispensere", "Digitale medisindispensere"),
)

TITLES = (
    "{Tech} i {service}",
    "{Tech} for {task}",
    "Enklere {task} for {group}",
    "Mindre tid på {task} i {service}",
    "Smartere {task} med {tech_lower}",
    "Samskaping med {group} om {task}",
    "Pilot: {tech_lower} i {service}",
    "Automatisering av {task}",
    "Bedre informasjon til {group}",
    "Heltidskultur og nærvær i {service}",
    "Felles løsning for {task} med nabokommunene",
)

QUESTIONS = (
    "Hvordan kan vi bruke {tech} slik at {staff} bruker mindre tid på {task} og mer tid "
    "sammen med {group}?",
    "Hvordan kan vi gjøre {task} enklere for {group} og for {staff}?",
    "Hvordan kan vi redusere sykefraværet blant {staff}, slik at {group} møter færre vikarer?",
    "Hvordan kan vi involvere {group} tidlig når vi utvikler tjenestetilbudet i {service}?",
    "Hvordan kan vi korte ned saksbehandlingstiden i {service} uten at det går ut over "
    "kvalitet og rettssikkerhet?",
    "Hvordan kan vi ta i bruk {tech} på en trygg måte i {service}?",
    "Hvordan kan vi frigjøre tid i {service} ved å automatisere {task}?",
    "Hvordan kan vi gi {group} raskere svar, også utenfor åpningstiden?",
    "Hvordan kan vi samarbeide med nabokommunene om {task}, slik at vi deler på kostnader og "
    "kompetanse?",
)

NEEDS = (
    "{Staff} bruker i dag mye tid på {task}, og mye av arbeidet gjøres manuelt.",
    "Vi håndterer rundt {count} saker i året som gjelder {task}.",
    "{Group} opplever lang ventetid og etterspør raskere svar.",
    "Saksbehandlingen skjer i flere systemer, og mye registreres to ganger.",
    "Erfaringer fra andre kommuner viser at {tech} kan frigjøre tid i innbyggertjenestene.",
    "Sykefraværet blant {staff} har det siste året ligget rundt {percent} prosent.",
    "Vi anslår at rundt {hours} timer i året kan frigjøres hvis vi lykkes.",
)

SOLUTIONS = (
    "Prøve ut {tech} i en pilot i {service}, og måle tidsbruken før og etter.",
    "Kartlegge dagens arbeidsflyt sammen med {staff} og {group}, og bruke tjenestedesign for "
    "å finne bedre løsninger.",
    "Ta i bruk {tech}, som flere kommuner allerede har erfaring med, og dele erfaringene i "
    "nettverket.",
    "Etablere et samarbeid med nabokommunene om {task}, med felles anskaffelse av {tech}.",
)

AFFECTED = (
    "Tillitsvalgte, verneombud og {group}.",
    "Personvernombudet, IKT og {staff}.",
    "{Group}, pårørende og frivillige.",
    "",
)


@dataclass(frozen=True)
class IdeaText:
    title: str
    question: str
    need: str
    need_holder: str
    proposed_solution: str
    affected_parties: str
    innovation_type: str
    unit: str  # one of UNITS


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """«Digitalt tilsyn» → «digitalt tilsyn», but «KI-assistent» stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def compose_idea(rng: random.Random) -> IdeaText:
    """One idea's texts, its unit and its likely innovation type, drawn from one area."""
    area = rng.choice(AREAS)
    tech, tech_title = rng.choice(TECHNOLOGIES)
    group = rng.choice(area.groups)
    words = {
        "tech": tech,
        "Tech": tech_title,
        "tech_lower": _lower_first(tech_title),
        "service": area.service,
        "staff": area.staff,
        "Staff": _cap(area.staff),
        "group": group,
        "Group": _cap(group),
        "task": rng.choice(area.tasks),
        "count": f"{rng.randrange(200, 40_000, 100):,}".replace(",", " "),
        "percent": rng.randint(6, 14),
        "hours": f"{rng.randrange(200, 5_000, 50):,}".replace(",", " "),
    }
    sentences = rng.sample(area.problems, k=min(2, len(area.problems)))
    sentences += [s.format(**words) for s in rng.sample(NEEDS, k=rng.randint(1, 3))]
    rng.shuffle(sentences)
    innovation_type = (
        area.innovation_type
        if rng.random() < 0.6
        else rng.choice(("service", "process", "organisational", "system"))
    )
    return IdeaText(
        title=_cap(rng.choice(TITLES).format(**words))[:120],
        question=rng.choice(QUESTIONS).format(**words)[:300],
        need=" ".join(sentences),
        need_holder=f"{_cap(group)} og {area.staff}",
        proposed_solution=rng.choice(SOLUTIONS).format(**words) if rng.random() < 0.8 else "",
        affected_parties=rng.choice(AFFECTED).format(**words),
        innovation_type=innovation_type,
        unit=area.unit,
    )
