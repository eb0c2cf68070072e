"""The portfolio's own sections (registered by `register_portfolio_sections` from
`AsyeConfig.ready()`), and who the portfolio names. Each builder reads what it shows in a few
queries, whatever the number of items: the 100-item portfolio of the benchmark costs the same
number of queries as a 3-item one."""

import datetime
from collections import defaultdict
from pathlib import PurePosixPath
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from academy.components import Cell
from academy.files.models import StoredFile
from academy.models import FrameworkElement, User
from academy.presenters import format_date
from asye.agreement.models import Agreement, AgreementSignature, DevelopmentPlan, PlanRow
from asye.agreement.rules import agreement_sections, pdp_periods
from asye.evidence.forms_data import PEER_REFLECTION_ANSWER, PEER_REFLECTION_LABEL, RATING_LABELS, kind_form
from asye.evidence.models import (
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)
from asye.evidence.selectors import FILE_OWNER_KIND, record_elements
from asye.feedback.models import FeedbackRequest
from asye.models import AssessorChange, EvidenceKind
from asye.reviews.models import Rating, Review, ReviewSignature
from asye.reviews.rules import asks_self_assessment, review_form
from asye.reviews.selectors import review_domains
from asye.selectors import record_schedule
from asye.signatures import SignatureCapacity
from asye.supervision.models import SupervisionAttendance
from asye.supervision.selectors import support_summary

from .pseudonyms import Person, person_from_user
from .sections import Portfolio, Section, SectionContent, SignatureLine, register_section

# --- People --------------------------------------------------------------------------------------


class People:
    """Labels by role for everyone the portfolio names, first label given wins; numbered within
    a role when several people share it ("Supervisor 1", "Supervisor 2")."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.labels: dict[str, str] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def add_user(self, user: User | None, role: str, *, numbered: bool = True) -> None:
        if user is None or f"user:{user.pk}" in self.labels:
            return
        label = role
        if numbered:
            self.counts[role] += 1
            label = f"{role} {self.counts[role]}"
        self.labels[f"user:{user.pk}"] = label
        self.portfolio.people.append(person_from_user(f"user:{user.pk}", label, user.full_name, user.email))

    def add_description(self, key: str, description: str, role: str) -> None:
        if key in self.labels or not description.strip():
            return
        self.counts[role] += 1
        label = f"{role} {self.counts[role]}"
        self.labels[key] = label
        self.portfolio.people.append(Person(key=key, label=label, names=(description.strip(),)))


def people_of(portfolio: Portfolio) -> People:
    """The portfolio's people, made on first use with the record's own: the NQSW, the assessor
    and the line manager, and every assessor the record has had."""
    found = portfolio.extra.get("people")
    if found is None:
        found = People(portfolio)
        record = portfolio.record
        nqsw, assessor, manager = record.nqsw.user, record.assessor.user, record.line_manager.user
        found.add_user(nqsw, "the NQSW", numbered=False)
        if assessor.pk == manager.pk:
            found.add_user(assessor, "the assessor and line manager", numbered=False)
        found.add_user(assessor, "the assessor", numbered=False)
        found.add_user(manager, "the line manager", numbered=False)
        changes = AssessorChange.objects.filter(record=record).select_related("from_assessor__user")
        for change in changes:
            if change.from_assessor is not None:
                found.add_user(change.from_assessor.user, "Former assessor")
        portfolio.extra["people"] = found
    return found  # type: ignore[no-any-return]


def _name(user: User | None) -> str:
    return str(user.display_name) if user is not None else "Someone no longer with the academy"


def _signature_lines(document: str, signatures: Any, people: People) -> list[SignatureLine]:
    lines = []
    for signature in signatures:
        people.add_user(signature.user, "Signatory")
        lines.append(
            SignatureLine(
                document=document,
                capacity=SignatureCapacity(signature.capacity).label,
                name=_name(signature.user),
                signed_at=signature.signed_at,
            )
        )
    return lines


def _when(value: Any) -> str:
    return format_date(timezone.localtime(value).date()) if value else ""


def _iso_day(value: Any) -> str:
    try:
        return format_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _file_label(number: str, index: int, original: str, anonymised: bool) -> str:
    """An attachment as the ZIP names it (E3-1 …); the anonymised copy leaves the uploader's
    file name out, as its ZIP does."""
    if anonymised:
        return f"{number}-{index}{PurePosixPath(original).suffix.lower()}"
    return f"{number}-{index}: {original}"


def _answer(field: Any, value: Any) -> str:
    """An agreement answer as words: dates (kept as ISO strings) as "8 September 2026"."""
    return _iso_day(value) if field.is_date and value else str(value or "")


def _pairs(prompts: dict[str, str], answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(prompt, answer) for every prompt, then any other text answer under a readable heading."""
    pairs = [(label, str(answers.get(key) or "")) for key, label in prompts.items()]
    for key, value in answers.items():
        if key in prompts or not isinstance(value, str) or not value.strip():
            continue
        heading = (
            PEER_REFLECTION_LABEL if key == PEER_REFLECTION_ANSWER else key.replace("_", " ").capitalize()
        )
        pairs.append((heading, value))
    return pairs


# For the sections other parts of the app register (asye/final/, asye/moderation/).
signature_lines = _signature_lines
when = _when


# --- Sections --------------------------------------------------------------------------------------


def agreement_section(portfolio: Portfolio) -> SectionContent | None:
    record = portfolio.record
    people = people_of(portfolio)
    agreements = list(
        Agreement.objects.filter(record=record)
        .prefetch_related(
            Prefetch(
                "signatures", queryset=AgreementSignature.objects.select_related("user").order_by("signed_at")
            )
        )
        .order_by("number")
    )
    if not agreements:
        return SectionContent({"latest": None, "parts": [], "versions": 0})
    latest = agreements[-1]
    signatures: list[SignatureLine] = []
    for agreement in agreements:
        signatures += _signature_lines(
            f"Support and assessment agreement, version {agreement.number}",
            agreement.signatures.all(),
            people,
        )
    parts = [
        {
            "title": part.title,
            "pairs": [(field.label, _answer(field, latest.answers.get(field.key))) for field in part.fields],
        }
        for part in agreement_sections(latest.form)
    ]
    return SectionContent(
        {
            "latest": latest,
            "parts": parts,
            "versions": len(agreements),
            "signed": [s for s in signatures if s.document.endswith(f" {latest.number}")],
        },
        signatures,
    )


def plans_section(portfolio: Portfolio) -> SectionContent | None:
    record = portfolio.record
    people = people_of(portfolio)
    labels = {period.key: period.label for period in pdp_periods(record.programme_version.forms)}
    plans = (
        DevelopmentPlan.objects.filter(record=record)
        .prefetch_related(
            Prefetch(
                "rows", queryset=PlanRow.objects.select_related("reviewed_by").order_by("created_at", "id")
            )
        )
        .order_by("created_at")
    )
    shown = []
    for plan in plans:
        rows = []
        for row in plan.rows.all():
            people.add_user(row.reviewed_by, "Reviewer")
            rows.append(
                {
                    "learning_need": row.learning_need,
                    "action": row.action,
                    "support": row.support,
                    "target_date": format_date(row.target_date) if row.target_date else "",
                    "progress": row.progress_evidence,
                    "review_note": row.review_note,
                    "reviewed": f"{_name(row.reviewed_by)}, {_when(row.reviewed_at)}"
                    if row.reviewed_by
                    else "",
                }
            )
        shown.append({"label": labels.get(plan.period, plan.period), "rows": rows})
    return SectionContent({"plans": shown})


def evidence_section(portfolio: Portfolio) -> SectionContent | None:
    """Every accepted item, oldest first, numbered E1, E2…: its answers, the framework elements
    it is mapped to, who accepted it, the comments on it and its attachments. Six queries."""
    record = portfolio.record
    version = record.programme_version
    people = people_of(portfolio)
    items = list(
        EvidenceItem.objects.filter(record=record, status=EvidenceStatus.ACCEPTED)
        .select_related("observer__user")
        .order_by("date", "created_at", "id")
    )
    ids = [item.pk for item in items]
    mappings: dict[Any, list[str]] = defaultdict(list)
    for mapping in (
        EvidenceMapping.objects.filter(item_id__in=ids)
        .select_related("element__version__framework")
        .order_by("element__version__framework__name", "element__position")
    ):
        element = mapping.element
        mappings[mapping.item_id].append(f"{element.version.framework.short_name} {element}")
    comments: dict[Any, list[dict[str, str]]] = defaultdict(list)
    for comment in (
        EvidenceComment.objects.filter(item_id__in=ids).select_related("author").order_by("created_at", "id")
    ):
        people.add_user(comment.author, "Colleague")
        comments[comment.item_id].append(
            {"who": _name(comment.author), "when": _when(comment.created_at), "body": comment.body}
        )
    accepted: dict[Any, str] = {}
    for transition in (
        EvidenceTransition.objects.filter(item_id__in=ids, to_status=EvidenceStatus.ACCEPTED)
        .select_related("actor")
        .order_by("created_at", "id")
    ):
        people.add_user(transition.actor, "Colleague")
        accepted[transition.item_id] = f"{_name(transition.actor)}, {_when(transition.created_at)}"
    files: dict[str, list[StoredFile]] = defaultdict(list)
    for stored in StoredFile.objects.filter(
        owner_kind=FILE_OWNER_KIND, owner_id__in=[str(i) for i in ids]
    ).order_by("created_at"):
        files[stored.owner_id].append(stored)
    for request in FeedbackRequest.objects.filter(evidence_id__in=ids).only(
        "id", "giver_description", "evidence_id"
    ):
        people.add_description(f"feedback:{request.pk}", request.giver_description, "Feedback giver")
    statements = {str(e.pk): e for e in _elements(portfolio)}

    forms: dict[str, Any] = {}
    shown = []
    for position, item in enumerate(items, start=1):
        number = f"E{position}"
        portfolio.numbers[item.pk] = number
        form = forms.get(item.kind) or forms.setdefault(item.kind, kind_form(version, item.kind))
        answers = item.answers or {}
        if item.observer is not None:
            people.add_user(item.observer.user, "Observer")
        rated = []
        if item.kind == EvidenceKind.SELF_ASSESSMENT:
            for element_id, answer in (answers.get("statements") or {}).items():
                statement = statements.get(str(element_id))
                if statement is None or not isinstance(answer, dict):
                    continue
                rated.append(
                    (
                        str(statement),
                        RATING_LABELS.get(answer.get("rating", ""), ""),
                        str(answer.get("note") or ""),
                    )
                )
        attached = files.get(str(item.pk), [])
        portfolio.items.append((number, item, attached))
        shown.append(
            {
                "number": number,
                "anchor": f"item-{position}",
                "title": item.title,
                "kind": EvidenceKind(item.kind).label,
                "date": format_date(item.date),
                "observer": _name(item.observer.user) if item.observer is not None else "",
                "pairs": _pairs(
                    {**form.nqsw_prompts, **form.observer_prompts},
                    {k: v for k, v in answers.items() if k != "statements"},
                ),
                "statements": rated,
                "mappings": mappings.get(item.pk, []),
                "accepted": accepted.get(item.pk, ""),
                "comments": comments.get(item.pk, []),
                "files": [
                    _file_label(number, n, f.original_name, portfolio.anonymised)
                    for n, f in enumerate(attached, 1)
                ],
            }
        )
    return SectionContent({"items": shown})


def _elements(portfolio: Portfolio) -> list[FrameworkElement]:
    found = portfolio.extra.get("elements")
    if found is None:
        found = list(record_elements(record=portfolio.record))
        portfolio.extra["elements"] = found
    return found  # type: ignore[no-any-return]


MAP_HEAD = ["Framework", "Standard", "Accepted evidence"]


def framework_map_section(portfolio: Portfolio) -> SectionContent | None:
    """Each element of the record's frameworks against the accepted items mapped to it."""
    numbers = portfolio.numbers
    by_element: dict[int, list[str]] = defaultdict(list)
    rows = (
        EvidenceMapping.objects.filter(item_id__in=list(numbers))
        .values_list("element_id", "item_id")
        .order_by()
    )
    for element_id, item_id in rows:
        by_element[element_id].append(numbers[item_id])
    order = {number: position for position, number in enumerate(numbers.values())}
    table = []
    uncovered = 0
    for element in _elements(portfolio):
        found = sorted(by_element.get(element.pk, []), key=order.__getitem__)
        uncovered += not found
        name = f"{element.code} {element.title}".strip()
        table.append(
            [
                element.version.framework.short_name,
                Cell(
                    name,
                    hint=""
                    if element.parent_id is None
                    else "Part of " + (element.parent.code if element.parent else ""),
                ),
                ", ".join(found) if found else Cell("None yet", small=True),
            ]
        )
    return SectionContent({"head": MAP_HEAD, "rows": table, "uncovered": uncovered})


SESSIONS_HEAD = ["Date", "Kind", "Length", "Supervisor", "Confirmed by the NQSW"]


def supervision_section(portfolio: Portfolio) -> SectionContent | None:
    """The support given over the year so far (supervision against the cadence, workload,
    protected time) and the date of every session. Never the notes of a session."""
    record = portfolio.record
    people = people_of(portfolio)
    schedule = record_schedule(record, today=portfolio.today)
    ends_on = min(portfolio.today, schedule.planned_end)
    summary = support_summary(
        record=record,
        starts_on=record.start_date,
        ends_on=max(ends_on, record.start_date),
        today=portfolio.today,
    )
    sessions = []
    attendances = (
        SupervisionAttendance.objects.filter(record=record)
        .select_related("supervision__supervisor__user")
        .order_by("supervision__held_on", "supervision__start_time", "id")
    )
    for attendance in attendances:
        supervision = attendance.supervision
        people.add_user(supervision.supervisor.user, "Supervisor")
        sessions.append(
            [
                format_date(supervision.held_on),
                supervision.get_kind_display(),
                f"{supervision.duration_minutes} minutes",
                _name(supervision.supervisor.user),
                _when(attendance.confirmed_at) if attendance.confirmed_at else "Not yet",
            ]
        )
    return SectionContent(
        {
            "summary": [summary.supervision_text(), summary.workload_text(), summary.protected_time_text()],
            "head": SESSIONS_HEAD,
            "sessions": sessions,
        }
    )


JUDGEMENTS_HEAD = ["Domain", "Judgement", "Reasons"]
ACTIONS_HEAD = ["Action", "To be done by"]


def reviews_section(portfolio: Portfolio) -> SectionContent | None:
    """Every review written so far, in the order they fall due, with the assessor's judgement of
    each domain, the action plan and the signatures."""
    record = portfolio.record
    people = people_of(portfolio)
    dues = {due.key: due for due in record_schedule(record, today=portfolio.today).reviews}
    reviews = list(
        Review.objects.filter(record=record).prefetch_related(
            Prefetch(
                "signatures", queryset=ReviewSignature.objects.select_related("user").order_by("signed_at")
            )
        )
    )
    reviews.sort(key=lambda r: (dues[r.key].due_on if r.key in dues else portfolio.today, r.created_at))
    domains = review_domains(record=record)
    shown = []
    signatures: list[SignatureLine] = []
    for review in reviews:
        due = dues.get(review.key)
        form = review_form(record.programme_version.forms, review.key)
        label = due.label if due else review.key.replace("_", " ").capitalize()
        signed = _signature_lines(label, review.signatures.all(), people)
        signatures += signed
        nqsw = [(form.prompt("nqsw_reflection"), review.reflection)]
        if asks_self_assessment(form, record.service_area) or review.self_assessment:
            nqsw.append((form.prompt("self_assessment"), review.self_assessment))
        judgements = []
        for domain in domains:
            judged = (review.judgements or {}).get(str(domain.pk)) or {}
            rating = judged.get("rating")
            judgements.append(
                [
                    f"{domain.code} {domain.title}".strip(),
                    Rating(rating).label if rating in Rating.values else "Not judged",
                    judged.get("reason") or "",
                ]
            )
        shown.append(
            {
                "label": label,
                "due": format_date(due.due_on) if due else "",
                "completed": _when(review.completed_at),
                "nqsw": nqsw,
                "manager": [
                    (form.prompt(name), getattr(review, name))
                    for name in ("supervision", "workload", "protected_time")
                ],
                "judgements": judgements,
                "progress_summary": (form.prompt("progress_summary"), review.progress_summary),
                "actions": [[a.get("action", ""), _iso_day(a.get("by"))] for a in review.action_plan or []],
                "signed": signed,
            }
        )
    return SectionContent(
        {"reviews": shown, "judgements_head": JUDGEMENTS_HEAD, "actions_head": ACTIONS_HEAD}, signatures
    )


SIGNATURES_HEAD = ["Document", "Signed as", "Name", "Date"]


def signatures_section(portfolio: Portfolio) -> SectionContent | None:
    """Every signature the sections before gathered, oldest first."""
    lines = sorted(portfolio.signatures, key=lambda s: s.signed_at)
    return SectionContent(
        {
            "head": SIGNATURES_HEAD,
            "rows": [[s.document, s.capacity, s.name, _when(s.signed_at)] for s in lines],
        }
    )


def register_portfolio_sections() -> None:
    """The portfolio's own sections. Orders leave room between them for other parts of the app:
    the final assessment at 70 and the moderation outcome at 80."""
    for section in (
        Section(
            "agreement",
            "Support and assessment agreement",
            10,
            "asye/export/pdf/agreement.html",
            agreement_section,
        ),
        Section("plans", "Professional development plans", 20, "asye/export/pdf/plans.html", plans_section),
        Section("evidence", "Accepted evidence", 30, "asye/export/pdf/evidence.html", evidence_section),
        Section(
            "framework_map", "Framework map", 40, "asye/export/pdf/framework_map.html", framework_map_section
        ),
        Section(
            "supervision",
            "Supervision and support",
            50,
            "asye/export/pdf/supervision.html",
            supervision_section,
        ),
        Section("reviews", "Reviews", 60, "asye/export/pdf/reviews.html", reviews_section),
        Section("signatures", "Signatures", 90, "asye/export/pdf/signatures.html", signatures_section),
    ):
        register_section(section)
