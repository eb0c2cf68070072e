from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .outbox import checks as outbox_checks  # noqa: F401  (registers its system check)
        from .outbox.emails import register_core_kinds

        register_core_kinds()
