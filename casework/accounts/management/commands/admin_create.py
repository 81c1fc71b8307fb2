"""`continuity admin-create --la E09000027 --email ...`: an authority's first system administrator, who
is e-mailed a one-time link to set their password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from casework.accounts import services
from casework.accounts.management.commands._setup_common import origin, refusal
from casework.core.models import LocalAuthority


class Command(BaseCommand):
    help = "Add a system administrator to a local authority and e-mail them a link to set their password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", required=True, help="The authority's ONS code or LA number")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--username", default="", help="Default: the email address")
        parser.add_argument(
            "--resend", action="store_true", help="E-mail an existing administrator a new link"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["la"].strip()
        la = LocalAuthority.objects.filter(Q(ons_code__iexact=code) | Q(lea_code=code)).first()
        if la is None:
            raise CommandError(
                f"No local authority has the ONS code or LA number '{code}': set it up with la-create first."
            )
        try:
            admin, created = services.admin_create(
                actor=None,
                la=la,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                username=options["username"],
                site_url=settings.SITE_URL,
                origin=origin(),
                resend=options["resend"],
            )
        except ValidationError as err:
            raise refusal(err) from err
        if created:
            self.stdout.write(
                f"Added {admin.username} as a system administrator of {la.name}. A link to set their "
                f"password has been e-mailed to {admin.email} (it works once, for "
                f"{settings.INVITE_LINK_HOURS:g} hours)."
            )
        elif options["resend"]:
            self.stdout.write(f"A new link to set a password has been e-mailed to {admin.email}.")
        else:
            self.stdout.write(
                f"{admin.username} is already a system administrator of {la.name} (nothing changed). "
                "To e-mail them a new link to set their password, add --resend."
            )
