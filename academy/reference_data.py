"""Reference data shared by every organisation on the deployment (framework versions, and
programme types to come): who may publish it, and which audit entries about it every academy
admin reads. docs/adr/0006-reference-data-publishers.md records the decision.

Publishing is a deployment-wide permission, not an organisation role: operators grant the
Django permission `academy.publish_reference_data` to a person (or a group) in the Django admin;
superusers hold it already. An academy admin of one organisation cannot change what every
other organisation sees."""

from django.core.exceptions import PermissionDenied

from .models import User

PUBLISH_PERMISSION = "academy.publish_reference_data"

# Audit verbs of changes that reach every organisation. Such entries are stored with no
# organisation and every academy admin's audit log shows them. Apps that add reference data
# register their verbs here from their AppConfig.ready().
_deployment_wide_verbs: set[str] = set()


def register_deployment_wide_verb(verb: str) -> None:
    _deployment_wide_verbs.add(verb)


def deployment_wide_verbs() -> frozenset[str]:
    return frozenset(_deployment_wide_verbs)


def can_publish_reference_data(user: User) -> bool:
    return bool(user.is_active and user.has_perm(PUBLISH_PERMISSION))


def require_reference_data_publisher(user: User) -> None:
    if not can_publish_reference_data(user):
        raise PermissionDenied(
            "Framework versions are shared by every organisation on this service, so only a "
            "reference data publisher can add one. Ask the service's operators."
        )


register_deployment_wide_verb("framework_version.import")
# Operators' edits in the Django admin (academy/admin_audit.py names verbs admin.<model>.<action>).
for _model in ("framework", "frameworkversion", "frameworkelement"):
    for _action in ("add", "change", "delete"):
        register_deployment_wide_verb(f"admin.{_model}.{_action}")
