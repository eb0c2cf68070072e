"""The standard social work career pathway an academy starts from and then edits: the career
route from newly qualified to manager, and the specialist routes (Best Interests Assessor,
Approved Mental Health Professional, practice educator stages 1 and 2). `programmes_named`
links programmes whose titles contain any of the words."""

from typing import Any

from academy.roles import Role

from ..models import PathwayRoute

STANDARD_PATHWAY: dict[str, Any] = {
    "name": "Social work career pathway",
    "description": "Where a social work career usually goes after qualifying, and the programmes "
    "that prepare you for each next step.",
    "steps": [
        {
            "title": "Newly qualified social worker",
            "description": "Your first year in practice: the Assessed and Supported Year in Employment.",
            "route": PathwayRoute.CAREER,
            "roles": [Role.NQSW],
            "programmes_named": ["ASYE", "newly qualified"],
        },
        {
            "title": "Social worker",
            "description": "A registered social worker building skill and judgement in practice.",
            "route": PathwayRoute.CAREER,
            "roles": [Role.SOCIAL_WORKER],
            "follows": ["Newly qualified social worker"],
            "programmes_named": ["supervision", "reflective"],
        },
        {
            "title": "Senior practitioner",
            "description": "Holds complex work and guides colleagues in the team.",
            "route": PathwayRoute.CAREER,
            "follows": ["Social worker"],
            "programmes_named": ["senior"],
        },
        {
            "title": "Advanced practitioner",
            "description": "Leads practice in a specialism and develops it across the service.",
            "route": PathwayRoute.CAREER,
            "follows": ["Social worker"],
            "programmes_named": ["advanced"],
        },
        {
            "title": "Consultant social worker",
            "description": "Leads practice and practice development while keeping cases.",
            "route": PathwayRoute.CAREER,
            "follows": ["Social worker"],
            "programmes_named": ["consultant"],
        },
        {
            "title": "Team manager",
            "description": "Manages a team, supervises practitioners and decides on resources.",
            "route": PathwayRoute.CAREER,
            "roles": [Role.LINE_MANAGER],
            "follows": ["Senior practitioner", "Advanced practitioner", "Consultant social worker"],
            "programmes_named": ["manage", "leadership", "practice supervisor"],
        },
        {
            "title": "Best Interests Assessor",
            "description": "Assesses deprivation of liberty under the Mental Capacity Act.",
            "route": PathwayRoute.SPECIALIST,
            "follows": ["Social worker"],
            "programmes_named": ["Best Interests"],
        },
        {
            "title": "Approved Mental Health Professional",
            "description": "Coordinates assessments under the Mental Health Act.",
            "route": PathwayRoute.SPECIALIST,
            "follows": ["Social worker"],
            "programmes_named": ["AMHP", "Approved Mental Health"],
        },
        {
            "title": "Practice educator, stage 1",
            "description": "Supports and assesses students on their first placement.",
            "route": PathwayRoute.SPECIALIST,
            "roles": [Role.PRACTICE_EDUCATOR],
            "follows": ["Social worker"],
            "programmes_named": ["stage 1"],
        },
        {
            "title": "Practice educator, stage 2",
            "description": "Assesses students on their final placement and mentors stage 1 educators.",
            "route": PathwayRoute.SPECIALIST,
            "follows": ["Practice educator, stage 1"],
            "programmes_named": ["stage 2"],
        },
    ],
}
