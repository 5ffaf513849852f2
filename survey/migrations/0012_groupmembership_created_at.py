import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """When a membership was added: existing ones get the time of the migration, so results files
    made before it count as older than the register's groups once, and are built again."""

    dependencies = [
        ("survey", "0011_xlsform_date_calculate_guidance_choice_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="groupmembership",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
