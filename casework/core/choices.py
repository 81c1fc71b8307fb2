"""Stored vocabulary that several apps share: one definition of each, below every app that uses it.

The rating, the modes and intervals of a contact plan, and the state of a sign-off are written by one
app and read by others (the rating proposes a plan; the LA's RAG settings say what each rating means;
decisions wait for the same sign-off as ratings), so they live here rather than in any one of them.
"""

from __future__ import annotations

from django.db import models


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SignOff(models.TextChoices):
    AWAITING = "awaiting", "Awaiting sign-off"
    APPROVED = "approved", "Signed off"
    RETURNED = "returned", "Returned to the practitioner"
    SUPERSEDED = "superseded", "Superseded by a later rating"


class Mode(models.TextChoices):
    HOME = "home", "Face to face in the home"
    DOORSTEP = "doorstep", "Face to face on the doorstep or in the garden"
    ELSEWHERE = "elsewhere", "Face to face somewhere else"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"


FACE_TO_FACE_MODES = (Mode.HOME, Mode.DOORSTEP, Mode.ELSEWHERE)


class IntervalUnit(models.TextChoices):
    DAYS = "days", "days"
    WORKING_DAYS = "working_days", "working days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"
