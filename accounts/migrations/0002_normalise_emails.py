import django.db.models.functions.text
from django.db import migrations, models

from core.text import normalise_email


def normalise_existing(apps, schema_editor):  # noqa: ANN001, ANN201
    """Stores every address in its normalised form. Two accounts whose addresses become one are
    not merged here (whose answers and units would win?): the migration stops and names them."""
    User = apps.get_model("accounts", "User")
    owners: dict[str, list[str]] = {}
    for email in User.objects.values_list("email", flat=True):
        owners.setdefault(normalise_email(email), []).append(email)
    clashes = [addresses for addresses in owners.values() if len(addresses) > 1]
    if clashes:
        raise RuntimeError(
            "These accounts have the same e-mail address once normalised; merge or change them first: "
            + "; ".join(", ".join(addresses) for addresses in clashes)
        )
    for user in User.objects.only("pk", "email"):
        normalised = normalise_email(user.email)
        if normalised != user.email:
            User.objects.filter(pk=user.pk).update(email=normalised)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(normalise_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='email',
            field=models.EmailField(error_messages={'unique': 'A user with this e-mail address already exists.'}, max_length=254, unique=True, verbose_name='e-mail address'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), name='user_email_unique_ignoring_case', violation_error_message='A user with this e-mail address already exists.'),
        ),
    ]
