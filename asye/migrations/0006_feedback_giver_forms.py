"""The questions a feedback giver without an account answers, as data on every programme
version loaded before they moved out of the code. Only versions that lack a set get it."""

from django.db import migrations

GIVER_FORMS = ("feedback_giver_adult", "feedback_giver_child", "feedback_giver_professional")


def add_giver_forms(apps, schema_editor):
    from asye.programme_loader import add_missing_forms

    add_missing_forms(apps=apps, names=GIVER_FORMS)


class Migration(migrations.Migration):
    dependencies = [
        ("asye", "0005_feedback_requests"),
    ]

    # Reversing leaves the added forms: they are harmless to older code.
    operations = [migrations.RunPython(add_giver_forms, migrations.RunPython.noop)]
