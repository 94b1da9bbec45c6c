"""The statements the law asks for: tilgjengelighetserklæring and personvernerklæring.

Each organisation may write its own text (`Organisation.accessibility_statement`,
`privacy_statement`); blank means the default below, with the organisation's name. The text
is plain: paragraphs split by blank lines, a paragraph starting with «## » is a heading, one
whose lines all start with «- » is a list, and web and e-mail addresses become links. Nothing
else is markup: every character is escaped (`render_statement`), so an administrator cannot
put HTML or script on the page.
"""

from __future__ import annotations

import re
from enum import StrEnum
from itertools import groupby

from django.http import HttpRequest
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.models import Organisation

UUSTATUS_URL = "https://uustatus.no/"


class Statement(StrEnum):
    ACCESSIBILITY = "accessibility_statement"
    PRIVACY = "privacy_statement"


def default_text(statement: Statement, organisation_name: str) -> str:
    """The default statement in Bokmål, naming the organisation."""
    if statement is Statement.ACCESSIBILITY:
        text = _(
            "## Hvem erklæringen gjelder\n\n"
            "Denne erklæringen gjelder Nyttig, innovasjonsportalen til %(organisation)s. "
            "%(organisation)s er ansvarlig for at løsningen er universelt utformet, etter "
            "likestillings- og diskrimineringsloven § 18 og forskrift om universell utforming "
            "av IKT-løsninger.\n\n"
            "## Hva vi gjør for å oppfylle kravene\n\n"
            "Nyttig skal oppfylle WCAG 2.1 på nivå AA.\n"
            "- Sidene bygger på Digdirs designsystem (Designsystemet).\n"
            "- Hver side testes automatisk med axe, og alt kan gjøres med tastaturet.\n"
            "- Diagrammer har en tekst som beskriver dem og en tabell med tallene.\n"
            "- Årsrapporten til kommunestyret lages som tilgjengelig PDF (PDF/UA).\n\n"
            "## Kjente mangler\n\n"
            "- Å dra kort på tavla krever mus eller berøring. Bruk skjemaet «Flytt til fase» "
            "på kortet i stedet.\n"
            "- I PDF-filene er topp- og bunnteksten (sidetallene) ikke merket som "
            "utsmykning.\n"
            "- Vedlegg som brukerne laster opp, blir ikke kontrollert for universell "
            "utforming.\n\n"
            "## Erklæringen i uustatus.no\n\n"
            "Offentlige virksomheter skal publisere tilgjengelighetserklæringen sin i "
            "Tilsynet for universell utforming av IKT sin erklæringsløsning: "
            "https://uustatus.no/\n\n"
            "## Kontakt\n\n"
            "Finner du feil eller noe du ikke får brukt, kontakt %(organisation)s. Du kan "
            "også melde fra til Tilsynet for universell utforming av IKT: "
            "https://www.uutilsynet.no/"
        )
    else:
        text = _(
            "## Behandlingsansvarlig\n\n"
            "%(organisation)s er behandlingsansvarlig for personopplysningene i Nyttig, "
            "innovasjonsportalen der ansatte melder inn og følger idéer.\n\n"
            "## Hvilke personopplysninger vi behandler\n\n"
            "- Navn, e-postadresse, rolle og enhet.\n"
            "- Idéene du melder inn, kommentarene dine, hvilke idéer du støtter og følger.\n"
            "- Varsler til deg og valget ditt for e-postvarsler.\n"
            "- En logg over endringer: hvem som endret hva, og når.\n"
            "- Tekniske logger over innlogginger og forespørsler.\n\n"
            "## Formål\n\n"
            "Opplysningene brukes til å ta imot og behandle idéer, følge opp "
            "innovasjonsarbeidet og gevinstene av det, og vise hvem som har bidratt.\n\n"
            "## Behandlingsgrunnlag\n\n"
            "Behandlingen er nødvendig for å utføre en oppgave i allmennhetens interesse "
            "(personvernforordningen artikkel 6 nr. 1 bokstav e): kommunens arbeid med å "
            "utvikle tjenestene sine.\n\n"
            "## Hvor lenge opplysningene lagres\n\n"
            "Opplysningene lagres så lenge du er medlem. Når du har sluttet, kan "
            "administratoren slette navnet og e-postadressen din og teksten i kommentarene "
            "dine. Idéer, vedtak og endringsloggen blir stående fordi kommunen har plikt til "
            "å arkivere saksdokumenter (arkivlova), men uten navnet ditt. Tekniske logger "
            "lagres i høyst 90 dager.\n\n"
            "## Dine rettigheter\n\n"
            "Du har rett til innsyn, retting, sletting og begrensning, og til å protestere "
            "mot behandlingen (personvernforordningen artikkel 15–21). Under «Mine data» kan "
            "du laste ned opplysningene Nyttig har om deg.\n\n"
            "## Kontakt\n\n"
            "Spørsmål om personvern kan du stille til personvernombudet i %(organisation)s. "
            "Mener du at vi behandler opplysningene dine i strid med reglene, kan du klage "
            "til Datatilsynet: https://www.datatilsynet.no/"
        )
    return text % {"organisation": organisation_name}


def statement_text(statement: Statement, organisation: Organisation | None) -> str:
    """The organisation's own text, or the default for it (or for no organisation)."""
    own = getattr(organisation, statement.value, "") if organisation else ""
    name = organisation.name if organisation else _("kommunen")
    return own or default_text(statement, name)


def render_statement(text: str) -> SafeString:
    """Plain text in the safe subset above, as escaped HTML."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and lines[0].startswith("## "):
            parts.append(format_html('<h2 class="ds-heading" data-size="sm">{}</h2>', lines[0][3:]))
            lines = lines[1:]
        # Lines of a block in a row: a paragraph («Nyttig skal …») then a list («- …»).
        for is_item, group in groupby(lines, key=lambda line: line.startswith("- ")):
            if is_item:
                items = format_html_join("", "<li>{}</li>", ((_linked(li[2:]),) for li in group))
                parts.append(format_html('<ul class="ds-list">{}</ul>', items))
            else:
                body = mark_safe("<br>".join(_linked(line) for line in group))  # noqa: S308
                parts.append(format_html('<p class="ds-paragraph">{}</p>', body))
    return mark_safe("".join(parts))  # noqa: S308  (every part is escaped by format_html)


def _linked(text: str) -> SafeString:
    """Escape the text and turn web and e-mail addresses into links."""
    return mark_safe(urlize(text, autoescape=True).replace("<a ", '<a class="ds-link" '))  # noqa: S308


def organisation_for(request: HttpRequest) -> Organisation | None:
    """Whose statement a visitor reads: the member's organisation; for anyone else the one
    named by `?organisasjon=<kortnavn>`, or the only organisation of a server that has one.
    None (the default text) on a shared instance without a choice."""
    organisation: Organisation | None = getattr(request, "organisation", None)
    if organisation is not None:
        return organisation
    active = Organisation.objects.filter(is_active=True)
    slug = request.GET.get("organisasjon", "")
    if slug:
        return active.filter(slug=slug[:50]).first()
    only = list(active[:2])
    return only[0] if len(only) == 1 else None
