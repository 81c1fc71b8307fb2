"""The roles a member of staff can hold. What each role may do is decided in `casework.core.permissions`."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    EARLY_HELP_WORKER = "early_help_worker", "Early help worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    BUSINESS_SUPPORT = "business_support", "Business support"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


PRACTITIONER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER, Role.EARLY_HELP_WORKER})
