# The records' photos are evidence without a sheet; every evidence row names its branch.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("scoring", "0008_evidence_branch")]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="branch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="branches.branch",
                verbose_name="党支部",
            ),
        ),
    ]
