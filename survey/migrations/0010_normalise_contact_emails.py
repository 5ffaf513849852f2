from django.db import migrations

from core.text import normalise_email


def normalise_existing(apps, schema_editor):  # noqa: ANN001, ANN201
    """Contact addresses in the form accounts are looked up by (core.text.normalise_email). A
    contact whose normalised address another contact of the same unit has already keeps its
    address as it was (the coordinator sees both and removes one)."""
    Contact = apps.get_model("survey", "Contact")
    taken = set(Contact.objects.values_list("unit_id", "email"))
    for contact in Contact.objects.only("pk", "unit_id", "email").order_by("pk"):
        normalised = normalise_email(contact.email)
        if normalised != contact.email and (contact.unit_id, normalised) not in taken:
            Contact.objects.filter(pk=contact.pk).update(email=normalised)
            taken.add((contact.unit_id, normalised))


class Migration(migrations.Migration):

    dependencies = [
        ("survey", "0009_answer_channels_last_year_on_behalf"),
    ]

    operations = [migrations.RunPython(normalise_existing, migrations.RunPython.noop)]
