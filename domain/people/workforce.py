"""Who may be allocated children: the kinds of staff a council brought in during the pandemic, and the
checks a returning social worker needs first (PRODUCT.md M18).

Source for every rule here, unless it says otherwise: DfE, "Coronavirus (COVID-19): guidance for local
authorities on children's social care", published 3 April 2020 (shared/seeds/003), questions on the
workforce. Its words are quoted in each rule's docstring. Plain Python: `today` is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

DFE_2020_04_03 = (
    "DfE, Coronavirus (COVID-19): guidance for local authorities on children's social care, 3 April 2020"
)

# The kinds of staff (stored as these strings).
PERMANENT = "permanent"
RETURNER = "returner"
STUDENT = "student"
AGENCY = "agency"
SECONDED = "seconded"
KINDS: tuple[tuple[str, str], ...] = (
    (PERMANENT, "Permanent staff"),
    (RETURNER, "Returning social worker"),
    (STUDENT, "Student on placement"),
    (AGENCY, "Agency worker"),
    (SECONDED, "Seconded (for example from Ofsted or Cafcass)"),
)
KIND_LABELS = dict(KINDS)
# Kinds whose work is arranged with another organisation, named on the record.
FROM_ANOTHER_ORGANISATION = frozenset({AGENCY, SECONDED})


@dataclass(frozen=True)
class Check:
    """One check a returning social worker needs before they are allocated children."""

    id: str
    title: str
    date_label: str
    source: str
    reference_label: str = ""


RETURNER_CHECKS: tuple[Check, ...] = (
    Check(
        "registration",
        "Social Work England registration",
        "Date (temporarily) re-registered",
        f'{DFE_2020_04_03}: "Social Work England has written to all social workers who have left the '
        'profession in the last 2 years, letting them know the process for re-registering"',
        reference_label="Social Work England registration number",
    ),
    Check(
        "fitness_to_practise",
        "Fitness to practise confirmed",
        "Date confirmed",
        f'{DFE_2020_04_03}: "Anyone who has had a fitness to practice case upheld will not be able to '
        'qualify for re-registration."',
    ),
    Check(
        "references",
        "References",
        "Date confirmed",
        f'{DFE_2020_04_03}: "Local authorities will be required to undertake their usual employment checks."',
    ),
    Check(
        "right_to_work",
        "Right to work in the UK",
        "Date confirmed",
        f"{DFE_2020_04_03} (usual employment checks); Immigration, Asylum and Nationality Act 2006 s15",
    ),
    Check(
        "identity",
        "Identity",
        "Date confirmed",
        f"{DFE_2020_04_03} (usual employment checks)",
    ),
    Check(
        "dbs",
        "DBS check (fast-tracked)",
        "Date of the DBS certificate",
        f'{DFE_2020_04_03}: "Social workers, and others, brought in for coronavirus (COVID-19) purposes '
        'are eligible for free, fast-tracked DBS checks."',
        reference_label="DBS certificate number (optional)",
    ),
)
CHECKS_BY_ID = {c.id: c for c in RETURNER_CHECKS}

STUDENT_RULE_SOURCE = (
    f'{DFE_2020_04_03}: "Students on placements make an important contribution to local social work '
    "services teams and are considered critical workers. We do not currently think the emergency "
    "registration of students, allowing them to take up social worker roles before they have completed "
    'their training, will be necessary"'
)


@dataclass(frozen=True)
class Worker:
    """What the allocation rules need to know of a member of staff."""

    name: str
    kind: str = PERMANENT
    checks: frozenset[str] = field(default_factory=frozenset)
    ends_on: date | None = None
    supervisor: str = ""


def outstanding_checks(recorded: Iterable[str]) -> tuple[Check, ...]:
    """The checks a returning social worker still needs, in the order they are usually done."""
    done = set(recorded)
    return tuple(c for c in RETURNER_CHECKS if c.id not in done)


def _list(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def returner_refusal(worker: Worker) -> str | None:
    """A returning social worker is allocated children only once every check is recorded.

    Source: the DfE guidance of 3 April 2020 on returners: "Anyone who has had a fitness to practice case
    upheld will not be able to qualify for re-registration. Local authorities will be required to
    undertake their usual employment checks", and "Social workers ... brought in for coronavirus
    (COVID-19) purposes are eligible for free, fast-tracked DBS checks." Each check is in RETURNER_CHECKS.
    """
    if worker.kind != RETURNER:
        return None
    missing = outstanding_checks(worker.checks)
    if not missing:
        return None
    titles = [c.title[0].lower() + c.title[1:] if c.id != "dbs" else c.title for c in missing]
    return (
        f"{worker.name} is a returning social worker and cannot be allocated children until every check "
        f"is recorded. Still to record: {_list(titles)}"
    )


def student_refusal(worker: Worker) -> str | None:
    """A student on placement is never a child's allocated worker: they work with the children of their
    practice supervisor, who stays the allocated (registered) social worker.

    Source: the DfE guidance of 3 April 2020: "Students on placements make an important contribution to
    local social work services teams and are considered critical workers. We do not currently think the
    emergency registration of students, allowing them to take up social worker roles before they have
    completed their training, will be necessary". A student is not registered, so does not take up a
    social worker's role; the model chosen here is the stricter reading of "cannot be the allocated
    worker of a child alone": the supervisor is allocated and the student co-works.
    """
    if worker.kind != STUDENT:
        return None
    if worker.supervisor:
        supervisor = f" Allocate the child to their practice supervisor, {worker.supervisor},"
    else:
        supervisor = " Allocate the child to a qualified social worker,"
    return (
        f"{worker.name} is a student on placement: a student cannot be a child's allocated worker."
        f"{supervisor} who can ask the student to work with the child"
    )


def ended_refusal(worker: Worker, *, today: date) -> str | None:
    """A worker whose contract, secondment or placement has ended is not allocated new children (the
    end date the council recorded; ordinary employment practice, no statutory source)."""
    if worker.kind == PERMANENT or worker.ends_on is None or worker.ends_on >= today:
        return None
    what = "placement" if worker.kind == STUDENT else "secondment" if worker.kind == SECONDED else "contract"
    return f"{worker.name}'s {what} ended on {worker.ends_on:%-d %B %Y}: they cannot be allocated children"


def allocation_refusal(worker: Worker, *, today: date) -> str | None:
    """Why `worker` may not be allocated a child, or None. In order: a student never is; then an ended
    engagement; then a returner's outstanding checks."""
    return student_refusal(worker) or ended_refusal(worker, today=today) or returner_refusal(worker)


REGISTRATION_NUMBER = re.compile(r"^SW\d{1,8}$")
BAD_REGISTRATION_NUMBER = "Enter the Social Work England registration number, like SW123456"
CHECK_IN_FUTURE = "The date must be today or in the past"
NO_UNIVERSITY = "Enter the student's university"
NO_SUPERVISOR = "Choose the student's practice supervisor"
SUPERVISOR_IS_STUDENT = "A practice supervisor must be a qualified member of staff, not another student"
OWN_SUPERVISOR = "A student cannot be their own practice supervisor"
NO_ORGANISATION = "Enter the organisation the person comes from"


def check_problems(
    check_id: str, *, confirmed_on: date | None, reference: str, today: date
) -> dict[str, str]:
    """What is wrong with a check as entered: {field: message}."""
    errors: dict[str, str] = {}
    if check_id not in CHECKS_BY_ID:
        errors["kind"] = "Choose which check was done"
        return errors
    if confirmed_on is None:
        errors["confirmed_on"] = f"Enter the {CHECKS_BY_ID[check_id].date_label.lower()}"
    elif confirmed_on > today:
        errors["confirmed_on"] = CHECK_IN_FUTURE
    if check_id == "registration" and not REGISTRATION_NUMBER.match(normalise_reference(reference)):
        errors["reference"] = BAD_REGISTRATION_NUMBER
    return errors


def normalise_reference(reference: str) -> str:
    return "".join(reference.split()).upper()


def profile_problems(
    kind: str,
    *,
    university: str = "",
    supervisor_id: int | None = None,
    supervisor_kind: str | None = None,
    own_id: int | None = None,
    organisation: str = "",
) -> dict[str, str]:
    """What a kind of staff must have recorded: a student's university and practice supervisor (a
    qualified member of staff); an agency or seconded worker's organisation."""
    errors: dict[str, str] = {}
    if kind == STUDENT:
        if not university.strip():
            errors["university"] = NO_UNIVERSITY
        if supervisor_id is None:
            errors["practice_supervisor"] = NO_SUPERVISOR
        elif own_id is not None and supervisor_id == own_id:
            errors["practice_supervisor"] = OWN_SUPERVISOR
        elif supervisor_kind == STUDENT:
            errors["practice_supervisor"] = SUPERVISOR_IS_STUDENT
    if kind in FROM_ANOTHER_ORGANISATION and not organisation.strip():
        errors["organisation"] = NO_ORGANISATION
    return errors
