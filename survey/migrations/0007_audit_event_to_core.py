"""The audit trail now belongs to core (core 0001): the table stays, only the model's state leaves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("survey", "0006_audit_code_index"),
        ("core", "0001_audit_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")]),
    ]
