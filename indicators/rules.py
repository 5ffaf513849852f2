"""Checking indicator rules against a year's questionnaire (placeholder until the catalogue lands)."""


def check_questionnaire(*, form: object, year: int) -> list[str]:
    return []
