"""Who is asking, for which organisation, in which roles: the one value every access selector
takes. The organisation middleware builds it once per request (`request.scope`)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Organisation, User


@dataclass(frozen=True)
class Scope:
    user: User
    organisation: Organisation | None
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user: User, organisation: Organisation | None, roles: Iterable[str] = ()) -> "Scope":
        return cls(user=user, organisation=organisation, roles=frozenset(roles))

    def holds(self, *roles: str) -> bool:
        """True when the person holds any of `roles` in the current organisation."""
        return bool(self.roles & set(roles))
