import factory

from accounts.models import User
from survey.models import County, ReportingUnit, UnitAssignment
from survey.services.register import load_register

PASSWORD = "ett-langt-testlosenord"


def ensure_register(django_db_blocker) -> None:  # noqa: ANN001
    """Loads the shipped register again where a transactional test has emptied the database."""
    with django_db_blocker.unblock():
        if not County.objects.exists():
            load_register()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommun.example.se")
    full_name = factory.Faker("name", locale="sv_SE")
    role = User.Role.RESPONDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: ANN001, N805
        if create:
            obj.save()

    @classmethod
    def respondent(cls, *, units: list[str], **kwargs: object) -> User:
        user = cls(role=User.Role.RESPONDENT, **kwargs)
        for unit in ReportingUnit.objects.filter(code__in=units):
            UnitAssignment.objects.create(user=user, unit=unit)
        return user
