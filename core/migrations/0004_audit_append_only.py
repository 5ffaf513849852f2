"""The audit trail becomes append-only in the database as well (PostgreSQL): a trigger refuses
every UPDATE and DELETE of survey_auditevent, whoever runs it (the admin, a shell, psql), except
the database's own ON DELETE SET NULL of `actor` or `unit` when that user or unit is deleted.
SQLite (the embedded development default) relies on the model's guard alone: Django empties its
tables between tests with DELETE, which a trigger there would refuse. PostgreSQL empties them with
TRUNCATE, which row triggers do not see: the production role must not own the table nor hold
TRUNCATE on it (README, *Audit log*)."""

import django.utils.timezone
from django.db import migrations, models

CREATE = """
CREATE FUNCTION survey_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.code = OLD.code AND NEW.data = OLD.data
       AND NEW.created_at = OLD.created_at
       AND (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id OR NEW.actor_id IS NULL)
       AND (NEW.unit_id IS NOT DISTINCT FROM OLD.unit_id OR NEW.unit_id IS NULL) THEN
        RETURN NEW;  -- only a deleted user or unit set to NULL
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (% of event %)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER survey_auditevent_append_only
    BEFORE UPDATE OR DELETE ON survey_auditevent
    FOR EACH ROW EXECUTE FUNCTION survey_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS survey_auditevent_append_only ON survey_auditevent;
DROP FUNCTION IF EXISTS survey_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outgoing_email_extended"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
