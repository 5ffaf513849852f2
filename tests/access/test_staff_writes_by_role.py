"""The staff's own changes, tried by every role: coordinators manage contacts and resolve the units'
flags; analysts compute, change definitions and export. A refusal changes nothing; where the role
may act, the same request does change something (so the requests below are ones that would work)."""

import pytest
from django.urls import reverse

from indicators.models import IndicatorVersion, ResultCheck, UnitResult
from indicators.services import catalogue
from reporting.models import Export
from survey.models import Contact

from .test_answer_writes_by_role import SAVED
from .test_urls_by_role import LOGIN, ROLES, outcome
from .world import OTHER_UNIT, OWN_UNIT, PUBLISHED_YEAR

pytestmark = pytest.mark.django_db


def definition_change() -> dict:
    version = IndicatorVersion.objects.get(indicator__code="VINR02", year=2024)
    return {**{name: getattr(version, name) for name in catalogue.FIELDS}, "title": "Ny titel"}


# name: (anonymous, own unit, other unit, coordinator, analyst, admin),
# request(world, unit) → (url name, kwargs, data)
STAFF_WRITES = {
    "add a contact":       ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda world, unit: ("survey:contact-create", {"code": unit},
                                                 {"name": "Ny Kontakt", "email": "ny@kommun.example.se",
                                                  "role": Contact.Role.RESPONSIBLE})),
    "remove a contact":    ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda world, unit: ("survey:contact-delete",
                                                 {"code": unit, "pk": world.contacts[unit].pk}, {})),
    "resolve a flag":      ((LOGIN, 403, 403, SAVED, 403, SAVED),
                            lambda world, unit: ("indicators:flag-resolve", {"pk": world.flag.pk},
                                                 {"resolution": "Rättat i svaret"})),
    "compute results":     ((LOGIN, 403, 403, 403, SAVED, SAVED),
                            lambda world, unit: ("indicators:year-compute", {"year": 2024}, {})),
    "change a definition": ((LOGIN, 403, 403, 403, SAVED, SAVED),
                            lambda world, unit: ("indicators:version-edit", {"code": "VINR02", "year": 2024},
                                                 definition_change())),
    "start an export":     ((LOGIN, 403, 403, 403, SAVED, SAVED),
                            lambda world, unit: ("exports:export-list", {}, {"year": PUBLISHED_YEAR})),
}  # fmt: skip

CASES = [
    (name, role, expected) for name, (row, _) in STAFF_WRITES.items() for role, expected in zip(ROLES, row, strict=True)
]


def staff_data() -> tuple:
    return (
        sorted(Contact.objects.values_list("unit__code", "name", "email", "role")),
        sorted(ResultCheck.objects.values_list("pk", "status", "resolution")),
        sorted(UnitResult.objects.values_list("year", "unit__code", "indicator__code", "value", "updated_at")),
        sorted(IndicatorVersion.objects.values_list("pk", "title")),
        Export.objects.count(),
    )


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_a_staff_change_is_made_only_by_the_roles_that_may(client, db, world, users, name, role, expected):
    if role != "anonymous":
        client.force_login(users[role])
    url_name, kwargs, data = STAFF_WRITES[name][1](world, OTHER_UNIT if role == "other" else OWN_UNIT)
    before = staff_data()

    response = client.post(reverse(url_name, kwargs=kwargs), data)

    if expected == SAVED:
        assert response.status_code in (200, 302), response.content[:500]
        assert staff_data() != before
    else:
        assert outcome(response) == expected
        assert staff_data() == before
