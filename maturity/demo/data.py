"""Demo municipality (Nittedal kommune) with units, users and ideas for `manage.py seed_demo`."""

from __future__ import annotations

from typing import Literal, TypedDict

Role = Literal["staff", "board", "leader", "admin"]
InnovationTypeCode = Literal["service", "process", "organisational", "system"]


class OrganisationData(TypedDict):
    name: str
    kommunenummer: str
    slug: str


class UnitData(TypedDict):
    name: str
    short_name: str


class UserData(TypedDict):
    email: str
    first_name: str
    last_name: str
    role: Role
    unit: str


class IdeaData(TypedDict):
    title: str
    question: str
    need: str
    proposed_solution: str
    innovation_type: InnovationTypeCode
    unit: str
    submitter: str
    days_ago: int


DEMO_ORGANISATION: OrganisationData = {
    "name": "Nittedal kommune",
    "kommunenummer": "3232",
    "slug": "nittedal",
}

DEMO_PASSWORD = "nyttig-demo-2025"

DEMO_UNITS: list[UnitData] = [
    {"name": "Helse og omsorg", "short_name": ""},
    {"name": "Hjemmetjenesten", "short_name": ""},
    {"name": "Oppvekst og utdanning", "short_name": ""},
    {"name": "Barnehager", "short_name": ""},
    {"name": "NAV Nittedal", "short_name": "NAV"},
    {"name": "Teknisk drift", "short_name": ""},
    {"name": "Plan, miljø og næring", "short_name": "PMN"},
    {"name": "Kultur og frivillighet", "short_name": ""},
    {"name": "HR og organisasjon", "short_name": "HR"},
    {"name": "Digitalisering og IKT", "short_name": "IKT"},
    {"name": "Innbyggerservice", "short_name": ""},
    {"name": "Økonomi", "short_name": ""},
]

DEMO_USERS: list[UserData] = [
    {
        "email": "ansatt@nittedal.example",
        "first_name": "Ingrid",
        "last_name": "Solberg",
        "role": "staff",
        "unit": "Hjemmetjenesten",
    },
    {
        "email": "styret@nittedal.example",
        "first_name": "Thomas",
        "last_name": "Berg",
        "role": "board",
        "unit": "Digitalisering og IKT",
    },
    {
        "email": "leder@nittedal.example",
        "first_name": "Hanne",
        "last_name": "Lie",
        "role": "leader",
        "unit": "Helse og omsorg",
    },
    {
        "email": "admin@nittedal.example",
        "first_name": "Martin",
        "last_name": "Haugen",
        "role": "admin",
        "unit": "Digitalisering og IKT",
    },
    {
        "email": "kari.nordmann@nittedal.example",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "role": "staff",
        "unit": "Økonomi",
    },
    {
        "email": "erik.andersen@nittedal.example",
        "first_name": "Erik",
        "last_name": "Andersen",
        "role": "staff",
        "unit": "Teknisk drift",
    },
    {
        "email": "amina.hussein@nittedal.example",
        "first_name": "Amina",
        "last_name": "Hussein",
        "role": "staff",
        "unit": "NAV Nittedal",
    },
    {
        "email": "sofie.johansen@nittedal.example",
        "first_name": "Sofie",
        "last_name": "Johansen",
        "role": "staff",
        "unit": "Oppvekst og utdanning",
    },
]

DEMO_IDEAS: list[IdeaData] = [
    {
        "title": "Digitalt nattilsyn i hjemmetjenesten",
        "question": (
            "Hvordan kan vi bruke digitalt tilsyn om natten slik at brukerne i hjemmetjenesten "
            "sover bedre og nattpatruljen bruker tiden der den trengs mest?"
        ),
        "need": (
            "Nattpatruljen gjennomfører rundt 40 fysiske tilsyn hver natt, mange hos brukere som "
            "sover og ikke trenger hjelp. Besøkene forstyrrer søvnen, og kjøringen mellom "
            "adressene tar en stor del av nattevakten. Brukere og pårørende ønsker trygghet uten å "
            "bli vekket."
        ),
        "proposed_solution": (
            "Pilotere digitalt tilsyn med sensorer hos 15 brukere som samtykker, der faste tilsyn "
            "erstattes av varsling ved behov. Vi anslår at dette kan frigjøre rundt 1 500 timer i "
            "året."
        ),
        "innovation_type": "service",
        "unit": "Hjemmetjenesten",
        "submitter": "ansatt@nittedal.example",
        "days_ago": 12,
    },
    {
        "title": "Robotisert kontroll og kontering av inngående fakturaer",
        "question": (
            "Hvordan kan vi automatisere kontroll og kontering av inngående fakturaer slik at "
            "regnskapsmedarbeiderne får mer tid til analyse og rådgivning?"
        ),
        "need": (
            "Økonomiavdelingen mottar rundt 38 000 inngående fakturaer i året. En stor andel er "
            "faste fakturaer fra de samme leverandørene, som konteres manuelt på samme måte hver "
            "måned. Arbeidet er repeterende, gir feil og binder opp nesten ett årsverk."
        ),
        "proposed_solution": (
            "Ta i bruk en programvarerobot (RPA) som matcher fakturaer mot bestilling og avtale og "
            "foreslår kontering, slik at medarbeiderne bare behandler avvik."
        ),
        "innovation_type": "process",
        "unit": "Økonomi",
        "submitter": "kari.nordmann@nittedal.example",
        "days_ago": 45,
    },
    {
        "title": "KI-assistent for byggesaksbehandling",
        "question": (
            "Hvordan kan vi bruke en KI-assistent til å korte ned saksbehandlingstiden for "
            "byggesaker uten at det går ut over kvalitet og rettssikkerhet?"
        ),
        "need": (
            "Byggesaksbehandlerne bruker mye tid på å kontrollere at søknader er komplette, finne "
            "relevante planbestemmelser og skrive standardbrev. I travle perioder nærmer "
            "saksbehandlingstiden seg de lovpålagte fristene, og søkerne etterspør raskere svar."
        ),
        "proposed_solution": (
            "Prøve ut en KI-assistent som sjekker søknaden for mangler, henter frem aktuelle "
            "planbestemmelser og lager utkast til mangelbrev som saksbehandler kvalitetssikrer. "
            "Personvern og informasjonssikkerhet vurderes før piloten starter."
        ),
        "innovation_type": "process",
        "unit": "Plan, miljø og næring",
        "submitter": "styret@nittedal.example",
        "days_ago": 8,
    },
    {
        "title": "Nærværsmodell i helse og omsorg",
        "question": "Hvordan kan vi bidra til at ansatte i helse og omsorg øker nærværet?",
        "need": (
            "Sykefraværet i helse og omsorg har over tid ligget rundt 11 prosent, godt over resten "
            "av kommunen. Fraværet gir mye innleie og overtid og belaster kollegene som er på "
            "jobb. Lederne mangler gode verktøy for å følge opp tidlig."
        ),
        "proposed_solution": (
            "Utvikle en nærværsmodell sammen med tillitsvalgte og verneombud, med tett oppfølging "
            "i tidlig fase, faste nærværssamtaler og rask tilrettelegging. Ett prosentpoeng lavere "
            "fravær tilsvarer om lag seks årsverk."
        ),
        "innovation_type": "organisational",
        "unit": "Helse og omsorg",
        "submitter": "leder@nittedal.example",
        "days_ago": 96,
    },
    {
        "title": "Rekrutteringsløp for sykepleierstudenter i samarbeid med OsloMet",
        "question": (
            "Hvordan kan vi sørge for at flere sykepleierstudenter som har praksis hos oss, ønsker "
            "å begynne å jobbe i kommunen etter endt utdanning?"
        ),
        "need": (
            "Helse og omsorg har flere ubesatte sykepleierstillinger, og mange nyutdannede velger "
            "sykehus fremfor kommunen. Vi tar imot studenter fra OsloMet hvert semester, men har "
            "ingen plan for å rekruttere dem. Vakansene dekkes i dag med dyrt innleie fra "
            "vikarbyrå."
        ),
        "proposed_solution": (
            "Utvikle et rekrutteringsløp med OsloMet som universitetskommune: godt tilrettelagt "
            "praksis, sommerjobb, fast mentor og tilbud om fast stilling ved endt utdanning."
        ),
        "innovation_type": "organisational",
        "unit": "Helse og omsorg",
        "submitter": "leder@nittedal.example",
        "days_ago": 150,
    },
    {
        "title": "Årsturnus og større stillinger i hjemmetjenesten",
        "question": (
            "Hvordan kan vi sørge for at ansatte i hjemmetjenesten ønsker og får muligheten til å "
            "arbeide i større stillinger?"
        ),
        "need": (
            "Mange ansatte i hjemmetjenesten jobber i små deltidsstillinger, og vi er avhengige av "
            "mange ekstravakter for at turnusen skal gå opp. Det gir mindre kontinuitet for "
            "brukerne og mye tid til vaktplanlegging. Flere ansatte ønsker større stilling, men "
            "dagens turnus gjør det vanskelig."
        ),
        "proposed_solution": (
            "Prøve ut årsturnus med ønsketurnus og langvakter i helgene, slik at flere kan få "
            "større stillinger. Færre ekstravakter kan spare koordinatorene for flere timer i uken."
        ),
        "innovation_type": "organisational",
        "unit": "Hjemmetjenesten",
        "submitter": "ansatt@nittedal.example",
        "days_ago": 130,
    },
    {
        "title": "Digitale medisindispensere for hjemmeboende",
        "question": (
            "Hvordan kan vi bruke digitale medisindispensere slik at flere brukere tar medisinene "
            "sine selv og hjemmetjenesten får færre besøk som bare gjelder medisiner?"
        ),
        "need": (
            "En stor andel av besøkene i hjemmetjenesten gjelder bare utdeling av medisiner. "
            "Besøkene er korte, men kjøringen tar mye tid, og brukerne må tilpasse dagen etter når "
            "hjemmetjenesten kommer."
        ),
        "proposed_solution": (
            "Ta i bruk medisindispensere som minner brukeren på dosen og varsler hjemmetjenesten "
            "hvis den ikke tas ut. Erfaringer fra andre kommuner tilsier at hvert besøk som faller "
            "bort, sparer 15–20 minutter."
        ),
        "innovation_type": "service",
        "unit": "Hjemmetjenesten",
        "submitter": "leder@nittedal.example",
        "days_ago": 175,
    },
    {
        "title": "Automatisert barnehageopptak med digitale tilbud",
        "question": (
            "Hvordan kan vi gjøre barnehageopptaket enklere, slik at foreldre får raskere svar og "
            "barnehagekontoret slipper manuelle runder med tilbud og purringer?"
        ),
        "need": (
            "Hovedopptaket krever i dag mye manuell oppfølging: tilbud sendes, svar purres og "
            "ledige plasser fordeles på nytt i flere runder. Foreldrene opplever lang ventetid og "
            "usikkerhet, og barnehagekontoret bruker flere uker hver vår på arbeidet."
        ),
        "proposed_solution": (
            "Automatisere tildelingen etter opptakskriteriene, med digitale tilbud og svarfrist, "
            "og ny runde automatisk når plasser blir ledige. Det kan frigjøre anslagsvis 300 timer "
            "per opptak."
        ),
        "innovation_type": "service",
        "unit": "Barnehager",
        "submitter": "sofie.johansen@nittedal.example",
        "days_ago": 25,
    },
    {
        "title": "Kartbasert melding og brøytestatus for vintervedlikehold",
        "question": (
            "Hvordan kan vi gjøre det enkelt for innbyggerne å melde fra om glatte veier og "
            "manglende brøyting, og samtidig vise hvor brøytebilene har vært?"
        ),
        "need": (
            "Hver vinter får teknisk drift hundrevis av telefoner og e-poster om brøyting og "
            "strøing. Mange henvendelser gjelder veier som allerede står på ruten, og meldingene "
            "må registreres manuelt før de når mannskapene. Innbyggerne savner informasjon om når "
            "veien deres blir brøytet."
        ),
        "proposed_solution": (
            "Etablere en kartbasert meldingsløsning koblet til GPS-data fra brøytebilene, slik at "
            "innbyggerne selv kan se status og meldinger går direkte til vaktleder."
        ),
        "innovation_type": "service",
        "unit": "Teknisk drift",
        "submitter": "erik.andersen@nittedal.example",
        "days_ago": 60,
    },
    {
        "title": "Målrettet varsling til innbyggere på SMS og e-post",
        "question": (
            "Hvordan kan vi nå innbyggerne raskt med viktige meldinger, som kokevarsel og stengte "
            "veier, på en måte alle forstår?"
        ),
        "need": (
            "Ved vannlekkasjer, kokevarsel og stengte veier er det tilfeldig hvem som får beskjed, "
            "fordi informasjonen bare spres via nettsiden og sosiale medier. Eldre og innbyggere "
            "som ikke leser norsk godt, blir ofte ikke nådd, og innbyggertorget får mange "
            "telefoner i slike situasjoner."
        ),
        "proposed_solution": (
            "Ta i bruk adressebasert varsling på SMS og e-post, med ferdige maler på klarspråk og "
            "på de mest brukte språkene i kommunen."
        ),
        "innovation_type": "service",
        "unit": "Innbyggerservice",
        "submitter": "admin@nittedal.example",
        "days_ago": 33,
    },
    {
        "title": "Digihjelp på biblioteket sammen med frivillige",
        "question": (
            "Hvordan kan vi sammen med frivillige og biblioteket hjelpe innbyggere som står "
            "utenfor digitalt, slik at de klarer seg selv med offentlige digitale tjenester?"
        ),
        "need": (
            "Mange eldre og enkelte innvandrere har ikke BankID eller får ikke til å bruke "
            "tjenester som Helsenorge og NAV. De kommer til innbyggertorget og NAV-kontoret for "
            "hjelp som tar mye tid, og noen går glipp av viktige brev fordi de ikke leser digital "
            "post."
        ),
        "proposed_solution": (
            "Etablere et fast digihjelp-tilbud på biblioteket med frivillige fra Seniornett, og en "
            "felles rutine for å henvise innbyggere fra NAV og innbyggertorget."
        ),
        "innovation_type": "system",
        "unit": "Innbyggerservice",
        "submitter": "amina.hussein@nittedal.example",
        "days_ago": 70,
    },
    {
        "title": "Samskapingsforum for aktivitetstilbud til eldre",
        "question": (
            "Hvordan kan vi samskape med frivillige lag og foreninger slik at flere hjemmeboende "
            "eldre får et meningsfullt aktivitetstilbud?"
        ),
        "need": (
            "Mange hjemmeboende eldre er ensomme, og dagsentrene har venteliste. Lag og foreninger "
            "vil gjerne bidra, men synes det er vanskelig å vite hvem som trenger hva, og hvem i "
            "kommunen de skal kontakte."
        ),
        "proposed_solution": (
            "Opprette et fast samskapingsforum og en enkel digital oversikt der kommunen, "
            "frivilligsentralen og foreningene planlegger aktivitetstilbudet sammen."
        ),
        "innovation_type": "system",
        "unit": "Kultur og frivillighet",
        "submitter": "admin@nittedal.example",
        "days_ago": 110,
    },
    {
        "title": "Digital medvirkning for barn og unge i nærmiljøplanlegging",
        "question": (
            "Hvordan kan vi involvere barn, unge og andre innbyggere tidlig når vi planlegger nye "
            "nærmiljøanlegg og lekeplasser?"
        ),
        "need": (
            "Innspill til nærmiljøanlegg kommer ofte sent, gjennom formelle høringer som få "
            "innbyggere deltar i. Barn og unge, som skal bruke anleggene, blir sjelden hørt. Sene "
            "endringer gir omarbeid og forsinkelser i prosjektene."
        ),
        "proposed_solution": (
            "Prøve ut kartbasert digital medvirkning kombinert med verksteder på skolene, slik at "
            "innspillene kommer før planene låses."
        ),
        "innovation_type": "system",
        "unit": "Plan, miljø og næring",
        "submitter": "erik.andersen@nittedal.example",
        "days_ago": 185,
    },
    {
        "title": "Full digital søknad om økonomisk sosialhjelp",
        "question": (
            "Hvordan kan vi korte ned tiden fra en innbygger søker om økonomisk sosialhjelp til "
            "vedkommende får svar?"
        ),
        "need": (
            "Mange søknader om økonomisk sosialhjelp mangler dokumentasjon, og veilederne bruker "
            "mye tid på å etterspørre opplysninger. Søkerne venter ofte flere uker på svar, og "
            "mange ringer for å høre hvordan det går med saken."
        ),
        "proposed_solution": (
            "Ta i bruk den digitale søknaden om sosialhjelp fullt ut, med henting av opplysninger "
            "fra offentlige registre og automatisk statusmelding til søkeren. Tiden som frigjøres, "
            "brukes til oppfølging mot arbeid."
        ),
        "innovation_type": "service",
        "unit": "NAV Nittedal",
        "submitter": "amina.hussein@nittedal.example",
        "days_ago": 52,
    },
    {
        "title": "Mindre dobbeltregistrering for lærere",
        "question": (
            "Hvordan kan vi gi lærerne mer tid til elevene ved å redusere tiden de bruker på "
            "fraværsføring og dokumentasjon?"
        ),
        "need": (
            "Lærerne fører fravær, skriver vurderinger og sender meldinger til foresatte i flere "
            "ulike systemer. Mye registreres to ganger, og tiden går fra planlegging og oppfølging "
            "av elevene."
        ),
        "proposed_solution": (
            "Kartlegge dobbeltarbeidet sammen med lærerne og samle fravær og meldinger i én "
            "løsning, med maler og automatisk varsel til foresatte ved fravær."
        ),
        "innovation_type": "process",
        "unit": "Oppvekst og utdanning",
        "submitter": "sofie.johansen@nittedal.example",
        "days_ago": 19,
    },
    {
        "title": "Trygg KI-assistent for referater og klarspråk",
        "question": (
            "Hvordan kan vi ta i bruk KI på en trygg måte slik at ansatte i administrasjonen "
            "bruker mindre tid på referater, oppsummeringer og språkvask?"
        ),
        "need": (
            "Ansatte i administrasjonen bruker mange timer hver uke på å skrive referater, "
            "oppsummere dokumenter og forbedre språket i brev. Flere bruker allerede gratis "
            "KI-tjenester på egen hånd, med risiko for at personopplysninger kommer på avveie."
        ),
        "proposed_solution": (
            "Innføre en godkjent KI-assistent med retningslinjer og opplæring, og gjennomføre en "
            "pilot i tre enheter der tidsbruken måles før og etter."
        ),
        "innovation_type": "process",
        "unit": "Digitalisering og IKT",
        "submitter": "styret@nittedal.example",
        "days_ago": 4,
    },
    {
        "title": "Felles digitalt introduksjonsprogram for nyansatte",
        "question": (
            "Hvordan kan vi gi nyansatte en god start, slik at de raskere blir selvstendige i "
            "jobben og ønsker å bli hos oss?"
        ),
        "need": (
            "Opplæringen av nyansatte varierer mye mellom enhetene, og mange må finne ut av mye på "
            "egen hånd. Lederne bruker tid på å forklare det samme om igjen, og noen slutter "
            "allerede i løpet av det første året."
        ),
        "proposed_solution": (
            "Utvikle et felles introduksjonsprogram i den nye læringsplattformen, med "
            "fadderordning og sjekklister for leder og nyansatt."
        ),
        "innovation_type": "organisational",
        "unit": "HR og organisasjon",
        "submitter": "sofie.johansen@nittedal.example",
        "days_ago": 88,
    },
    {
        "title": "Chatbot for vanlige innbyggerspørsmål",
        "question": (
            "Hvordan kan vi gi innbyggerne raske svar på enkle spørsmål om renovasjon, skoleruter "
            "og kommunale avgifter, også utenfor åpningstiden?"
        ),
        "need": (
            "Innbyggertorget besvarer rundt 40 000 henvendelser i året, og en stor del gjelder "
            "spørsmål som allerede er besvart på nettsiden. Køene blir lange når fakturaen for "
            "kommunale avgifter sendes ut, og utenfor åpningstiden får ingen svar."
        ),
        "proposed_solution": (
            "Ta i bruk en chatbot som bygger på kommunens egne nettsider, med enkel overføring til "
            "en veileder når spørsmålet er sammensatt. Målet er å frigjøre minst ett årsverk i "
            "innbyggertorget."
        ),
        "innovation_type": "service",
        "unit": "Innbyggerservice",
        "submitter": "admin@nittedal.example",
        "days_ago": 140,
    },
    {
        "title": "Sensorbasert lekkasjesøk på vannledningsnettet",
        "question": (
            "Hvordan kan vi oppdage lekkasjer på vannledningsnettet tidligere, slik at vi unngår "
            "vanntap og akutte gravearbeider?"
        ),
        "need": (
            "En betydelig andel av vannet som produseres, forsvinner i lekkasjer på "
            "ledningsnettet. Lekkasjene oppdages ofte først når vannet kommer opp i veien, og da "
            "må reparasjonen gjøres akutt og ofte utenfor arbeidstid."
        ),
        "proposed_solution": (
            "Montere trykksensorer og lydloggere på utvalgte strekninger og bruke dataene til å "
            "finne og planlegge reparasjoner før lekkasjene blir akutte."
        ),
        "innovation_type": "process",
        "unit": "Teknisk drift",
        "submitter": "erik.andersen@nittedal.example",
        "days_ago": 160,
    },
    {
        "title": "Selvbetjent økonomidashbord for enhetsledere",
        "question": (
            "Hvordan kan vi gi enhetslederne oppdatert oversikt over egen økonomi uten at de må "
            "vente på manuelle rapporter fra økonomiavdelingen?"
        ),
        "need": (
            "Enhetslederne får månedlige økonomirapporter som settes sammen manuelt i regneark, "
            "ofte flere uker etter at perioden er slutt. Økonomirådgiverne bruker mange timer på "
            "rapportene, og lederne oppdager avvik for sent til å gjøre noe med dem."
        ),
        "proposed_solution": (
            "Lage et selvbetjent dashbord som henter data fra økonomi- og lønnssystemet hver natt "
            "og viser prognose for året. Økonomirådgiverne kan bruke den frigjorte tiden på "
            "rådgivning."
        ),
        "innovation_type": "process",
        "unit": "Økonomi",
        "submitter": "kari.nordmann@nittedal.example",
        "days_ago": 118,
    },
    {
        "title": "Språkpraksis og fagutdanning for nyankomne i kommunens tjenester",
        "question": (
            "Hvordan kan vi bidra til at kommunen utnytter kompetansen til nyankomne flyktninger, "
            "slik at flere kommer raskere i jobb i våre egne tjenester?"
        ),
        "need": (
            "Mange deltakere i introduksjonsprogrammet har utdanning og erfaring fra helse, omsorg "
            "og oppvekst, men det tar lang tid før de kommer i arbeid. Samtidig mangler tjenestene "
            "arbeidskraft, og praksisplassene fordeles ofte tilfeldig."
        ),
        "proposed_solution": (
            "Etablere et fast samarbeid mellom NAV, voksenopplæringen og helse og omsorg om "
            "språkpraksis, fagopplæring og løp mot fagbrev som helsefagarbeider."
        ),
        "innovation_type": "system",
        "unit": "NAV Nittedal",
        "submitter": "amina.hussein@nittedal.example",
        "days_ago": 199,
    },
    {
        "title": "Automatisk ruteplanlegging i hjemmetjenesten",
        "question": (
            "Hvordan kan vi planlegge kjørerutene i hjemmetjenesten smartere, slik at mer av "
            "arbeidstiden brukes hos brukerne og mindre i bilen?"
        ),
        "need": (
            "Koordinatorene planlegger rutene manuelt hver morgen, og det tar opptil en time per "
            "sone. Rutene tar ikke alltid hensyn til avstand og kompetanse, og endringer i løpet "
            "av dagen må løses over telefon."
        ),
        "proposed_solution": (
            "Ta i bruk et verktøy for automatisk ruteoptimalisering som er integrert med "
            "fagsystemet, og måle sparte kjøre- og planleggingstimer i en pilotsone."
        ),
        "innovation_type": "process",
        "unit": "Hjemmetjenesten",
        "submitter": "ansatt@nittedal.example",
        "days_ago": 1,
    },
]
