"""System checks for the private-files settings: run by `manage.py check` and at start-up."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .scanning import parse_clamd_url
from .validation import KNOWN_TYPES


def _public_folders() -> list[Path]:
    folders = [settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    return [Path(folder).resolve() for folder in folders if folder]


@register()
def private_files_settings(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    errors = []
    if settings.PRIVATE_STORAGE not in {"filesystem", "s3"}:
        errors.append(Error("PRIVATE_STORAGE must be 'filesystem' or 's3'.", id="academy.files.E001"))
    private = settings.STORAGES.get("private")
    if private is None:
        errors.append(Error('STORAGES has no "private" storage.', id="academy.files.E002"))
    else:
        from django.core.files.storage import FileSystemStorage

        backend = import_string(str(private["BACKEND"]))
        options = private.get("OPTIONS")
        location = options.get("location") if isinstance(options, dict) else None
        if issubclass(backend, FileSystemStorage) and location:
            root = Path(location).resolve()
            for folder in _public_folders():
                if root == folder or folder in root.parents or root in folder.parents:
                    errors.append(
                        Error(
                            f"PRIVATE_MEDIA_ROOT ({root}) overlaps {folder}, which is served publicly.",
                            hint="Keep private files in a folder of their own.",
                            id="academy.files.E003",
                        )
                    )
    unknown = sorted(set(settings.PRIVATE_FILES_ALLOWED_TYPES) - set(KNOWN_TYPES))
    if unknown:
        errors.append(
            Error(
                f"PRIVATE_FILES_ALLOWED_TYPES names types the portal cannot recognise: {unknown}.",
                hint=f"Choose from {sorted(KNOWN_TYPES)}.",
                id="academy.files.E004",
            )
        )
    if settings.PRIVATE_FILES_MAX_MB <= 0:
        errors.append(Error("PRIVATE_FILES_MAX_MB must be more than 0.", id="academy.files.E005"))
    if settings.CLAMD_URL:
        try:
            parse_clamd_url(settings.CLAMD_URL)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="academy.files.E006"))
    return errors
