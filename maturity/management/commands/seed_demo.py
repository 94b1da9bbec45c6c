"""Load the demo municipality (maturity/demo/). Safe to run again: nothing is duplicated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maturity.demo import seed_demo
from maturity.demo.data import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Laster demokommunen Nittedal med enheter, brukere og idéer."

    def handle(self, *args: Any, **options: Any) -> None:
        seeded = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"{seeded.organisation.name}: {seeded.ideas} nye idéer og "
                f"{seeded.initiatives} nye initiativer."
            )
        )
        self.stdout.write("Innlogging (passord for alle: " + DEMO_PASSWORD + "):")
        for person in DEMO_USERS[:4]:
            self.stdout.write(f"  {person['role']:<7} {person['email']}")
