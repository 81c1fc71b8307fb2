"""`continuity demo_logins`: the fixed sign-ins of the demo authorities, and their password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.service import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "List the demo sign-ins (username, role, team) and the demo password."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write("There is no demo local authority yet: create one with `continuity demo`.")
            return
        width = max(len(login.username) for login in logins)
        role_width = max(len(login.role) for login in logins)
        current = None
        for login in logins:
            if login.la != current:
                current = login.la
                self.stdout.write(f"\n{current}")
                self.stdout.write(f"  {'Username':<{width}}  {'Role':<{role_width}}  Team")
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.team}")
        self.stdout.write(f"\nPassword for every demo account: {DEMO_PASSWORD}\n")
