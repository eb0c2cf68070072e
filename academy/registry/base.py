"""The one shape every plug-in registry has: entries by name, in the order they were added."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries. `what` names the kind of entry in error messages ("home-page panel").

    Registering the same entry under the same name again does nothing, so an `AppConfig.ready()`
    that runs twice is harmless; a different entry under a name already taken raises
    `ImproperlyConfigured`, because two apps claiming one name is a mistake to fix, not to hide."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        existing = self._entries.get(name)
        if existing is not None and existing != entry:
            raise ImproperlyConfigured(f"A {self.what} named {name!r} is already registered.")
        self._entries[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def get(self, name: str) -> T | None:
        return self._entries.get(name)

    def entries(self) -> list[T]:
        """Every entry, in the order registered."""
        return list(self._entries.values())

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def registered(self, name: str, entry: T) -> Iterator[T]:
        """Add `entry` for the length of the block (tests register a provider this way). An
        entry that was already there stays after the block."""
        was_there = name in self._entries
        self.register(name, entry)
        try:
            yield entry
        finally:
            if not was_there:
                self.unregister(name)
