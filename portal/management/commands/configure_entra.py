"""Turn Entra ID sign-in on or off for an organisation (portal.identity.configure_entra).

The client secret is read from a file (--secret-file, e.g. a Docker secret) or from the
environment variable ENTRA_CLIENT_SECRET, never from the command line, where `ps` and the
shell history would show it. README.md, «Entra ID for a municipality», has the whole setup.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.identity import configure_entra, provider_id_for
from portal.models import EntraJoin, Organisation


class Command(BaseCommand):
    help = "Slår innlogging med Entra ID på eller av for en organisasjon."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="organisasjonens kortnavn")
        parser.add_argument("--tenant", default="", help="Entra ID tenant-ID (GUID)")
        parser.add_argument("--client-id", default="", help="app-registreringens klient-ID")
        parser.add_argument(
            "--secret-file",
            type=Path,
            help="fil med klienthemmeligheten (ellers miljøvariabelen ENTRA_CLIENT_SECRET)",
        )
        parser.add_argument(
            "--join",
            choices=[choice.value for choice in EntraJoin],
            default=EntraJoin.INVITED.value,
            help="invited: bare inviterte; tenant: alle i leietakeren blir med som ansatt",
        )
        parser.add_argument(
            "--no-local-login",
            action="store_true",
            help="slå av innlogging med passord for medlemmene",
        )
        parser.add_argument("--authority", help="bare for tester: en annen OpenID-utsteder")
        parser.add_argument("--disable", action="store_true", help="slå Entra ID av")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["slug"]).first()
        if organisation is None:
            raise CommandError(f"Fant ingen organisasjon med kortnavnet {options['slug']!r}.")
        secret = None
        if options["secret_file"]:
            secret = options["secret_file"].read_text(encoding="utf-8").strip()
        elif os.environ.get("ENTRA_CLIENT_SECRET"):
            secret = os.environ["ENTRA_CLIENT_SECRET"].strip()
        try:
            app = configure_entra(
                organisation=organisation,
                actor=None,
                enabled=not options["disable"],
                tenant_id=options["tenant"] or organisation.entra_tenant_id,
                join=options["join"],
                local_login_enabled=not options["no_local_login"],
                client_id=options["client_id"],
                secret=secret,
                authority=options["authority"],
            )
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from error
        if app is None:
            self.stdout.write(self.style.SUCCESS(f"Entra ID er slått av for {organisation}."))
            return
        if not app.secret:
            self.stdout.write(self.style.WARNING("Ingen klienthemmelighet er lagret ennå."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Entra ID er slått på for {organisation} ({provider_id_for(organisation)}). "
                f"Svaradresse (redirect URI) å registrere: "
                f"{settings.SITE_URL}/konto/oidc/{app.provider_id}/login/callback/"
            )
        )
