from django.db import migrations


def _quarters(apps, schema_editor):
    """Existing inspection sheets take their round's quarter (the facts they read cover it)."""
    InspectedBranch = apps.get_model("inspections", "InspectedBranch")
    ScoreSheet = apps.get_model("scoring", "ScoreSheet")
    for inspected in InspectedBranch.objects.select_related("inspection_round"):
        ScoreSheet.objects.filter(pk=inspected.sheet_id).update(quarter=inspected.inspection_round.quarter)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_finding_photos"),
        ("scoring", "0012_sheet_quarter_evidence_on_a_sheet"),
    ]

    operations = [migrations.RunPython(_quarters, migrations.RunPython.noop)]
