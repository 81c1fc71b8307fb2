"""What the CIN census commands share: finding the LA (by ONS or LEA code) and the user."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Q

from casework.accounts.models import User
from casework.core.models import LocalAuthority


def find_la(code: str | None) -> LocalAuthority:
    """The LA with this ONS or LEA (3-digit) code; optional when there is only one LA."""
    if code:
        la = LocalAuthority.objects.filter(Q(ons_code__iexact=code) | Q(lea_code=code)).first()
        if la is None:
            raise CommandError(f"No local authority has the ONS or LA number '{code}'.")
        return la
    authorities = list(LocalAuthority.objects.filter(is_demo=False)[:2]) or list(
        LocalAuthority.objects.all()[:2]
    )
    if len(authorities) != 1:
        raise CommandError(
            "There is more than one local authority: say which with --la (ONS code or LA number)."
            if authorities
            else "There is no local authority set up yet."
        )
    return authorities[0]


def find_user(username: str | None, la: LocalAuthority) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called '{username}'.")
    if user.la_id is not None and user.la_id != la.pk:
        raise CommandError(f"{username} does not work for {la.name}.")
    return user
