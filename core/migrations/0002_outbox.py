"""The outbox moves from the survey app to core: its table (survey_outgoingemail) stays as it is,
only Django's record of which app owns the model changes (state only; survey 0008 lets go of it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_audit_event'),
        ('survey', '0007_audit_event_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200, unique=True)),
                ('kind', models.CharField(choices=[('invitation', 'Invitation'), ('reminder', 'Reminder'), ('reopened', 'Part reopened'), ('receipt', 'Receipt')], max_length=20)),
                ('to', models.EmailField(max_length=254)),
                ('subject', models.CharField(max_length=300)),
                ('body', models.TextField()),
                ('created_at', models.DateTimeField(db_index=True)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('last_error', models.TextField(blank=True)),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='emails', to='survey.contact')),
                ('round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='survey.surveyround')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='survey.reportingunit')),
            ],
            options={
                'db_table': 'survey_outgoingemail',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['sent_at', 'created_at'], name='survey_outg_sent_at_68ab60_idx')],
            },
        )]),
    ]
