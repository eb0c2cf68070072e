"""The storage private files live in: `storages["private"]` (settings.STORAGES)."""

from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that have no address of their own. A link to one of them is always the
    download view, which checks who is asking first. Files and folders are the portal's own
    user's alone unless the settings say otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def url(self, name: Any) -> str:
        raise NotImplementedError(
            "Private files have no public URL: link to the download view (academy:files:download)."
        )


def private_storage() -> Storage:
    return storages["private"]
