from typing import Any

from django.core.management.base import BaseCommand

from academy.schedules import sync_periodic_tasks


class Command(BaseCommand):
    help = "Make django-celery-beat's periodic tasks match the ones declared in code."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sync_periodic_tasks()
        self.stdout.write(
            "Periodic tasks: {created} created, {updated} updated, {disabled} disabled.".format(**counts)
        )
