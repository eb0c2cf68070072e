"""The compliance view's rows in the URL walk: PSWs and academy admins (staff) and line managers
open it for their own organisation, wherever it is, so the sibling council's PSW and the outsider
get 200 too (their own people; the isolation tests in test_compliance.py show whose). Every other
role is refused (403)."""

from django.urls import reverse

from academy.testing.walk import Persona, Rule, WalkRegistry
from cpd.compliance.selectors import VIEWER_ROLES


def _viewer(persona: Persona) -> int:
    return 200 if persona.role in VIEWER_ROLES else 403


def register(walk: WalkRegistry) -> None:
    walk.add_rules(
        {
            "cpd:compliance": Rule(lambda w, p: reverse("cpd:compliance"), expect=_viewer),
            "cpd:compliance_csv": Rule(lambda w, p: reverse("cpd:compliance_csv"), expect=_viewer),
        }
    )
