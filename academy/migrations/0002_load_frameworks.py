"""Load the professional frameworks (PCF, KSS, SWE standards, PEPS, early career standards) from
`academy/framework_data/` with the same idempotent loader the command and the tests use."""

from typing import ClassVar

from django.db import migrations


def load(apps, schema_editor):
    from academy.frameworks import load_frameworks

    load_frameworks(apps=apps)


class Migration(migrations.Migration):
    dependencies: ClassVar = [
        ("academy", "0001_initial"),
    ]

    operations: ClassVar = [
        # Reversing leaves the rows: they may by then carry admins' corrections and evidence links.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
