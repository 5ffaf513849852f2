import factory

from accounts.models import User
from survey.models import ReportingUnit, UnitAssignment

PASSWORD = "ett-langt-testlosenord"


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
