"""`continuity la-create --ons E09000027 --lea 318 --name "..."`: set up a real local authority."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from casework.accounts import services
from casework.accounts.management.commands._setup_common import origin, refusal


class Command(BaseCommand):
    help = "Set up a local authority (not a demo). Running it again with the same codes changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ons", required=True, help="ONS code, for example E09000027")
        parser.add_argument("--lea", required=True, help="DfE LA number (3 digits), for example 318")
        parser.add_argument("--name", required=True, help="The authority's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            la, created = services.la_create(
                actor=None,
                name=options["name"],
                ons_code=options["ons"],
                lea_code=options["lea"],
                origin=origin(),
            )
        except ValidationError as err:
            raise refusal(err) from err
        what = "Set up" if created else "Already set up (nothing changed):"
        self.stdout.write(f"{what} {la.name}, ONS code {la.ons_code}, LA number {la.lea_code}.")
        if created:
            self.stdout.write(
                f"Next: continuity admin-create --la {la.ons_code} --email someone@example.gov.uk"
            )
