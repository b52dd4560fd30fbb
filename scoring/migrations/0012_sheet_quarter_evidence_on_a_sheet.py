import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A sheet knows its quarter (an inspection round's sheet covers one; inspections fills it for
    existing rounds); evidence always belongs to a sheet now that record photos have their own model."""

    dependencies = [
        ("scoring", "0011_entry_history"),
        # record photos (sheet-less evidence) have moved out before the column becomes required
        ("records", "0002_record_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoresheet",
            name="quarter",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)],
                verbose_name="季度",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="sheet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="evidence", to="scoring.scoresheet"
            ),
        ),
    ]
