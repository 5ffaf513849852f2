"""The respondent's pages: task list, part pages with autosave, review and submit, print, history;
and the coordinator's reopen and extension. Thin: access, one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from survey import access, services
from survey.forms import ExtensionForm, ReopenForm
from survey.models import AnswerChange, Part, Question
from survey.selectors.responses import history_rows, open_reopenings, part_statuses
from survey.views.part_page import COPY, COPY_ALL, RESOLVE, PartPage, save_status
from survey.xlsform import form_logic


def _part(response, code: str) -> Part:  # noqa: ANN001
    # From the round's questionnaire kept in the process (survey/selectors/questionnaire.py): no query.
    for question in services.responses.round_questions(response):
        if question.part.code == code:
            return question.part
    raise Http404


def _closed_reason(
    request: HttpRequest,
    response,  # noqa: ANN001
    part: Part | None,
    page: PartPage | None = None,
) -> str:
    """Why the answers cannot be changed now ("" if they can). The part page has read whether the
    part is submitted."""
    submitted = page.submission is not None if page is not None else None
    try:
        services.responses.ensure_open(
            response=response, part=part, now=timezone.now(), user=request.user, submitted=submitted
        )
    except services.ResponseClosed as reason:
        return str(reason)
    if not access.can_answer_response(request.user, response):
        return _("You can read the answers but not change them.")
    return ""


def _channel(request: HttpRequest) -> str:
    """A coordinator answering on the part page does so on the unit's behalf: the history says so."""
    if access.has_role(request.user, "coordinator", "admin"):
        return AnswerChange.Channel.ON_BEHALF
    return AnswerChange.Channel.WEB


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = access.get_response_for_user(request.user, pk)
    parts = part_statuses(response)
    return render(
        request,
        "survey/response_detail.html",
        {
            "response": response,
            "parts": parts,
            "closed_reason": _closed_reason(request, response, None),
            "response_open": response.is_open(now=timezone.now()),
            "reopenings": open_reopenings(response, parts),
            "is_coordinator": access.has_role(request.user, "coordinator", "admin"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    if request.method == "GET":
        response = access.get_response_for_user(request.user, pk)
        part_obj = _part(response, part)
        page = PartPage(response, part_obj)
        closed_reason = _closed_reason(request, response, part_obj, page)
        context = {"response": response, "part": part_obj, "page": page, "closed_reason": closed_reason}
        return render(request, "survey/part_form.html", {**context, "questions": page.views()})

    # A save reads the response under its lock, with the access check, in one query. The save then
    # reads the answers and whether the part is submitted under that lock, so a colleague's
    # submission a moment earlier, or the round closing, is reported (ResponseClosed) rather than
    # overwritten.
    try:
        with transaction.atomic():
            response = access.get_response_for_user(request.user, pk, write=True, with_unit=False, lock=True)
            part_obj = _part(response, part)
            page = PartPage(response, part_obj, read_answers=False)
            changes = page.changes_from_post(request.POST)
            if COPY_ALL in request.POST:
                changes = {**page.last_year_fill(), **changes}  # what the person typed wins over last year's
            result = services.save_answers(
                response=response, part=part_obj, changes=changes, user=request.user, locked=True,
                channel=_channel(request),
            )  # fmt: skip
    except services.ResponseClosed as reason:
        closed_reason = str(reason)
        if request.htmx:
            return render(request, "survey/_autosave.html", {"closed_reason": closed_reason, "swap": []})
        messages.error(request, closed_reason)
        return redirect("survey:response-part", pk=pk, part=part)
    context = {"response": response, "part": part_obj, "page": page, "closed_reason": ""}
    relevant_before = page.relevant_codes(result.before)
    page.show_answers(result.answers.values())
    typed = page.typed_values(changes, result)
    views = page.views(errors=result.errors, typed=typed, conflicts=result.conflicts)
    status = save_status(page, result, now=timezone.now())
    context.update(questions=views, result=result, status=status)
    if request.htmx:
        # The changed questions, and every question whose visibility or options may have changed.
        changed = request.POST.get("changed", "")
        named = {RESOLVE: request.POST.get(RESOLVE, "").partition(":")[2], COPY: request.POST.get(COPY, "")}.get(
            changed, changed
        )
        touched = result.written | result.errors.keys() | result.conflicts.keys() | {named}
        # A label showing an answer (${name}) changes with it, or with a calculation made from it.
        shown = set(result.written) | {view.code for view in views if view.question.type == "calculate"}
        dependent = {
            view.code
            for view in views
            if view.code in touched
            or (view.code in relevant_before) != view.relevant
            or any(f"${{{code}}}" in view.question.choice_filter for code in result.written)
            or form_logic.mentioned(view.question.label + view.question.hint) & shown
        }
        context["swap"] = [view for view in views if view.code in dependent]
        return render(request, "survey/_autosave.html", context)
    if result.errors or result.conflicts:
        return render(request, "survey/part_form.html", context, status=200)
    for line in status:
        messages.success(request, line)
    return redirect("survey:response-part", pk=pk, part=part)


@login_required
@require_http_methods(["GET", "POST"])
def response_review(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    response = access.get_response_for_user(request.user, pk, write=request.method == "POST")
    part_obj = _part(response, part)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.submit_part(response=response, part=part_obj, user=request.user)
        except services.PartIncomplete as incomplete:
            errors = incomplete.errors
        except services.ResponseClosed as closed:
            messages.error(request, str(closed))
            return redirect("survey:response-detail", pk=pk)
        else:
            messages.success(
                request,
                _("The part %(part)s has been submitted. A receipt is on its way by e-mail.")
                % {"part": part_obj.label},
            )
            return redirect("survey:response-detail", pk=pk)
    page = PartPage(response, part_obj)  # the page's answers: a submission that goes through reads none
    closed_reason = _closed_reason(request, response, part_obj, page)
    if request.method == "GET" and not closed_reason:
        # What stops the part from being submitted, marked before the person tries.
        errors = form_logic.part_errors(page.part_specs, page.values)
    return render(
        request,
        "survey/part_review.html",
        {
            "response": response,
            "part": part_obj,
            "page": page,
            "questions": page.views(errors=errors),
            "errors": errors,
            "closed_reason": closed_reason,
        },
        status=200,
    )


@login_required
def response_print(request: HttpRequest, pk: int) -> HttpResponse:
    response = access.get_response_for_user(request.user, pk)
    pages = [PartPage(response, part) for part in response.round.parts.all()]
    return render(
        request, "survey/response_print.html", {"response": response, "pages": [(p, p.views()) for p in pages]}
    )


@login_required
def response_history(request: HttpRequest, pk: int) -> HttpResponse:
    response = access.get_response_for_user(request.user, pk)
    questions = [q for q in services.responses.round_questions(response) if q.type not in Question.Type.unanswered()]
    code = request.GET.get("fraga", "")
    if code not in {question.code for question in questions}:
        code = ""
    return render(
        request,
        "survey/response_history.html",
        {
            "response": response,
            "rows": history_rows(response, code=code),
            "questions": questions,
            "chosen": code,
            "show_codes": access.has_role(request.user, "coordinator", "admin", "analyst"),
        },
    )


@login_required
@require_POST
def response_reopen(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    access.require_coordinator(request.user)
    response = access.get_response_for_user(request.user, pk, write=True)
    part_obj = _part(response, part)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason that the respondents will see."))
        return redirect("survey:response-detail", pk=pk)
    try:
        services.reopen_part(response=response, part=part_obj, user=request.user, **form.cleaned_data)
    except services.ResponseClosed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The part %(part)s is open for changes again.") % {"part": part_obj.label})
    return redirect("survey:response-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def response_extend(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_coordinator(request.user)
    response = access.get_response_for_user(request.user, pk, write=True)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extend_deadline(response=response, user=request.user, **form.cleaned_data)
        except services.ResponseClosed as error:
            form.add_error("until", str(error))
        else:
            messages.success(request, _("The deadline for %(unit)s was extended.") % {"unit": response.unit.name})
            return redirect("survey:response-detail", pk=pk)
    return render(request, "survey/response_extend.html", {"response": response, "form": form})
