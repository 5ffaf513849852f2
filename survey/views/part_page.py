"""What a part page shows (questions with their answers, relevance, offered options, errors and
conflicts) and how a posted page becomes changes. Shared by the page, its autosave and the review."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.http import QueryDict

from survey.models import Answer, Part, PartSubmission, Question, Response
from survey.services.responses import Change, SaveResult, round_questions, round_specs
from survey.xlsform import form_logic


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

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def selected(self) -> list[str]:
        return self.value.split()

    @property
    def input_mode(self) -> str:
        return {"integer": "numeric", "decimal": "decimal"}.get(self.question.type, "text")


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
        self._questions_by_pk = {q.pk: q for q in all_questions}
        self.answers: dict[int, Answer] = {}
        self.values: dict[str, str] = {}
        self.submission: PartSubmission | None = None
        if read_answers:
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
                )
            )
            section = question.section
        return result

    def changes_from_post(self, data: QueryDict) -> dict[str, Change]:
        """The questions the person changed: their value differs from the one the page showed
        (`o_<code>`), so that fields they did not touch never overwrite a colleague's answer.
        Autosave posts the whole form too, so a change is never lost if a request is."""
        changes = {}
        for question in self.questions:
            code = question.code
            if question.type == "note":
                continue
            value = " ".join(data.getlist(code)) if question.type == "select_multiple" else data.get(code, "")
            if f"v_{code}" not in data:
                continue  # not on the page that was posted
            if value == data.get(f"o_{code}", ""):
                continue
            version = data.get(f"v_{code}", "0")
            changes[code] = Change(value, int(version) if version.isdigit() else 0)
        return changes

    @staticmethod
    def typed_values(changes: Mapping[str, Change], result: SaveResult) -> dict[str, str]:
        """What the person typed where it was refused, so it stays in the field to be corrected."""
        return {
            code: change.value if isinstance(change.value, str) else " ".join(change.value)
            for code, change in changes.items()
            if code in result.errors or code in result.conflicts
        }
