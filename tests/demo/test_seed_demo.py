from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import User
from core.models import AuditEvent
from demo.management.commands.create_demo_users import DEMO_USERS
from demo.seeding import demo_random, generate_answers
from indicators.services.computation import compute_indicators
from indicators.services.publication import publish_year
from reporting.pages.content import unit_page
from reporting.pages.summary import unit_summary
from reporting.selectors.published import published_results
from survey.models import (
    Answer,
    AnswerChange,
    Contact,
    Invitation,
    PartSubmission,
    Question,
    ReportingUnit,
    Response,
    SurveyRound,
)  # fmt: skip
from survey.selectors.questionnaire import question_specs
from survey.xlsform import form_logic
from tests.reporting.summary_reading import Reading

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {email for email, *_ in DEMO_USERS}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """The demo as `make run` seeds it, once for the module (seeding takes seconds): the 2024 round
    loaded first, as an earlier round, and the demo logins created before the seed. The tests read
    it; their own changes roll back as usual, and the whole demo at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
        with override_settings(DEBUG=True):  # the command refuses without it
            call_command("create_demo_users")
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)


def current_round() -> SurveyRound:
    return SurveyRound.objects.get(year=timezone.localdate().year)


def unit_statuses(survey_round: SurveyRound) -> dict[str, str]:
    """Each unit's state: submitted (every part), first_part, started or silent."""
    parts = survey_round.parts.count()
    submitted = Counter(PartSubmission.objects.filter(response__round=survey_round).values_list("response", flat=True))
    answered = set(Answer.objects.filter(response__round=survey_round).values_list("response", flat=True))
    statuses = {}
    for response in survey_round.responses.select_related("unit"):
        count = submitted[response.pk]
        statuses[response.unit.code] = (
            "submitted" if count == parts else "first_part" if count else "started" if response.pk in answered
            else "silent"
        )  # fmt: skip
    return statuses


def part_problems(survey_round: SurveyRound) -> dict[tuple[str, str], dict[str, str]]:
    questions = list(Question.objects.filter(round=survey_round).prefetch_related("choices").order_by("order"))
    specs = {
        part.pk: question_specs([q for q in questions if q.part_id == part.pk]) for part in survey_round.parts.all()
    }
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, code, value in Answer.objects.filter(response__round=survey_round).values_list(
        "response", "question__code", "value"
    ):
        answers[response_id][code] = value
    problems = {}
    for submission in PartSubmission.objects.filter(response__round=survey_round).select_related(
        "part", "response__unit"
    ):
        errors = form_logic.part_errors(specs[submission.part_id], answers[submission.response_id])
        if errors:
            problems[submission.response.unit.code, submission.part.code] = errors
    return problems


def test_the_demo_round_is_open_now_and_running_the_command_again_adds_nothing(capsys):
    survey_round = current_round()
    assert survey_round.is_open(now=timezone.now())
    assert survey_round.responses.count() == 303
    models = (SurveyRound, Answer, AnswerChange, PartSubmission, Contact, Invitation, User, AuditEvent)
    before = {model: model.objects.count() for model in models}
    capsys.readouterr()
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert f"The {survey_round.year} round exists already." in output
    assert "Earlier rounds have submissions already." in output
    assert {model: model.objects.count() for model in models} == before


def test_this_years_round_has_submitted_started_and_silent_units_in_realistic_shares():
    survey_round = current_round()
    shares = Counter(unit_statuses(survey_round).values())
    assert shares["submitted"] == pytest.approx(0.40 * 303, abs=3)
    assert shares["first_part"] == pytest.approx(0.10 * 303, abs=3)
    assert shares["started"] == pytest.approx(0.25 * 303, abs=3)
    assert shares["silent"] == pytest.approx(0.25 * 303, abs=3)
    now = timezone.now()
    submissions = PartSubmission.objects.filter(response__round=survey_round)
    assert all(survey_round.opens_at <= s.submitted_at < now for s in submissions)
    assert all(s.submitted_by is not None for s in submissions)
    assert (
        Response.objects.filter(round=survey_round, extended_until__isnull=False).exclude(extension_reason="").exists()
    )


def test_every_submitted_part_passes_the_forms_rules_and_was_answered_before_it_was_submitted():
    for survey_round in SurveyRound.objects.all():
        assert PartSubmission.objects.filter(response__round=survey_round).exists()
        assert part_problems(survey_round) == {}
    last_change = defaultdict(lambda: None)
    for response_id, part_id, updated_at in Answer.objects.values_list("response", "question__part", "updated_at"):
        key = (response_id, part_id)
        last_change[key] = max(last_change[key] or updated_at, updated_at)
    for submission in PartSubmission.objects.all():
        assert last_change[submission.response_id, submission.part_id] < submission.submitted_at
    assert AnswerChange.objects.count() == Answer.objects.count()
    assert AuditEvent.objects.filter(code="survey.part.submitted").count() == PartSubmission.objects.count()


def test_every_invited_unit_has_contacts_with_invitations_and_about_half_logged_in():
    survey_round = current_round()
    units = set(survey_round.responses.values_list("unit", flat=True))
    contacts = Contact.objects.filter(unit__in=units).select_related("user", "unit")
    assert {c.unit_id for c in contacts if c.role == Contact.Role.RESPONSIBLE} == units
    assert Counter(c.unit_id for c in contacts if c.role == Contact.Role.RESPONSIBLE).most_common(1)[0][1] == 1
    co_respondents = sum(c.role == Contact.Role.CO_RESPONDENT for c in contacts)
    assert 0.25 * len(units) < co_respondents < 0.42 * len(units)
    # The generated contacts (the demo logins are tested below): made-up addresses, no password.
    generated = [c for c in contacts if c.email not in DEMO_LOGINS]
    assert len(generated) >= len(contacts) - len(DEMO_LOGINS)
    assert all(c.email.endswith(".example.se") and c.email.isascii() for c in generated)
    for contact in generated:
        assert contact.user is not None and not contact.user.has_usable_password()
    for contact in contacts:
        assert contact.user.unit_assignments.filter(unit=contact.unit).exists()
    invitations = Invitation.objects.filter(round=survey_round)
    assert sorted(invitations.values_list("contact", flat=True)) == sorted(c.pk for c in contacts)
    assert all(len(i.token_hash) == 64 and i.created_at == survey_round.opens_at for i in invitations)
    logged_in = sum(c.user.last_login is not None for c in contacts)
    assert 0.4 * len(contacts) < logged_in < 0.75 * len(contacts)
    # Whoever answered has logged in.
    answerers = set(Answer.objects.filter(response__round=survey_round).values_list("updated_by", flat=True))
    assert not User.objects.filter(pk__in=answerers, last_login__isnull=True).exists()


def test_the_demo_logins_are_their_units_responsible_contacts_and_can_still_answer():
    statuses = unit_statuses(current_round())
    assert statuses["0880"] in ("started", "silent")
    assert statuses["0180-08"] in ("started", "silent")
    responsible = Contact.objects.get(unit__code="0880", role=Contact.Role.RESPONSIBLE)
    assert responsible.user == User.objects.get(email="respondent@demo.oj.se")
    assert responsible.email == "respondent@demo.oj.se"
    assert Contact.objects.get(unit__code="0180-08", role=Contact.Role.RESPONSIBLE).user.email == "stadsdel@demo.oj.se"


def test_an_earlier_round_gets_submissions_across_its_fielding_period_and_a_high_response_rate():
    survey_round = SurveyRound.objects.get(year=2024)
    invited = survey_round.responses.count()
    submissions = PartSubmission.objects.filter(response__round=survey_round).select_related("part")
    rates = Counter(s.part.code for s in submissions)
    assert rates["allman"] / invited > 0.9 and rates["vinr"] / invited > 0.9
    assert rates["vinr"] <= rates["allman"] < invited
    assert all(survey_round.opens_at <= s.submitted_at <= survey_round.closes_at for s in submissions)
    days = {timezone.localtime(s.submitted_at).date() for s in submissions}
    assert len(days) > 20  # spread over the period, not all on one day
    # S-shaped: a slow start, most in the middle weeks.
    first_week = sum(s.submitted_at < survey_round.opens_at + timezone.timedelta(days=7) for s in submissions)
    assert first_week < 0.2 * len(submissions)


def test_generated_answers_are_valid_and_follow_the_yes_share_hook():
    questions = list(Question.objects.filter(round__year=2024).prefetch_related("choices").order_by("order"))
    vinr = question_specs([q for q in questions if q.part.code == "vinr"])
    rng = demo_random(1)
    for _ in range(200):
        answers = generate_answers(vinr, rng)
        assert form_logic.part_errors(vinr, answers) == {}
        assert form_logic.effective_answers(vinr, answers) == answers
    always = generate_answers(vinr, rng, yes_share=lambda key: 1.0)
    yes_no = [spec.code for spec in vinr if spec.type == "select_one" and spec.code in always]
    assert len(yes_no) > 5 and all(always[code] == "ja" for code in yes_no)
    never_police = [generate_answers(vinr, rng, yes_share={"overensk.polis": 0.0}.get) for _ in range(50)]
    assert not any("polis" in answers.get("overensk", "") for answers in never_police)
    specs = question_specs(questions)
    assert generate_answers(specs, demo_random(7)) == generate_answers(specs, demo_random(7))


def test_every_demo_units_summary_reads_true_against_its_own_answers():
    """The generated summary of each demo unit of the earlier round, read back by the independent
    reading (tests/reporting/summary_reading.py) against the unit's answers, and the country's
    shares recomputed here (fulfilled / units with a value, whole percent half up)."""
    call_command("load_indicators", "--year", "2024", verbosity=0)
    compute_indicators(years=[2024])
    publish_year(year=2024, user=None, confirmed=True)  # no unit has checked its demo results
    data = published_results([2024])[2024]
    by_unit: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for (unit_id, code), (value, _source) in data.values.items():
        by_unit[unit_id][code] = value
    country = {}
    for code, version in data.versions.items():
        values = [v[code] for v in by_unit.values() if v.get(code) is not None]
        if version.aggregation == "share" and values:
            country[code] = (Decimal(100) * sum(values) / len(values)).quantize(Decimal(1), ROUND_HALF_UP)
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, code, value in Answer.objects.filter(response__round__year=2024).values_list(
        "response__unit", "question__code", "value"
    ):
        answers[unit_id][code] = value
    units = ReportingUnit.objects.in_bulk(list(by_unit))
    checked = sentences = 0
    with translation.override("sv"):
        for unit_id, values in by_unit.items():
            values = {code: values.get(code) for code in data.versions}
            summary = unit_summary(unit_name=units[unit_id].name, values=values, versions=data.versions,
                                   answers=answers[unit_id], country=country, year=2024)  # fmt: skip
            Reading(unit=units[unit_id].name, answers=answers[unit_id], year=2024, country=country,
                    values=values).check(summary)  # fmt: skip
            checked += any(v is not None for v in values.values())
            sentences += len(summary)
        # The page says the same as the function (answers and the country's figures wired in).
        kalmar = ReportingUnit.objects.get(code="0880")
        assert unit_page(year=2024, code="0880").summary == unit_summary(
            unit_name="Kalmar", values={c: by_unit[kalmar.pk].get(c) for c in data.versions}, versions=data.versions,
            answers=answers[kalmar.pk], country=country, year=2024,
        )  # fmt: skip
    assert checked > 250 and sentences > 2000
