import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from survey import access
from survey.models import ReportingUnit

pytestmark = pytest.mark.django_db


def test_a_respondent_sees_only_their_own_units(respondent):
    assert list(access.units_for_user(respondent).values_list("code", flat=True)) == ["0880"]
    assert access.get_unit_for_user(respondent, "0880").name == "Kalmar"
    with pytest.raises(Http404):
        access.get_unit_for_user(respondent, "0881")


def test_a_respondent_may_change_answers_only_for_their_own_unit(respondent):
    assert access.can_change_answers(respondent, ReportingUnit.objects.get(code="0880"))
    assert not access.can_change_answers(respondent, ReportingUnit.objects.get(code="0881"))
    assert access.get_unit_for_user(respondent, "0880", write=True).code == "0880"


def test_an_analyst_reads_every_unit_but_changes_no_answers(analyst):
    unit = access.get_unit_for_user(analyst, "0881")
    assert not access.can_change_answers(analyst, unit)
    with pytest.raises(PermissionDenied):
        access.get_unit_for_user(analyst, "0881", write=True)
    assert access.can_change_indicator_definitions(analyst)
    assert not access.can_manage_register(analyst)


def test_a_coordinator_manages_the_register_and_answers_on_behalf_but_not_definitions(coordinator):
    assert access.can_manage_register(coordinator)
    assert access.can_change_answers(coordinator, ReportingUnit.objects.get(code="0881"))
    assert not access.can_change_indicator_definitions(coordinator)
    assert access.can_answer_after_closing(coordinator)


def test_an_inactive_staff_member_has_no_rights(coordinator):
    coordinator.is_active = False
    assert not access.can_read_register(coordinator)
    assert not access.units_for_user(coordinator).exists()


def test_respondents_do_not_reach_staff_functions(respondent):
    assert not access.can_read_register(respondent)
    assert not access.can_change_indicator_definitions(respondent)
    assert not access.can_answer_after_closing(respondent)
    with pytest.raises(PermissionDenied):
        access.require_register_manager(respondent)
