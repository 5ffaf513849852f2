"""The outbox now belongs to core (core 0002): the table stays, only the model's state leaves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("survey", "0007_audit_event_to_core"),
        ("core", "0002_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="OutgoingEmail")]),
    ]
