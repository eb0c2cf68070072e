"""The roles a person can hold in an organisation, and the rules that hang on them."""

from django.db import models


class Role(models.TextChoices):
    NQSW = "nqsw", "Newly qualified social worker"
    SOCIAL_WORKER = "social_worker", "Social worker"
    LINE_MANAGER = "line_manager", "Line manager"
    ASSESSOR = "assessor", "ASYE assessor"
    PSW = "psw", "Principal social worker"
    ACADEMY_ADMIN = "academy_admin", "Academy admin"
    MODERATOR = "moderator", "Moderator"
    PRACTICE_EDUCATOR = "practice_educator", "Practice educator"
    STUDENT = "student", "Student"
    TUTOR = "tutor", "University tutor"


# Roles whose holders must set up an authenticator app before they can use the portal.
MFA_ROLES = frozenset({Role.ASSESSOR, Role.PSW, Role.ACADEMY_ADMIN, Role.MODERATOR})

# Roles that run the academy: invite people, change roles, deactivate, read the audit log.
STAFF_ROLES = frozenset({Role.PSW, Role.ACADEMY_ADMIN})

# Seniority for "staff grant roles at or below their own". Everyone not listed ranks lowest.
_RANK = {Role.ACADEMY_ADMIN: 3, Role.PSW: 2}


def rank(role: str) -> int:
    return _RANK.get(Role(role), 1)


def grantable_roles(held: set[str]) -> list[Role]:
    """Roles a person holding `held` (in one organisation) may give to someone else."""
    if not held & STAFF_ROLES:
        return []
    top = max(rank(r) for r in held)
    return [role for role in Role if rank(role) <= top]
