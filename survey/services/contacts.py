"""Contact persons of reporting units: edited one by one, or imported from a file."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record_event
from core.imports import ImportReport, Row, committing, read_import
from core.models import OutgoingEmail
from core.outbox import retry_email
from core.tables import FormError, row_error
from core.text import normalise_email
from survey.models import Contact, Invitation, ReportingUnit
from survey.services.invitations import reissued_invitation

REQUIRED_COLUMNS = ("unit_code", "name", "email")
# The most rows one file may hold (core/workbooks.py; README, *Imports*): about 300 units, a few
# contact persons each.
CONTACT_ROWS = 5_000
ROLE_WORDS = {
    "": Contact.Role.RESPONSIBLE,
    "responsible": Contact.Role.RESPONSIBLE,
    "ansvarig": Contact.Role.RESPONSIBLE,
    "co_respondent": Contact.Role.CO_RESPONDENT,
    "medrespondent": Contact.Role.CO_RESPONDENT,
    "uppgiftslämnare": Contact.Role.CO_RESPONDENT,
}


class ContactError(Exception):
    pass


@transaction.atomic
def save_contact(*, unit: ReportingUnit, name: str, email: str, role: str, user: User,
                 contact: Contact | None = None) -> Contact:  # fmt: skip
    """Adds a contact to the unit, or changes one; an e-mail address appears once per unit."""
    email = normalise_email(email)
    duplicate = Contact.objects.filter(unit=unit, email=email).exclude(pk=contact.pk if contact else None)
    if duplicate.exists():
        raise ContactError(_("The unit already has a contact person with this e-mail address."))
    contact = contact or Contact(unit=unit)
    if contact.pk and contact.email != email:
        # Another address: links sent to the old one stop working, and the next invitation
        # makes or finds the account of the new one.
        Invitation.objects.filter(contact=contact, used_at__isnull=True).update(expires_at=timezone.now())
        contact.user = None
    contact.name, contact.email, contact.role = name.strip(), email, role
    contact.save()
    record_event("survey.contact.saved", actor=user, unit=unit, contact=contact.pk, email=email, role=role)
    return contact


@transaction.atomic
def correct_email_address(*, email: OutgoingEmail, address: str, user: User) -> Contact:
    """A failed or waiting e-mail to a contact person goes again, to a corrected address: the
    contact gets the address (as in `save_contact`, their earlier links stop working) and the
    e-mail is sent to it; an invitation with a new link. Both steps are in the audit trail."""
    contact = email.contact
    if contact is None:
        raise ContactError(_("Only an e-mail to a contact person can be sent to another address."))
    old_address = contact.email
    contact = save_contact(unit=contact.unit, contact=contact, name=contact.name, email=address, role=contact.role,
                           user=user)  # fmt: skip
    changes = {}
    if email.kind == OutgoingEmail.Kind.INVITATION and email.round_id and contact.email != old_address:
        changes = reissued_invitation(email=email, user=user)
    retry_email(email=email, user=user, to=contact.email, **changes)
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact, user: User) -> None:
    record_event("survey.contact.deleted", actor=user, unit=contact.unit, email=contact.email)
    contact.delete()


@dataclass
class ContactImportReport(ImportReport):
    created: int = 0
    updated: int = 0


def _check_row(
    row: Row, units: dict[str, ReportingUnit], seen: dict[tuple[str, str], int]
) -> tuple[list[FormError], dict | None]:
    errors = []
    number = row.number
    unit_code, name, role_word = row["unit_code"], row["name"], row["role"].lower()
    email = normalise_email(row["email"])
    if unit_code not in units:
        errors.append(
            row_error(number, "unit_code", _("There is no unit with the code %(code)s.") % {"code": unit_code})
        )
    if not name:
        errors.append(row_error(number, "name", _("The name is missing.")))
    elif len(name) > 200:
        errors.append(row_error(number, "name", _("The name is longer than 200 characters.")))
    try:
        validate_email(email)
    except ValidationError:
        errors.append(row_error(number, "email", _("%(email)s is not an e-mail address.") % {"email": email or '""'}))
    if role_word not in ROLE_WORDS:
        errors.append(row_error(number, "role", _("Write responsible or co_respondent (ansvarig or medrespondent).")))
    if (unit_code, email) in seen:
        errors.append(
            row_error(number, "email", _("The same contact is on row %(row)d.") % {"row": seen[unit_code, email]})
        )
    else:
        seen[unit_code, email] = number
    if errors:
        return errors, None
    return [], {"unit": units[unit_code], "name": name, "email": email, "role": ROLE_WORDS[role_word]}


def import_contacts(*, data: bytes, filename: str, user: User, dry_run: bool = False) -> ContactImportReport:
    """Imports contacts (unit_code, name, email[, role]) from CSV or XLSX. Every bad row is listed
    with its column and nothing is imported until the whole file is clean. A contact that exists
    (same unit and e-mail address) gets the file's name and role."""
    report = ContactImportReport(dry_run=dry_run)
    rows = read_import(data=data, filename=filename, required=REQUIRED_COLUMNS, max_rows=CONTACT_ROWS, report=report)
    if report.errors:
        return report
    units = {unit.code: unit for unit in ReportingUnit.objects.all()}
    seen: dict[tuple[str, str], int] = {}
    valid = []
    for row in rows:
        errors, values = _check_row(row, units, seen)
        report.errors += errors
        if values:
            valid.append(values)
    if report.errors or dry_run:
        return report
    with committing(report):
        existing = {(c.unit_id, c.email): c for c in Contact.objects.filter(unit__in=[v["unit"] for v in valid])}
        new, changed = [], []
        for values in valid:
            contact = existing.get((values["unit"].pk, values["email"]))
            if contact is None:
                new.append(Contact(**values))
            elif (contact.name, contact.role) != (values["name"], values["role"]):
                contact.name, contact.role = values["name"], values["role"]
                changed.append(contact)
        Contact.objects.bulk_create(new)
        Contact.objects.bulk_update(changed, ["name", "role"])
        report.created, report.updated = len(new), len(changed)
        record_event("survey.contact.imported", actor=user, file=filename, created=len(new), updated=len(changed))
    return report
