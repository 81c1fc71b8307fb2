"""Failed sign-ins, counted so that a lock protects an account without being turned against its owner.

django-axes's database handler with two limits instead of one (OWASP ASVS 4.0 2.2.1, NCSC password
guidance "throttle rather than lock"): AXES_FAILURE_LIMIT failures on one account *from one address*
lock that account at that address only, so a stranger who knows a worker's username (they follow
`initial.surname`) cannot lock the worker out at their own desk; and AXES_ADDRESS_FAILURE_LIMIT
failures from one address across any accounts lock that address, which stops one password being tried
across many accounts. A successful sign-in clears only its own account's count at that address, so a
sprayer who knows one password cannot wipe the address's count by using it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AccountAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"], in that order."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        on_account, from_address = self.get_user_attempts(request, credentials)
        account_failures = _failures(on_account)
        if _failures(from_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(account_failures, int(get_failure_limit(request, credentials)))
        return account_failures

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return int(count)


def unlock(username: str) -> int:
    """Clear every failed sign-in of this account, from every address (an administrator's unlock, or a
    password reset by e-mail). Returns how many records were cleared."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return int(count)


def is_locked(username: str) -> bool:
    """Whether the account has reached the failure limit from some address (shown to administrators)."""
    recent = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off()
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=timezone.now() - cool_off)
    return bool(recent.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists())
