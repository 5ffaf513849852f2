"""Everything that changes data goes through these functions (STYLE.md §2)."""

from survey.services.questionnaires import QuestionnaireConflict, default_round_times, load_questionnaire
from survey.services.register import RegisterError, create_unit, retire_unit
from survey.services.responses import (
    Change,
    PartIncomplete,
    ResponseClosed,
    SaveResult,
    extend_deadline,
    reopen_part,
    save_answers,
    submit_part,
)

__all__ = [
    "Change",
    "PartIncomplete",
    "QuestionnaireConflict",
    "RegisterError",
    "ResponseClosed",
    "SaveResult",
    "create_unit",
    "default_round_times",
    "extend_deadline",
    "load_questionnaire",
    "reopen_part",
    "retire_unit",
    "save_answers",
    "submit_part",
]
