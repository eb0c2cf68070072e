from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from academy.demo import DEMO_PASSWORD, ORGANISATIONS, load_demo
from academy.roles import MFA_ROLES


class Command(BaseCommand):
    help = "Load the demo academy (invented organisations and people) and print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "load_demo refuses to run with these settings: the demo creates accounts whose "
                f"password is published in README.md. (DJANGO_SETTINGS_MODULE is {settings.SETTINGS_MODULE}; "
                "try the demo with `make run`, which uses academy.settings.local.)"
            )
        people = load_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo academy loaded. Sign in at " + settings.SITE_URL + "/accounts/login/")
        )
        self.stdout.write(f"Every demo person's password is: {DEMO_PASSWORD}")
        names = {slug: name for slug, name, *_ in ORGANISATIONS}
        width = max(len(p.email) for p in people)
        for person in people:
            note = (
                " (two-factor set-up on first sign-in)"
                if person.role in MFA_ROLES and settings.MFA_REQUIRED_FOR_STAFF
                else ""
            )
            if person.ended_days_ago:
                note = f" until {person.ended_days_ago} days ago: employment ended, their own CPD only"
            self.stdout.write(
                f"  {person.email.ljust(width)}  {person.role.label}, {names[person.organisation]}{note}"
            )
        if not settings.MFA_REQUIRED_FOR_STAFF:
            self.stdout.write(
                self.style.WARNING("Two-factor authentication is relaxed on this server (demo only).")
            )
