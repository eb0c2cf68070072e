from django.apps import AppConfig


class AsyeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "asye"
    verbose_name = "ASYE"

    def ready(self) -> None:
        from academy.reference_data import register_deployment_wide_verb

        from .services import PROGRAMME_VERSION_PUBLISH

        # A new programme version reaches every organisation: every academy admin's log shows it.
        register_deployment_wide_verb(PROGRAMME_VERSION_PUBLISH)
