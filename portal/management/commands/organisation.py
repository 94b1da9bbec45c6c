"""The operator's command for municipalities: create, update and list organisations.

    manage.py organisation create --name "Lillestrøm kommune" --kommunenummer 3205 \\
        --slug lillestrom [--phase-template ks_veikart|digdir]
    manage.py organisation update 3205 [--name …] [--active|--no-active]
    manage.py organisation list

Sign-in (Entra ID, local login) is `manage.py configure_entra`, which keeps the
organisation's allauth app in step.
"""

from __future__ import annotations

from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import Organisation
from portal.services import create_organisation, update_organisation
from portal.signals import DEFAULT_PHASE_TEMPLATE, PHASE_TEMPLATES


def _refused(error: ValidationError) -> CommandError:
    if hasattr(error, "message_dict"):
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    else:
        text = " ".join(error.messages)
    return CommandError(text)


class Command(BaseCommand):
    help = "Opprett, endre og list organisasjoner (kommuner)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Opprett en organisasjon.")
        create.add_argument("--name", required=True)
        create.add_argument("--kommunenummer", required=True)
        create.add_argument("--slug", required=True)
        update = sub.add_parser("update", help="Endre en organisasjon (etter kommunenummer).")
        update.add_argument("kommunenummer_of")
        update.add_argument("--name")
        update.add_argument("--kommunenummer")
        update.add_argument("--slug")
        update.add_argument("--active", action=BooleanOptionalAction, default=None)
        for command in (create, update):
            command.add_argument("--phase-template", choices=sorted(PHASE_TEMPLATES) or None)
        sub.add_parser("list", help="List organisasjonene.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for org in Organisation.objects.order_by("name"):
                entra = f"entra:{org.entra_tenant_id}" if org.entra_enabled else "entra:av"
                active = "aktiv" if org.is_active else "ikke aktiv"
                self.stdout.write(f"{org.kommunenummer}\t{org.slug}\t{org.name}\t{entra}\t{active}")
            return
        values: dict[str, Any] = {}
        for option, field in (
            ("name", "name"),
            ("kommunenummer", "kommunenummer"),
            ("slug", "slug"),
            ("active", "is_active"),
        ):
            if options.get(option) is not None:
                values[field] = options[option]
        try:
            if action == "create":
                organisation = create_organisation(
                    actor=None,
                    phase_template=options["phase_template"] or DEFAULT_PHASE_TEMPLATE,
                    **values,
                )
                self.stdout.write(
                    self.style.SUCCESS(f"Opprettet {organisation} ({organisation.pk}).")
                )
            else:
                existing = Organisation.objects.filter(
                    kommunenummer=options["kommunenummer_of"]
                ).first()
                if existing is None:
                    raise CommandError(
                        f"Ingen organisasjon med kommunenummer {options['kommunenummer_of']}."
                    )
                update_organisation(
                    organisation=existing,
                    actor=None,
                    phase_template=options["phase_template"],
                    **values,
                )
                self.stdout.write(self.style.SUCCESS(f"Endret {existing}."))
        except ValidationError as error:
            raise _refused(error) from error
