"""Supervision, workload and protected time rows in the URL walk (called from asye/tests/walk.py).
The walk's record (asye/tests/walk.py) gets a one-to-one supervision nobody has confirmed and a
protected time entry."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World

from .supervision_support import protected_time, supervision_on

READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
# The line manager and the assessor record supervision; the NQSW and staff read (403).
RECORDERS = {"nqsw": 403, "assessor": 200, "manager": 200, "psw": 403, "academy_admin": 403}
# The NQSW confirms their own supervision and records their protected time.
NQSW_ONLY = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
NQSW_POSTS = {**NQSW_ONLY, "nqsw": 302}
# The line manager records the workload.
MANAGER_ONLY = {"nqsw": 403, "assessor": 403, "manager": 200, "psw": 403, "academy_admin": 403}


def _record_url(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk])


def _session_url(name: str) -> Any:
    def url(world: World, persona: str) -> str:
        return reverse(name, args=[world["record"].pk, world["supervision"].pk])

    return url


def _remove_url(world: World, persona: str) -> str:
    return reverse("asye:protected_time_remove", args=[world["record"].pk, world["protected_time"].pk])


def register(walk: WalkRegistry) -> None:
    walk.add_object("supervision", lambda world: supervision_on(world["record"]))
    walk.add_object("protected_time", lambda world: protected_time(world["record"]))
    walk.add_rules(
        {
            # Everyone signed in may open it; it lists the records assigned to them (none for most).
            "asye:supervision_overview": Rule(lambda w, p: reverse("asye:supervision_overview")),
            "asye:supervisions": Rule(_record_url("asye:supervisions"), expect=READERS, default=404),
            "asye:supervision_new": Rule(_record_url("asye:supervision_new"), expect=RECORDERS, default=404),
            "asye:supervision": Rule(_session_url("asye:supervision"), expect=READERS, default=404),
            "asye:supervision_edit": Rule(
                _session_url("asye:supervision_edit"), expect=RECORDERS, default=404
            ),
            "asye:supervision_confirm": Rule(
                _session_url("asye:supervision_confirm"), expect=NQSW_ONLY, default=404
            ),
            "asye:workload": Rule(_record_url("asye:workload"), expect=READERS, default=404),
            "asye:caseload_record": Rule(
                _record_url("asye:caseload_record"), expect=MANAGER_ONLY, default=404
            ),
            "asye:protected_time_add": Rule(
                _record_url("asye:protected_time_add"), expect=NQSW_ONLY, default=404
            ),
            "asye:protected_time_remove": Rule(_remove_url, method="POST", expect=NQSW_POSTS, default=404),
        }
    )
