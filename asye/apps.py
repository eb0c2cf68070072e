from django.apps import AppConfig


class AsyeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "asye"
