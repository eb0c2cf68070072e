from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = "Academy"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .home_panels import register_core_panels

        register_core_panels()
