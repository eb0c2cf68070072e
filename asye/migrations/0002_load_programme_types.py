"""Load the programme types (adult ASYE, child and family ASYE, the early career programme) from
`asye/programme_data/` with the same idempotent loader the tests use."""

from typing import ClassVar

from django.db import migrations


def load(apps, schema_editor):
    from asye.programme_loader import load_programme_types

    load_programme_types(apps=apps)


class Migration(migrations.Migration):
    dependencies: ClassVar = [
        ("asye", "0001_initial"),
        ("academy", "0002_load_frameworks"),
    ]

    operations: ClassVar = [
        # Reversing leaves the rows: records may already use them.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
