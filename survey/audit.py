from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from .models import AuditEvent, ReportingUnit


def record_event(
    code: str, *, actor: AbstractBaseUser | None, unit: ReportingUnit | None = None, **data: Any
) -> AuditEvent:
    """Keeps a staff or respondent action in the audit trail, e.g. `survey.unit.retired`."""
    return AuditEvent.objects.create(code=code, actor=actor, unit=unit, data=data)
