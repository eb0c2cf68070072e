"""Private files: the one way the portal takes uploads and gives them back.

An app that takes uploads (ASYE evidence, CPD certificates, placement documents):

1. registers an access check for its kind of owner from its `AppConfig.ready()` with
   `academy.files.registry.register_file_owner("asye.evidence", can_read=...)`; the check takes
   the reader's `Scope` and the `StoredFile` and answers True or False;
2. puts a `PrivateFileField` (`academy.files.forms`) on its upload form, so a refused file shows
   its reason on the field;
3. calls `academy.files.services.file_store(...)` from its own service, after its own permission
   check, and keeps the returned `StoredFile`'s id on its record;
4. links to `reverse("academy:files:download", args=[stored_file.pk])`.

The file itself is kept in the "private" storage (outside any public URL), its type is decided by
its content, and the download view answers 404 unless the owner's check says yes.
"""
