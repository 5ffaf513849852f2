"""The coordinator's pages for survey rounds: the list, and loading a questionnaire from XLSForm."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.views import import_upload
from survey import access, services
from survey.forms import AnswerImportForm, QuestionnaireUploadForm
from survey.models import SurveyRound
from survey.services.answer_import import import_answers
from survey.xlsform.parser import XLSFormInvalid, read_xlsform


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    access.require_register_reader(request.user)
    rounds = SurveyRound.objects.annotate(
        invited=Count("responses", distinct=True), questions_count=Count("questions", distinct=True)
    )
    return render(
        request, "survey/round_list.html", {"rounds": rounds, "can_upload": access.can_manage_register(request.user)}
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
