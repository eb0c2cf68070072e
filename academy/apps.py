from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import (
            account_audit,
            checks,  # noqa: F401  (registers system checks)
        )
        from .files import checks as file_checks  # noqa: F401  (registers the private-files checks)
        from .home_panels import register_core_panels
        from .idle_timeout import start_clock
        from .outbox import checks as outbox_checks  # noqa: F401  (registers its system check)
        from .outbox.account_emails import register_account_kind
        from .outbox.emails import register_core_kinds
        from .registry.demo import register_demo_loader
        from .reminders.demo import load_reminders_demo
        from .reminders.emails import register_reminder_kinds

        account_audit.connect()
        register_core_panels()
        register_core_kinds()
        register_account_kind()
        register_reminder_kinds()
        # Last, after every app's demo data: the producers see it all.
        register_demo_loader(load_reminders_demo, order=1000, name="academy.reminders")
        # Session bookkeeping, not business logic: the idle clock starts at sign-in.
        user_logged_in.connect(start_clock, dispatch_uid="academy.idle_timeout.start_clock")
