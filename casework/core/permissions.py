"""What each role may do: every role predicate of the service, in one place (PRODUCT.md M20).

Views, services and selectors ask these questions; none of them compares a role by hand. Record-level
visibility (which children a user may see) builds on `sees_whole_la` and `team_ids_for` in
`casework.children.access`. The rules:
- every query is limited to the user's own local authority;
- practitioners and team business support see the children of their own team;
- team managers see the children of the teams they manage and their own;
- heads of service, performance analysts and LA-wide business support see the whole LA;
- system administrators manage accounts and read the audit, but do not see children's records;
- a restricted record is seen only by the people named on it and the allocated worker.

The functions take any object with the staff attributes (`role`, `la_id`, `team_id`, `managed_teams`,
`is_authenticated`), so this module imports no other app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from casework.core.roles import PRACTITIONER_ROLES, Role

LA_WIDE_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST})
EDITOR_ROLES = frozenset({Role.BUSINESS_SUPPORT, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})
RETURN_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST})
DECISION_LOG_ROLES = frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST})
POLICY_READ_ROLES = frozenset(
    {Role.HEAD_OF_SERVICE, Role.PERFORMANCE_ANALYST, Role.TEAM_MANAGER, Role.SYSTEM_ADMINISTRATOR}
)
SETTINGS_EDITOR_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.SYSTEM_ADMINISTRATOR})
# Roles that never see children's records (a picker of people to name on a record leaves them out).
NO_CHILDREN_ROLES = frozenset({Role.SYSTEM_ADMINISTRATOR})
STAFF_OFF_ROLES = frozenset(
    {Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER, Role.BUSINESS_SUPPORT, Role.SYSTEM_ADMINISTRATOR}
)


def _in_la(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.la_id is not None


def is_practitioner(user: Any) -> bool:
    """Social workers, personal advisers and early help workers: they hold a caseload and a worklist."""
    return user.role in PRACTITIONER_ROLES


def is_head_of_service(user: Any) -> bool:
    return _in_la(user) and user.role == Role.HEAD_OF_SERVICE


def is_team_manager(user: Any) -> bool:
    return _in_la(user) and user.role == Role.TEAM_MANAGER


def is_administrator(user: Any) -> bool:
    return _in_la(user) and user.role == Role.SYSTEM_ADMINISTRATOR


def sees_whole_la(user: Any) -> bool:
    return user.role in LA_WIDE_ROLES or (user.role == Role.BUSINESS_SUPPORT and user.team_id is None)


def team_ids_for(user: Any) -> list[int]:
    """Teams whose children the user may see (besides LA-wide roles, which see every team)."""
    ids = {user.team_id} if user.team_id else set()
    if user.role == Role.TEAM_MANAGER:
        ids.update(user.managed_teams.values_list("pk", flat=True))
    return sorted(i for i in ids if i is not None)


def la_id_of(user: Any) -> int:
    """The user's local authority; deployment operators without one may not write LA records."""
    if user.la_id is None:
        raise PermissionDenied("Only staff of a local authority can change its records.")
    return int(user.la_id)


def can_see_children(user: Any) -> bool:
    """Anyone of an LA but its system administrators may see (some) children's records."""
    return _in_la(user) and user.role != Role.SYSTEM_ADMINISTRATOR


def can_search_children(user: Any) -> bool:
    return can_see_children(user)


def can_edit_children(user: Any) -> bool:
    """Business support and managers create and correct records (within what they can see)."""
    return _in_la(user) and user.role in EDITOR_ROLES


def can_restrict_records(user: Any) -> bool:
    """Team managers and heads of service restrict a record to named people."""
    return _in_la(user) and user.role in MANAGER_ROLES


def can_manage_staff(user: Any, team: Any | None = None) -> bool:
    """Availability and staff records: managers of the team, heads of service, business support."""
    if not _in_la(user):
        return False
    if user.role in {Role.HEAD_OF_SERVICE, Role.SYSTEM_ADMINISTRATOR}:
        return True
    if user.role == Role.BUSINESS_SUPPORT:
        return team is None or user.team_id is None or team.pk == user.team_id
    if user.role == Role.TEAM_MANAGER:
        return team is None or team.pk in team_ids_for(user)
    return False


def can_change_staff_records(user: Any) -> bool:
    """Adding staff and changing their team, role or capacity: heads of service and administrators."""
    return _in_la(user) and user.role in SETTINGS_EDITOR_ROLES


def can_list_staff(user: Any) -> bool:
    return can_change_staff_records(user)


def can_administer_teams(user: Any) -> bool:
    """Creating, renaming and closing teams and choosing their managers: administrators and heads of
    service, who keep the staff records the teams are made of."""
    return _in_la(user) and user.role in SETTINGS_EDITOR_ROLES


def can_record_employment_checks(user: Any) -> bool:
    """A returning social worker's registration and employment checks, and a member of staff's kind
    (returner, student, agency, seconded): whoever keeps the staff records."""
    return can_change_staff_records(user)


def can_read_workforce(user: Any) -> bool:
    """The workforce board (kinds of staff, the capacity they add, checks outstanding): team managers
    (for their teams), heads of service and administrators (for the whole authority)."""
    return _in_la(user) and user.role in MANAGER_ROLES | {Role.SYSTEM_ADMINISTRATOR}


def can_manage_record_holders(user: Any) -> bool:
    """Naming people on a restricted record, and removing them: the managers who restrict records (on a
    record they may open) and administrators (who manage access without seeing the record: they see its
    LA child ID, never the child's details)."""
    return can_restrict_records(user) or is_administrator(user)


def is_manager_role(role: str) -> bool:
    """Whether a role can manage a team (be its manager, or a line manager)."""
    return role in MANAGER_ROLES


def can_read_audit(user: Any) -> bool:
    return _in_la(user) and user.role in {Role.SYSTEM_ADMINISTRATOR, Role.HEAD_OF_SERVICE}


def can_read_returns(user: Any) -> bool:
    """The DfE returns (CIN census, SSDA903, the fortnightly return): heads of service and analysts."""
    return _in_la(user) and user.role in RETURN_ROLES


def can_read_cohort(user: Any) -> bool:
    """The whole service's picture (cohort, compliance, sitrep): heads of service and analysts."""
    return _in_la(user) and user.role in LA_WIDE_ROLES


def can_read_decision_log(user: Any) -> bool:
    return _in_la(user) and user.role in DECISION_LOG_ROLES


def can_record_la_wide_departure(user: Any) -> bool:
    """A departure about no one child (a service-wide change of practice) is the head of service's."""
    return is_head_of_service(user)


def can_read_policy(user: Any) -> bool:
    """The LA's emergency declarations and RAG settings."""
    return _in_la(user) and user.role in POLICY_READ_ROLES


def can_declare_emergency(user: Any) -> bool:
    return is_head_of_service(user)


def can_change_rag_settings(user: Any) -> bool:
    return _in_la(user) and user.role in SETTINGS_EDITOR_ROLES


def sees_rating_queue(user: Any) -> bool:
    """Ratings waiting for sign-off are counted for the managers who sign them off."""
    return _in_la(user) and user.role in MANAGER_ROLES


def sees_team_cohort(user: Any) -> bool:
    return _in_la(user) and user.role in LA_WIDE_ROLES | {Role.TEAM_MANAGER}


def sees_staff_off(user: Any) -> bool:
    return _in_la(user) and user.role in STAFF_OFF_ROLES


def signs_off_for_whole_la(user: Any) -> bool:
    return is_head_of_service(user)


def signs_off_for_teams(user: Any) -> bool:
    return is_team_manager(user)


def can_sign_off_something(user: Any) -> bool:
    """Managers who sign off ratings, plans and departures (for their teams, or the whole LA)."""
    return signs_off_for_whole_la(user) or signs_off_for_teams(user)


def can_acknowledge_immediate_protection(user: Any) -> bool:
    """The managers alerted when a worker flags immediate protection (for their teams, or the LA)."""
    return can_sign_off_something(user)


TEMPLATE_FLAGS = (
    is_practitioner,
    is_team_manager,
    is_head_of_service,
    can_read_cohort,
    can_read_decision_log,
    can_declare_emergency,
    can_change_rag_settings,
    can_sign_off_something,
    is_administrator,
    can_read_workforce,
    can_administer_teams,
)


def flags_for(user: Any) -> dict[str, bool]:
    """The predicates templates need, by name (`{% if can.is_team_manager %}`), so no template compares
    a role by hand."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {fn.__name__: fn(user) for fn in TEMPLATE_FLAGS}
