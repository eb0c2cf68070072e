"""Load the registration years 2023–24 to 2027–28 from `cpd/year_data/` with the same idempotent
loader the tests use."""

from typing import ClassVar

from django.db import migrations


def load(apps, schema_editor):
    from cpd.year_loader import load_registration_years

    load_registration_years(apps=apps)


class Migration(migrations.Migration):
    dependencies: ClassVar = [("cpd", "0001_initial")]

    operations: ClassVar = [
        # Reversing leaves the rows: records are counted against them.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
