"""The one place the application asks what day it is; the domain is always told."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
