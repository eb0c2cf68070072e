from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from . import (
            account_audit,
            checks,  # noqa: F401  (registers system checks)
        )
        from .files import checks as file_checks  # noqa: F401  (registers the private-files checks)
        from .home_panels import register_core_panels
        from .outbox import checks as outbox_checks  # noqa: F401  (registers its system check)
        from .outbox.emails import register_core_kinds

        account_audit.connect()
        register_core_panels()
        register_core_kinds()
