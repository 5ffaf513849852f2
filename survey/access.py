"""The one place that decides who may see and change what. Views call these before anything else.

Respondents see only the units they are assigned to; any other unit is a 404, so that they
cannot even learn which codes exist. Staff roles see every unit; what they may change depends
on the role."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from survey.models import ReportingUnit, Response

Role = User.Role
STAFF_ROLES = {Role.COORDINATOR, Role.ANALYST, Role.ADMIN}


def has_role(user: User, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role in roles or user.is_superuser))


def can_read_register(user: User) -> bool:
    return has_role(user, *STAFF_ROLES)


def can_manage_register(user: User) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMIN)


def can_change_answers(user: User, unit: ReportingUnit) -> bool:
    """Respondents answer for their own units; coordinators may answer on a unit's behalf."""
    if has_role(user, Role.COORDINATOR, Role.ADMIN):
        return True
    return has_role(user, Role.RESPONDENT) and user.unit_assignments.filter(unit=unit).exists()


def can_answer_after_closing(user: User) -> bool:
    """Coordinators may still enter answers (on paper, late) after a round has closed."""
    return has_role(user, Role.COORDINATOR, Role.ADMIN)


def can_change_indicator_definitions(user: User) -> bool:
    return has_role(user, Role.ANALYST, Role.ADMIN)


def can_publish_results(user: User) -> bool:
    """Analysts compute, import history and publish."""
    return has_role(user, Role.ANALYST, Role.ADMIN)


def can_resolve_result_flags(user: User) -> bool:
    """Coordinators handle the units' flags on preliminary results (reopening parts to correct them)."""
    return has_role(user, Role.COORDINATOR, Role.ADMIN)


def can_check_unit_results(user: User, unit: ReportingUnit) -> bool:
    """A unit's respondents confirm or flag its preliminary results."""
    return has_role(user, Role.RESPONDENT) and user.unit_assignments.filter(unit=unit).exists()


def require_analyst(user: User) -> None:
    if not can_publish_results(user):
        raise PermissionDenied


def units_for_user(user: User) -> QuerySet[ReportingUnit]:
    units = ReportingUnit.objects.select_related("county", "parent")
    if can_read_register(user):
        return units
    if has_role(user, Role.RESPONDENT):
        return units.filter(assignments__user=user)
    return units.none()


def get_unit_for_user(user: User, code: str, *, write: bool = False) -> ReportingUnit:
    unit = get_object_or_404(units_for_user(user), code=code)
    if write and not can_change_answers(user, unit):
        raise PermissionDenied
    return unit


def require_register_reader(user: User) -> None:
    if not can_read_register(user):
        raise PermissionDenied


def require_register_manager(user: User) -> None:
    if not can_manage_register(user):
        raise PermissionDenied


def responses_for_user(user: User, *, with_unit: bool = True) -> QuerySet[Response]:
    """With the round, and with the unit and its parent (str(unit) names the parent) unless
    `with_unit` is false: a save shows no unit, and a check that needs it reads it then."""
    related = ("round", "unit", "unit__parent") if with_unit else ("round",)
    responses = Response.objects.select_related(*related)
    if can_read_register(user):
        return responses
    if has_role(user, Role.RESPONDENT):
        return responses.filter(unit__assignments__user=user)
    return responses.none()


def get_response_for_user(
    user: User, pk: int, *, write: bool = False, with_unit: bool = True, lock: bool = False
) -> Response:
    """A response the user may see (404 otherwise); with `write`, one they may also answer.
    `with_unit=False` for a save, which shows no unit: two joins less on every autosave. `lock`
    (in a transaction): read under the response's row lock, which services.save_answers(locked=True)
    then holds, so that an autosave's access check and lock are one query."""
    responses = responses_for_user(user, with_unit=with_unit)
    if lock:
        responses = responses.select_for_update(of=("self",))
    response = get_object_or_404(responses, pk=pk)
    if write and not can_answer_response(user, response):
        raise PermissionDenied
    return response


def can_answer_response(user: User, response: Response) -> bool:
    """can_change_answers for a response given by get_response_for_user, without a query: a
    respondent is given only their own units' responses, and coordinators answer for any unit."""
    return has_role(user, Role.RESPONDENT, Role.COORDINATOR, Role.ADMIN)


def require_coordinator(user: User) -> None:
    if not has_role(user, Role.COORDINATOR, Role.ADMIN):
        raise PermissionDenied
