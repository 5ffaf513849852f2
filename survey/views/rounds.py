"""The coordinator's pages for survey rounds: the list, creating a round, its fielding period and
*Stäng nu*, and loading a questionnaire from XLSForm."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.views import import_upload
from survey import access, hooks, services
from survey.forms import AnswerImportForm, QuestionnaireUploadForm, ReminderDaysForm, RoundCreateForm, RoundTimesForm
from survey.models import SurveyRound
from survey.selectors.rounds import rounds_with_state
from survey.services import reminders
from survey.services import rounds as round_services
from survey.services.answer_import import import_answers
from survey.xlsform.parser import XLSFormInvalid, read_xlsform


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    access.require_register_reader(request.user)
    return render(
        request,
        "survey/round_list.html",
        {
            "rows": rounds_with_state(now=timezone.now()),
            "can_upload": access.can_manage_register(request.user),
            "can_create": access.can_manage_register(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    access.require_register_manager(request.user)
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = read_xlsform(upload.read(), upload.name, year=form.cleaned_data["year"])
            survey_round = services.load_questionnaire(
                form=parsed, year=form.cleaned_data["year"], source_name=upload.name, user=request.user
            )
        except XLSFormInvalid as invalid:
            problems = [str(error) for error in invalid.errors]
        except services.QuestionnaireConflict as conflict:
            problems = conflict.problems
        else:
            messages.success(
                request,
                _("%(title)s was loaded with %(count)d questions.")
                % {"title": survey_round.title, "count": survey_round.questions.count()},
            )
            for notice in parsed.notices:
                messages.info(request, notice)
            return redirect("survey:round-list")
    return render(request, "survey/questionnaire_upload.html", {"form": form, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def answers_import(request: HttpRequest, year: int) -> HttpResponse:
    access.require_coordinator(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)
    form, report = import_upload(
        request, AnswerImportForm, partial(import_answers, survey_round=survey_round, user=request.user)
    )
    return render(request, "survey/answers_import.html", {"form": form, "report": report, "round": survey_round})


def _round_list_years() -> list[int]:
    return list(SurveyRound.objects.order_by("-year").values_list("year", flat=True))


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """The coordinator creates the round of a year: its fielding period and a questionnaire,
    copied from an earlier year's or loaded from a file."""
    access.require_coordinator(request.user)
    form = RoundCreateForm(request.POST or None, request.FILES or None, years=_round_list_years())
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opens_at, closes_at = round_services.round_times(opens_on=data["opens_on"], closes_on=data["closes_on"])
        try:
            parsed = read_xlsform(data["file"].read(), data["file"].name, year=data["year"]) if data["file"] else None
            survey_round = round_services.create_round(
                year=data["year"],
                opens_at=opens_at,
                closes_at=closes_at,
                user=request.user,
                form=parsed,
                source_name=data["file"].name if data["file"] else "",
                copy_from=data["copy_from"],
            )
        except XLSFormInvalid as invalid:
            problems = [str(error) for error in invalid.errors]
        except services.QuestionnaireConflict as conflict:
            problems = conflict.problems
        except round_services.RoundError as error:
            problems = [str(error)]
        else:
            messages.success(
                request,
                _("The round of %(year)d was created with %(count)d questions.")
                % {"year": survey_round.year, "count": survey_round.questions.count()},
            )
            return redirect("survey:round-settings", year=survey_round.year)
    return render(request, "survey/round_create.html", {"form": form, "problems": problems})


def _confirm_or_redirect(
    request: HttpRequest, survey_round: SurveyRound, change: Callable[[bool], object], form: RoundTimesForm | None
) -> HttpResponse | None:
    """Makes the change; when it would open or close the round, shows what it would do and asks again.
    Only a POST with confirmed=1 confirms."""
    confirmed = request.method == "POST" and request.POST.get("confirmed") == "1"
    try:
        change(confirmed)
    except round_services.ConfirmationNeeded as needed:
        return render(
            request,
            "survey/round_confirm.html",
            {"round": survey_round, "warnings": needed.warnings, "form": form, "post": request.POST},
        )
    except round_services.RoundError as error:
        messages.error(request, str(error))
        return None
    return redirect("survey:round-settings", year=survey_round.year)


@login_required
@require_http_methods(["POST"])
def round_times(request: HttpRequest, year: int) -> HttpResponse:
    access.require_coordinator(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)
    form = RoundTimesForm(request.POST, survey_round=survey_round)
    if form.is_valid():
        data = form.cleaned_data

        def change(confirmed: bool) -> None:
            round_services.change_round_times(
                survey_round=survey_round,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                user=request.user,
                confirmed=confirmed,
            )
            messages.success(request, _("The round's times were saved."))

        if (done := _confirm_or_redirect(request, survey_round, change, form)) is not None:
            return done
    return round_settings_page(request, survey_round, times_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, year: int) -> HttpResponse:
    """*Stäng nu*: closes the open round at once, after a confirmation that says what it does."""
    access.require_coordinator(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)

    def change(confirmed: bool) -> None:
        round_services.close_round_now(survey_round=survey_round, user=request.user, confirmed=confirmed)
        messages.success(request, _("The round was closed."))

    done = _confirm_or_redirect(request, survey_round, change, None)
    return done if done is not None else redirect("survey:round-settings", year=year)


def round_settings_page(
    request: HttpRequest,
    survey_round: SurveyRound,
    *,
    times_form: RoundTimesForm | None = None,
    days_form: ReminderDaysForm | None = None,
) -> HttpResponse:
    """The coordinator's round settings: the fielding period, *Stäng nu* and the reminder days."""
    now = timezone.now()
    initial = {"reminder_days": ", ".join(str(d) for d in survey_round.reminder_days)}
    return render(
        request,
        "survey/round_settings.html",
        {
            "round": survey_round,
            "times_form": times_form or RoundTimesForm(survey_round=survey_round),
            "form": days_form or ReminderDaysForm(initial=initial),
            "is_open": survey_round.is_open(now=now),
            "published": survey_round.year in hooks.published_years(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_settings(request: HttpRequest, year: int) -> HttpResponse:
    access.require_coordinator(request.user)
    survey_round = get_object_or_404(SurveyRound, year=year)
    form = ReminderDaysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reminders.set_reminder_days(
            survey_round=survey_round, days=form.cleaned_data["reminder_days"], user=request.user
        )
        messages.success(request, _("The reminder days were saved."))
        return redirect("survey:round-reminders", year=year)
    return round_settings_page(request, survey_round, days_form=form if request.method == "POST" else None)
