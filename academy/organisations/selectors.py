"""Reads for organisation settings. `organisation_settings_for` is what every page and app asks
("how long may evidence wait here?"); the others serve the settings pages."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ..models import Organisation
from ..roles import Role
from ..scope import Scope
from ..selectors import organisation_scope_ids


@dataclass(frozen=True)
class OrganisationSettings:
    """An organisation's settings with every gap filled: its own value, else the value of the
    partnership above it, else the deployment's default. `*_inherited` says which it is."""

    name: str
    brand_colour: str
    brand_colour_inherited: bool
    evidence_waiting_days: int
    evidence_waiting_days_inherited: bool
    case_reference_patterns: tuple[str, ...] = ()
    case_reference_patterns_inherited: bool = True


@dataclass(frozen=True)
class InheritedSettings:
    """What an organisation gets for a setting it leaves empty, and from where."""

    brand_colour: str
    brand_colour_from: str
    evidence_waiting_days: int
    evidence_waiting_days_from: str
    case_reference_patterns: tuple[str, ...] = ()
    case_reference_patterns_from: str = ""


DEFAULT_SOURCE = "the academy's default"


def organisation_inherited_settings(organisation: Organisation) -> InheritedSettings:
    """The partnership's own values where it set them, else the defaults from Django settings
    (ACADEMY_COLOUR, EVIDENCE_WAITING_DAYS). No query when `parent` is loaded."""
    parent = organisation.parent if organisation.parent_id is not None else None
    colour = parent.brand_colour if parent else ""
    days = parent.evidence_waiting_days if parent else None
    patterns = tuple(parent.case_reference_patterns or ()) if parent else ()
    return InheritedSettings(
        brand_colour=colour or settings.ACADEMY_COLOUR,
        brand_colour_from=parent.name if parent and colour else DEFAULT_SOURCE,
        evidence_waiting_days=days or settings.EVIDENCE_WAITING_DAYS,
        evidence_waiting_days_from=parent.name if parent and days else DEFAULT_SOURCE,
        case_reference_patterns=patterns,
        case_reference_patterns_from=parent.name if parent and patterns else "",
    )


def organisation_settings_for(organisation: Organisation) -> OrganisationSettings:
    """What the pages use for this organisation. No query when `parent` is already loaded
    (the organisation middleware loads it for the current organisation)."""
    inherited = organisation_inherited_settings(organisation)
    return OrganisationSettings(
        name=organisation.name,
        brand_colour=organisation.brand_colour or inherited.brand_colour,
        brand_colour_inherited=not organisation.brand_colour,
        evidence_waiting_days=organisation.evidence_waiting_days or inherited.evidence_waiting_days,
        evidence_waiting_days_inherited=organisation.evidence_waiting_days is None,
        case_reference_patterns=tuple(organisation.case_reference_patterns or ())
        or inherited.case_reference_patterns,
        case_reference_patterns_inherited=not organisation.case_reference_patterns,
    )


def _configurable_ids(scope: Scope) -> set[int]:
    if scope.organisation is None or not scope.holds(Role.ACADEMY_ADMIN):
        return set()
    return organisation_scope_ids(organisation=scope.organisation)


def organisations_configurable_by(*, scope: Scope) -> QuerySet[Organisation]:
    """The organisations whose settings an academy admin may change: their current
    organisation and, for a partnership, its members. Nobody else changes any."""
    return (
        Organisation.objects.filter(pk__in=_configurable_ids(scope))
        .select_related("parent")
        .order_by("parent_id", "name")
    )


def organisation_get_for_settings(*, scope: Scope, slug: str, write: bool = False) -> Organisation:
    """404 outside the academy admin's organisations (the view already refused other roles);
    403 is left for a future read-only role, and never happens today."""
    organisation = organisations_configurable_by(scope=scope).filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation among yours.")
    if write and not scope.holds(Role.ACADEMY_ADMIN):
        raise PermissionDenied("Only an academy admin can change an organisation's settings.")
    return organisation
