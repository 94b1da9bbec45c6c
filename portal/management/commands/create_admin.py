"""The operator's command for a municipality's first administrator.

manage.py create_admin 3205 ada@lillestrom.kommune.no --invite
manage.py create_admin 3205 ada@lillestrom.kommune.no --password (asks, or NYTTIG_PASSWORD)
"""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal import invitations
from portal.members import add_administrator
from portal.models import Organisation, Role, User


class Command(BaseCommand):
    help = "Gi en organisasjon sin første administrator: inviter på e-post eller sett et passord."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kommunenummer")
        parser.add_argument("email")
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument("--invite", action="store_true", help="Send en invitasjon på e-post.")
        how.add_argument(
            "--password",
            action="store_true",
            help="Sett et passord (fra NYTTIG_PASSWORD, ellers spør kommandoen).",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(kommunenummer=options["kommunenummer"]).first()
        if organisation is None:
            raise CommandError(f"Ingen organisasjon med kommunenummer {options['kommunenummer']}.")
        email = options["email"].strip().lower()
        if options["invite"]:
            rows = invitations.read_rows(
                organisation=organisation, text=email, default_role=Role.ADMIN
            )
            problems = [p for row in rows for p in row.problems]
            if problems or not rows:
                raise CommandError("; ".join(problems) or "Ingen adresse.")
            created = invitations.invite(organisation=organisation, actor=None, rows=rows)
            self.stdout.write(self.style.SUCCESS(f"Invitasjon til {email} er lagt i utboksen."))
            for invitation in created:
                self.stdout.write(invitations.invitation_url(invitation))
            return
        password = os.environ.get("NYTTIG_PASSWORD") or getpass.getpass("Passord: ")
        user = User.objects.filter(email__iexact=email).first()
        try:
            validate_password(password, user or User(email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if user is None:
            user = User.objects.create_user(
                email, password, first_name=options["first_name"], last_name=options["last_name"]
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        add_administrator(organisation=organisation, user=user, actor=None)
        self.stdout.write(self.style.SUCCESS(f"{email} er administrator i {organisation}."))
