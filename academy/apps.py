from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers system checks)
        from .idle_timeout import start_clock

        # Session bookkeeping, not business logic: the idle clock starts at sign-in.
        user_logged_in.connect(start_clock, dispatch_uid="academy.idle_timeout.start_clock")
