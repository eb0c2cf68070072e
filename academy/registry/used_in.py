"""Where a record is used. A CPD record belongs to `cpd`, yet the apps that come later cite it
(ASYE evidence, a programme session's attendance). `cpd` may import none of them, so its record
page asks this registry instead: each citing app registers a provider, and `used_in()` gathers
what they return.

A provider is called with the record's kind and primary key and the scope of the person
asking, and returns the places that person may see, each a label and a link:

    def cited_as_evidence(*, record_id: RecordId, scope: Scope) -> list[UsedIn]:
        return [UsedIn(label=f"ASYE evidence: {e.title}", url=e.url)
                for e in selectors.evidence_citing(record_id=record_id, scope=scope)]

    register_used_in(kind=CPD_RECORD, name="asye.evidence", provider=cited_as_evidence)

The provider scopes its own answer (through the app's access selectors): the core does not
know who may see an ASYE portfolio, so it cannot filter what comes back."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from ..scope import Scope
from .base import Registry

CPD_RECORD = "cpd.record"

RecordId = UUID | int | str


@dataclass(frozen=True)
class UsedIn:
    label: str
    url: str


class UsedInProvider(Protocol):
    def __call__(self, *, record_id: RecordId, scope: Scope) -> Iterable[UsedIn]: ...


@dataclass(frozen=True)
class UsedInRegistration:
    kind: str
    provider: UsedInProvider


used_in_providers = Registry[UsedInRegistration]("used-in provider")


def register_used_in(*, kind: str, name: str, provider: UsedInProvider) -> None:
    """Register `provider` for records of `kind` (e.g. `CPD_RECORD`). `name` is unique across
    apps: prefix it with the app ("asye.evidence")."""
    used_in_providers.register(name, UsedInRegistration(kind, provider))


def used_in(*, kind: str, record_id: RecordId, scope: Scope) -> list[UsedIn]:
    """Every place the providers for `kind` report, in the order they were registered. An
    error in a provider propagates: a page that silently left out a use would mislead."""
    found: list[UsedIn] = []
    for registration in used_in_providers.entries():
        if registration.kind == kind:
            found.extend(registration.provider(record_id=record_id, scope=scope))
    return found


def cpd_record_used_in(*, record_id: RecordId, scope: Scope) -> list[UsedIn]:
    """What the CPD record page lists under "Used in"."""
    return used_in(kind=CPD_RECORD, record_id=record_id, scope=scope)
