"""What a part page shows (questions with their answers, relevance, offered options, errors and
conflicts) and how a posted page becomes changes. Shared by the page, its autosave and the review."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.models import Answer, AnswerChange, Part, PartSubmission, Question, Response
from survey.selectors.last_year import LastYear, last_years_answers
from survey.selectors.responses import progress_text
from survey.services.responses import Change, SaveResult, round_questions, round_specs
from survey.xlsform import form_logic
from survey.xlsform.expressions import parse


@dataclass
class QuestionView:
    question: Question
    spec: form_logic.QuestionSpec
    answer: Answer | None
    relevant: bool
    choices: list[form_logic.ChoiceSpec]
    value: str  # what the field shows: the stored answer, or what was typed if it was refused
    error: str = ""
    conflict: Answer | None = None
    has_conflict: bool = False
    first_in_section: bool = False
    # In conflict: the version and value the person's page had, kept in the page so that every later
    # save of the field is a conflict again until they choose (never a silent overwrite).
    seen: tuple[int, str] | None = None
    number: str = ""  # "3", or "3.1" for a follow-up of question 3 ("" for a note)
    follow_up: bool = False
    last_year: LastYear | None = None
    label: str = ""  # the question's label and hint with ${name} replaced by that question's answer
    hint: str = ""

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def version(self) -> int:
        """The version of the answer the page is based on (v_<code>)."""
        if self.seen is not None:
            return self.seen[0]
        return self.answer.version if self.answer else 0

    @property
    def shown_value(self) -> str:
        """The value the page was drawn with (o_<code>): a field that still has it is not a change."""
        if self.seen is not None:
            return self.seen[1]
        return self.answer.value if self.answer else ""

    @property
    def colleague_version(self) -> int:
        """The version of the colleague's answer, which *Keep my answer* replaces (c_<code>)."""
        return self.conflict.version if self.conflict else 0

    @property
    def selected(self) -> list[str]:
        return self.value.split()

    @property
    def input_mode(self) -> str:
        return {"integer": "numeric", "decimal": "decimal"}.get(self.question.type, "text")


# The buttons of a conflict: "mine:<code>" keeps the person's value, "theirs:<code>" the colleague's.
RESOLVE = "resolve"
# *Same answer as last year* (the question's code), and *Fill in last year's answers* for the part.
COPY, COPY_ALL = "copy", "copy_all"


class PartPage:
    def __init__(self, response: Response, part: Part, *, read_answers: bool = True) -> None:
        """`read_answers=False` for a posted page: the save reads them under its lock and the
        page shows what it left (show_answers)."""
        self.response = response
        self.part = part
        all_questions = round_questions(response)
        self.questions = [q for q in all_questions if q.part_id == part.pk]
        self.specs = round_specs(response)
        self.part_specs = [s for s in self.specs if s.code in {q.code for q in self.questions}]
        self.numbers = question_numbers(self.part_specs)
        self._questions_by_pk = {q.pk: q for q in all_questions}
        self.answers: dict[int, Answer] = {}
        self.values: dict[str, str] = {}
        self.submission: PartSubmission | None = None
        # Set by changes_from_post: what the posted page had per field (version, value), the answers
        # on it that differ from the saved ones but were not part of this save, and a conflict the
        # person settled by taking the colleague's answer.
        self.seen: dict[str, tuple[int, str]] = {}
        self.pending: set[str] = set()
        self.taken: str = ""
        self.copied: set[str] = set()
        self.last_year: dict[str, LastYear] = {}
        if read_answers:
            self.last_year = last_years_answers(response)
            self.show_answers(Answer.objects.filter(response=response).select_related("updated_by"))
            self.submission = (
                PartSubmission.objects.filter(response=response, part=part).select_related("submitted_by").first()
            )

    def show_answers(self, answers: Iterable[Answer]) -> None:
        """Shows these answers, e.g. those a save leaves (SaveResult.answers): the same as reading
        them again, as the save held the response locked until it committed."""
        self.answers = {}
        for answer in answers:
            answer.question = self._questions_by_pk[answer.question_id]  # with its prefetched options
            self.answers[answer.question_id] = answer
        self.values = {a.question.code: a.value for a in self.answers.values()}

    def relevant_codes(self, values: Mapping[str, str] | None = None) -> set[str]:
        """The questions asked with the answers shown, or with `values`."""
        return form_logic.relevant_codes(self.specs, self.values if values is None else values)

    def views(
        self,
        *,
        errors: Mapping[str, str] | None = None,
        typed: Mapping[str, str] | None = None,
        conflicts: Mapping[str, Answer | None] | None = None,
    ) -> list[QuestionView]:
        errors, typed, conflicts = errors or {}, typed or {}, conflicts or {}
        relevant = self.relevant_codes()
        kept = form_logic.effective_answers(self.specs, self.values)
        result = []
        section = ""
        shown = form_logic.answer_texts(self.specs, kept)
        for question, spec in zip(self.questions, self.part_specs, strict=True):
            answer = self.answers.get(question.pk)
            result.append(
                QuestionView(
                    question=question,
                    spec=spec,
                    answer=answer,
                    relevant=question.code in relevant,
                    choices=form_logic.offered_choices(spec, kept),
                    value=typed.get(question.code, answer.value if answer else ""),
                    error=errors.get(question.code, ""),
                    conflict=conflicts.get(question.code),
                    has_conflict=question.code in conflicts,
                    first_in_section=bool(question.section) and question.section != section,
                    seen=self.seen.get(question.code) if question.code in conflicts else None,
                    number=self.numbers.get(question.code, ""),
                    follow_up="." in self.numbers.get(question.code, ""),
                    last_year=self.last_year.get(question.code),
                    label=form_logic.fill_in(question.label, shown),
                    hint=form_logic.fill_in(question.hint, shown),
                )
            )
            section = question.section
        return result

    def changes_from_post(self, data: QueryDict) -> dict[str, Change]:
        """The changes a posted page asks for. A field is a change when its value differs from the one
        the page showed (`o_<code>`), so that fields the person did not touch never overwrite a
        colleague's answer; it is made against the version the page showed (`v_<code>`), so that a
        colleague's later answer is a conflict, not overwritten.

        An autosave names the field that changed (`changed`) and saves it. A field the server refused
        (an error or a conflict, marked `r_<code>` at the question) is saved only when it is the one
        named: until then it waits at its question (`pending`), and nothing else writes it. Any other
        field that differs is a change whose own save never arrived (a lost connection, a session
        that ran out), saved now so that it is not lost. The page's Save button, without JavaScript,
        saves every field that differs. A conflict's buttons (`resolve`) keep the person's answer over
        the colleague's version they were shown (`c_<code>`), or take the colleague's and change
        nothing."""
        differing: dict[str, Change] = {}
        for question in self.questions:
            code = question.code
            if question.type in Question.Type.unanswered() or f"v_{code}" not in data:
                continue  # nothing to answer, or not on the page that was posted
            value = " ".join(data.getlist(code)) if question.type == "select_multiple" else data.get(code, "")
            shown = data.get(f"o_{code}", "")
            self.seen[code] = (_version(data.get(f"v_{code}")), shown)
            if value != shown:
                differing[code] = Change(value, self.seen[code][0])
        self._last_year_from_post(data)
        if (copied := data.get(COPY, "")) in self.seen:
            # The value from the database, not from the page: the history will say it is last year's.
            last = last_years_answers(self.response).get(copied)
            if last is not None and not last.changed:
                self.last_year[copied] = last
                differing[copied] = Change(last.value, self.seen[copied][0], channel=AnswerChange.Channel.LAST_YEAR)
                self.copied.add(copied)
        choice, _sep, resolved = data.get(RESOLVE, "").partition(":")
        if resolved in differing and choice == "mine":
            differing[resolved] = Change(differing[resolved].value, _version(data.get(f"c_{resolved}")))
        elif resolved in differing and choice == "theirs":
            del differing[resolved]
            self.taken = resolved
        changed = data.get("changed", "")
        if not changed:
            return differing
        named = resolved if changed == RESOLVE else data.get(COPY, "") if changed == COPY else changed
        self.pending = {code for code in differing if code != named and f"r_{code}" in data}
        return {code: change for code, change in differing.items() if code not in self.pending}

    def _last_year_from_post(self, data: QueryDict) -> None:
        """Last year's answers as the page showed them (ly_, lyt_), to draw the questions an autosave
        swaps in without reading last year's round on every save. Only shown, never saved: a copy
        reads the value from the database."""
        for question in self.questions:
            if f"lyt_{question.code}" in data:
                value, text = data.get(f"ly_{question.code}", ""), data.get(f"lyt_{question.code}", "")
                self.last_year.setdefault(question.code, LastYear(text=text, value=value))

    def last_year_fill(self) -> dict[str, Change]:
        """*Fill in last year's answers*: last year's answer for every question of the part that has
        none now, is asked with the answers so far and was asked the same way last year. Reads the
        answers (under the save's lock) and last year's round."""
        self.show_answers(Answer.objects.filter(response=self.response).select_related("updated_by"))
        self.last_year = last_years_answers(self.response)
        answers = dict(self.values)
        changes = {}
        for spec in self.part_specs:
            last = self.last_year.get(spec.code)
            if last is None or last.changed or answers.get(spec.code):
                continue
            if not form_logic.is_relevant(spec, form_logic.effective_answers(self.specs, answers)):
                continue
            if form_logic.validation_error(spec, last.value, {**answers, spec.code: last.value}):
                continue
            answers[spec.code] = last.value
            changes[spec.code] = Change(last.value, 0, channel=AnswerChange.Channel.LAST_YEAR)
        self.copied |= changes.keys()
        return changes

    @property
    def can_fill_from_last_year(self) -> bool:
        codes = {question.code for question in self.questions}
        return any(
            not last.changed and not self.values.get(code) for code, last in self.last_year.items() if code in codes
        )

    @property
    def next_part(self) -> Part | None:
        """The part after this one in the questionnaire, for the page's *Next part* link."""
        parts = list(dict.fromkeys(question.part for question in round_questions(self.response)))
        index = parts.index(self.part) if self.part in parts else len(parts)
        return parts[index + 1] if index + 1 < len(parts) else None

    def progress(self) -> str:
        """E.g. "12 av 21 besvarade", with the answers shown."""
        return progress_text(*form_logic.progress(self.part_specs, self.values))

    @staticmethod
    def typed_values(changes: Mapping[str, Change], result: SaveResult) -> dict[str, str]:
        """What the person typed where it was refused, so it stays in the field to be corrected."""
        return {
            code: change.value if isinstance(change.value, str) else " ".join(change.value)
            for code, change in changes.items()
            if code in result.errors or code in result.conflicts
        }


def question_numbers(specs: list[form_logic.QuestionSpec]) -> dict[str, str]:
    """A number for each question of a part, notes left out: 1, 2, 3 …; a follow-up (a question asked
    only with an earlier question's answer) is numbered under the question it depends on: 3.1, 3.2."""
    position = {spec.code: index for index, spec in enumerate(specs)}
    root: dict[str, str] = {}  # code -> the top-level question it follows up
    numbers: dict[str, str] = {}
    top, under = 0, {}
    for spec in specs:
        if not spec.is_asked:
            continue
        earlier = {
            code for condition in spec.relevant for code in parse(condition).references
            if position.get(code, len(specs)) < position[spec.code] and code in numbers
        }  # fmt: skip
        if earlier:
            parent = root[max(earlier, key=position.__getitem__)]
            root[spec.code] = parent
            under[parent] = under.get(parent, 0) + 1
            numbers[spec.code] = f"{numbers[parent]}.{under[parent]}"
        else:
            top += 1
            root[spec.code] = spec.code
            numbers[spec.code] = str(top)
    return numbers


def _version(text: str | None) -> int:
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
    return int(text) if text and text.isascii() and text.isdigit() else 0


def save_status(page: PartPage, result: SaveResult, *, now: datetime) -> list[str]:
    """What happened to this save, in sentences for the page's status line: saved (with the second,
    so that two saves in one minute can be told apart), or why a question was not, what skip logic
    removed, and how many other answers on the page still wait at their question."""
    labels = {question.code: question.label for question in page.questions}
    lines = []
    refused = {**dict.fromkeys(result.errors, "error"), **dict.fromkeys(result.conflicts, "conflict")}
    if result.written or not refused:
        lines.append(_("Saved %(time)s.") % {"time": timezone.localtime(now).strftime("%H:%M:%S")})
    for code, kind in refused.items():
        label = labels.get(code, code)
        if kind == "conflict":
            lines.append(
                _('The answer to "%(label)s" was not saved: a colleague changed it while you were working. '
                  "Choose whose answer to keep.") % {"label": label}
            )  # fmt: skip
        else:
            lines.append(
                _('The answer to "%(label)s" was not saved: see the message at the question.') % {"label": label}
            )
    if copied := len(result.written & page.copied):
        lines.append(
            ngettext(
                "Last year's answer was filled in for %(count)d question.",
                "Last year's answers were filled in for %(count)d questions.",
                copied,
            )
            % {"count": copied}
        )
    if page.taken:
        lines.append(_('Your colleague\'s answer to "%(label)s" is shown.') % {"label": labels[page.taken]})
    for question in result.removed:
        lines.append(
            _('The answer to "%(label)s" was removed, as the question is no longer asked.') % {"label": question.label}
        )
    if pending := len(page.pending - refused.keys()):
        lines.append(
            ngettext(
                "%(count)d other answer on the page is not saved: see the message at the question.",
                "%(count)d other answers on the page are not saved: see the messages at the questions.",
                pending,
            )
            % {"count": pending}
        )
    return lines
