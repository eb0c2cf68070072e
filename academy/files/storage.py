"""The storage private files live in: `storages["private"]` (settings.STORAGES)."""

from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that have no address of their own. A link to one of them is always the
    download view, which checks who is asking first."""

    def url(self, name: Any) -> str:
        raise NotImplementedError(
            "Private files have no public URL: link to the download view (academy:files:download)."
        )


def private_storage() -> Storage:
    return storages["private"]
