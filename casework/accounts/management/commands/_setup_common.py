"""What the set-up commands share: who ran them, and a refusal said plainly."""

from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def origin() -> str:
    """How the audit names a command-line change: the operating-system account that ran it."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "unknown"
    return f" (command line, system account {account})"


def refusal(err: ValidationError) -> CommandError:
    messages = (
        [m for values in err.message_dict.values() for m in values]
        if hasattr(err, "error_dict")
        else err.messages
    )
    return CommandError("; ".join(messages) + ".")
