"""Evidence services and the item access selector, against the database: every transition,
who may make it, a stale version, a double submit, accepted items read-only, counts from
accepted items only, and the anonymisation guard's confirmations."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from academy.models import AuditEntry, FrameworkElement
from academy.roles import Role
from academy.scope import Scope
from asye.evidence import selectors, services
from asye.evidence.services import STALE_MESSAGE, FlagsNotConfirmed
from asye.models import (
    AnonymisationCheck,
    AsyeRecord,
    EvidenceComment,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    EvidenceTransition,
)
from asye.tests.factories import (
    CLEAN_REFLECTION,
    AsyeRecordFactory,
    EvidenceItemFactory,
    member,
    membership_of,
)
from conftest import Orgs

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def record(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> AsyeRecord:
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )


def create(record: AsyeRecord, **overrides: Any) -> EvidenceItem:
    values: dict[str, Any] = {
        "actor": record.nqsw.user,
        "record": record,
        "kind": EvidenceKind.CRITICAL_REFLECTION,
        "title": "Reviewing a support plan",
        "date": D(2026, 10, 5),
        "answers": dict(CLEAN_REFLECTION),
    }
    values.update(overrides)
    return services.evidence_create(**values)


def submitted(record: AsyeRecord) -> EvidenceItem:
    item = create(record)
    return services.evidence_submit(actor=record.nqsw.user, item=item, version=item.version)


def statuses(item: EvidenceItem) -> list[tuple[str, str]]:
    return list(EvidenceTransition.objects.filter(item=item).values_list("from_status", "to_status"))


def test_create_keeps_only_the_prompts_of_its_kind(record: AsyeRecord) -> None:
    item = create(record, answers={**CLEAN_REFLECTION, "not_a_prompt": "x", "observer_judgement": "y"})
    assert item.status == EvidenceStatus.DRAFT
    assert set(item.answers) == {"context", "reflection", "theory", "learning"}
    assert statuses(item) == [("", "draft")]
    assert AuditEntry.objects.filter(verb="evidence.create", object_id=str(item.pk)).exists()


def test_only_the_nqsw_creates(record: AsyeRecord) -> None:
    with pytest.raises(PermissionDenied):
        create(record, actor=record.assessor.user)


def test_a_double_submit_makes_one_item(record: AsyeRecord) -> None:
    first = create(record, idempotency_key="asye:evidence:new:critical_reflection:abc")
    second = create(record, idempotency_key="asye:evidence:new:critical_reflection:abc", title="Again")
    assert first.pk == second.pk
    assert EvidenceItem.objects.filter(record=record).count() == 1


def test_mapping_only_to_the_records_frameworks(record: AsyeRecord) -> None:
    mine = FrameworkElement.objects.filter(version__asye_programme_versions=record.programme_version)[0]
    elsewhere = FrameworkElement.objects.exclude(
        version__asye_programme_versions=record.programme_version
    ).first()
    item = create(record, elements=[mine])
    assert list(item.mappings.values_list("element_id", flat=True)) == [mine.pk]
    with pytest.raises(ValidationError) as refused:
        create(record, elements=[elsewhere])
    assert "elements" in refused.value.message_dict


def test_update_refuses_a_stale_version(record: AsyeRecord) -> None:
    item = create(record)
    page_version = item.version
    services.evidence_update(
        actor=record.nqsw.user,
        item=item,
        version=page_version,
        title="First tab",
        date=item.date,
        answers=item.answers,
    )
    other_tab = EvidenceItem.objects.get(pk=item.pk)
    with pytest.raises(ValidationError) as refused:
        services.evidence_update(
            actor=record.nqsw.user,
            item=other_tab,
            version=page_version,
            title="Second tab",
            date=item.date,
            answers=item.answers,
        )
    assert refused.value.messages == [STALE_MESSAGE]
    assert EvidenceItem.objects.get(pk=item.pk).title == "First tab"


def test_the_full_loop(record: AsyeRecord) -> None:
    nqsw, assessor = record.nqsw.user, record.assessor.user
    item = submitted(record)
    assert item.status == EvidenceStatus.SUBMITTED
    assert item.submitted_at is not None
    with pytest.raises(ValidationError):
        services.evidence_update(
            actor=nqsw, item=item, version=item.version, title="x", date=item.date, answers=item.answers
        )
    services.evidence_return(actor=assessor, item=item, reason="Say more about the theory.")
    assert item.status == EvidenceStatus.RETURNED
    assert EvidenceComment.objects.get(item=item).body == "Say more about the theory."
    services.evidence_update(
        actor=nqsw,
        item=item,
        version=item.version,
        title=item.title,
        date=item.date,
        answers={**item.answers, "theory": "The Care Act 2014 and the wellbeing principle."},
    )
    services.evidence_submit(actor=nqsw, item=item, version=item.version)
    assert item.status == EvidenceStatus.RESUBMITTED
    services.evidence_accept(actor=assessor, item=item)
    assert item.status == EvidenceStatus.ACCEPTED
    assert statuses(item) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "resubmitted"),
        ("resubmitted", "accepted"),
    ]
    verbs = set(AuditEntry.objects.filter(object_id=str(item.pk)).values_list("verb", flat=True))
    assert {"evidence.submitted", "evidence.returned", "evidence.resubmitted", "evidence.accepted"} <= verbs


def test_accepted_items_are_read_only_to_the_nqsw(record: AsyeRecord) -> None:
    item = submitted(record)
    services.evidence_accept(actor=record.assessor.user, item=item)
    with pytest.raises(ValidationError) as refused:
        services.evidence_update(
            actor=record.nqsw.user, item=item, version=item.version, title="x", date=item.date, answers={}
        )
    assert "accepted" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.evidence_submit(actor=record.nqsw.user, item=item, version=item.version)
    with pytest.raises(ValidationError):
        services.evidence_attach(
            actor=record.nqsw.user, item=item, upload=SimpleUploadedFile("notes.txt", b"Plain notes.")
        )


def test_return_needs_a_reason_and_the_assessor(record: AsyeRecord) -> None:
    item = submitted(record)
    with pytest.raises(ValidationError) as refused:
        services.evidence_return(actor=record.assessor.user, item=item, reason="  ")
    assert "reason" in refused.value.message_dict
    for someone in (
        record.nqsw.user,
        record.line_manager.user,
        member(record.organisation, Role.ASSESSOR).user,
    ):
        with pytest.raises(PermissionDenied):
            services.evidence_return(actor=someone, item=item, reason="No")
        with pytest.raises(PermissionDenied):
            services.evidence_accept(actor=someone, item=item)


def test_a_draft_cannot_be_reviewed(record: AsyeRecord) -> None:
    item = create(record)
    with pytest.raises(ValidationError):
        services.evidence_accept(actor=record.assessor.user, item=item)
    with pytest.raises(ValidationError):
        services.evidence_return(actor=record.assessor.user, item=item, reason="Not yet")


def test_a_second_submit_of_the_same_page_is_refused(record: AsyeRecord) -> None:
    item = create(record)
    version = item.version
    services.evidence_submit(actor=record.nqsw.user, item=item, version=version)
    with pytest.raises(ValidationError):
        services.evidence_submit(
            actor=record.nqsw.user, item=EvidenceItem.objects.get(pk=item.pk), version=version
        )
    assert EvidenceTransition.objects.filter(item=item, to_status="submitted").count() == 1


def test_counts_use_accepted_items_only(record: AsyeRecord) -> None:
    kind = EvidenceKind.DIRECT_OBSERVATION
    for status in (
        EvidenceStatus.DRAFT,
        EvidenceStatus.SUBMITTED,
        EvidenceStatus.RETURNED,
        EvidenceStatus.ACCEPTED,
    ):
        EvidenceItemFactory(record=record, kind=kind, status=status)
    EvidenceItemFactory(record=record, kind=kind, status=EvidenceStatus.RESUBMITTED)
    counts = {c.kind: c for c in selectors.evidence_counts(record=record)}
    observation = counts[kind]
    assert (observation.accepted, observation.waiting, observation.returned, observation.drafts) == (
        1,
        2,
        1,
        1,
    )
    assert observation.minimum == record.programme_version.evidence_minimums[kind]


def test_unconfirmed_flags_block_submit(record: AsyeRecord) -> None:
    nqsw = record.nqsw.user
    item = create(record, answers={**CLEAN_REFLECTION, "context": "I visited Margaret Hughes at home."})
    with pytest.raises(FlagsNotConfirmed) as refused:
        services.evidence_submit(actor=nqsw, item=item, version=item.version)
    assert [f.flag.text for f in refused.value.flags] == ["Margaret Hughes"]
    check = AnonymisationCheck.objects.get(item=item)
    assert (check.source, check.kind, check.decision) == ("answer:context", "person_name", "")
    assert "Margaret" not in str(AnonymisationCheck.objects.values())  # only a hash is kept
    assert EvidenceItem.objects.get(pk=item.pk).status == EvidenceStatus.DRAFT

    services.evidence_flag_confirm(
        actor=nqsw, item=item, source=check.source, kind=check.kind, text_sha256=check.text_sha256
    )
    services.evidence_submit(actor=nqsw, item=item, version=item.version)
    check.refresh_from_db()
    assert (check.decision, check.decided_by) == ("not_identifying", nqsw)
    assert item.status == EvidenceStatus.SUBMITTED


def test_an_edited_flag_is_recorded_as_edited(record: AsyeRecord) -> None:
    nqsw = record.nqsw.user
    item = create(record, title="Visit to Mrs Okafor")
    with pytest.raises(FlagsNotConfirmed):
        services.evidence_submit(actor=nqsw, item=item, version=item.version)
    services.evidence_update(
        actor=nqsw,
        item=item,
        version=item.version,
        title="A home visit",
        date=item.date,
        answers=item.answers,
    )
    services.evidence_submit(actor=nqsw, item=item, version=item.version)
    check = AnonymisationCheck.objects.get(item=item)
    assert (check.source, check.decision, check.decided_by) == ("title", "edited", nqsw)


def test_the_guard_reads_attachment_names_and_text(record: AsyeRecord) -> None:
    nqsw = record.nqsw.user
    item = create(record)
    services.evidence_attach(
        actor=nqsw, item=item, upload=SimpleUploadedFile("notes.txt", b"Her NHS number is 943 476 5919.")
    )
    with pytest.raises(FlagsNotConfirmed) as refused:
        services.evidence_submit(actor=nqsw, item=item, version=item.version)
    assert [(f.passage.source.split(":")[0], f.flag.kind) for f in refused.value.flags] == [
        ("file-text", "nhs_number")
    ]


def test_observer_part_of_a_direct_observation(record: AsyeRecord, orgs: Orgs) -> None:
    nqsw = record.nqsw.user
    named = member(orgs.home, Role.SOCIAL_WORKER)
    item = create(
        record,
        kind=EvidenceKind.DIRECT_OBSERVATION,
        answers={"planning": "I planned the visit.", "observer_judgement": "The NQSW cannot write this."},
        observer=named,
    )
    assert "observer_judgement" not in item.answers
    with pytest.raises(PermissionDenied):
        services.evidence_observer_record(
            actor=record.assessor.user, item=item, version=item.version, answers={}
        )
    services.evidence_observer_record(
        actor=named.user,
        item=item,
        version=item.version,
        answers={"observer_judgement": "Good, safe practice."},
    )
    assert item.answers["observer_judgement"] == "Good, safe practice."
    # The NQSW's later edit keeps the observer's words.
    services.evidence_update(
        actor=nqsw,
        item=item,
        version=item.version,
        title=item.title,
        date=item.date,
        answers={"planning": "More."},
        observer=named,
    )
    assert item.answers["observer_judgement"] == "Good, safe practice."
    # The named observer reads the item, nothing else of the record.
    scope = Scope.of(named.user, orgs.home, [Role.SOCIAL_WORKER])
    found = selectors.evidence_get_for_user(scope=scope, pk=item.pk)
    assert selectors.OBSERVER in selectors.evidence_relations(scope=scope, item=found)
    other = create(record)
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(scope=scope, pk=other.pk)


def test_an_observer_from_elsewhere_is_refused(record: AsyeRecord, orgs: Orgs) -> None:
    with pytest.raises(ValidationError) as refused:
        create(record, kind=EvidenceKind.DIRECT_OBSERVATION, observer=member(orgs.sibling, Role.ASSESSOR))
    assert "observer" in refused.value.message_dict


def test_comments_by_role(record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]) -> None:
    item = create(record)
    for name, roles in (
        ("nqsw", [Role.NQSW]),
        ("assessor", [Role.ASSESSOR]),
        ("manager", [Role.LINE_MANAGER]),
    ):
        scope = Scope.of(personas[name], orgs.home, roles)
        relations = selectors.evidence_relations(scope=scope, item=item)
        services.evidence_comment(actor=personas[name], item=item, relations=relations, body=f"From {name}")
    psw_scope = Scope.of(personas["psw"], orgs.home, [Role.PSW])
    with pytest.raises(PermissionDenied):
        services.evidence_comment(
            actor=personas["psw"],
            item=item,
            relations=selectors.evidence_relations(scope=psw_scope, item=item),
            body="x",
        )
    assert EvidenceComment.objects.filter(item=item).count() == 3


def test_access_selector(record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]) -> None:
    item = create(record)
    own = Scope.of(personas["nqsw"], orgs.home, [Role.NQSW])
    assert selectors.evidence_get_for_user(scope=own, pk=item.pk, write=True) == item
    assessor = Scope.of(personas["assessor"], orgs.home, [Role.ASSESSOR])
    with pytest.raises(PermissionDenied):
        selectors.evidence_get_for_user(scope=assessor, pk=item.pk, write=True)
    unassigned = member(orgs.home, Role.ASSESSOR).user
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(scope=Scope.of(unassigned, orgs.home, [Role.ASSESSOR]), pk=item.pk)
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(
            scope=Scope.of(personas["sibling_psw"], orgs.sibling, [Role.PSW]), pk=item.pk
        )


def test_the_queue_is_the_assessors_waiting_items_oldest_first(record: AsyeRecord, orgs: Orgs) -> None:
    old = EvidenceItemFactory(
        record=record,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    new = EvidenceItemFactory(
        record=record,
        status=EvidenceStatus.RESUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 9, tzinfo=datetime.UTC),
    )
    EvidenceItemFactory(record=record, status=EvidenceStatus.DRAFT)
    EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED)
    EvidenceItemFactory(record=AsyeRecordFactory(organisation=orgs.home), status=EvidenceStatus.SUBMITTED)
    assert list(selectors.evidence_queue(user=record.assessor.user)) == [old, new]
    assert selectors.evidence_queue_count(user=record.assessor.user) == 2


def test_framework_map(record: AsyeRecord) -> None:
    elements = list(selectors.record_elements(record=record)[:3])
    accepted = EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED)
    waiting = EvidenceItemFactory(record=record, status=EvidenceStatus.SUBMITTED)
    accepted.mappings.create(element=elements[0])
    waiting.mappings.create(element=elements[1])
    rows = {row.element.pk: row for row in selectors.framework_map(record=record)}
    assert rows[elements[0].pk].accepted == [accepted]
    assert rows[elements[1].pk].submitted == [waiting]
    assert not rows[elements[2].pk].covered


def test_the_organisations_case_reference_format_is_flagged(record: AsyeRecord) -> None:
    """The format comes from the organisation's settings, or from its partnership's."""
    from academy.models import Organisation

    nqsw = record.nqsw.user
    text = {**CLEAN_REFLECTION, "context": "We reviewed the plan for case HB-204571 together."}
    item = create(record, answers=text)
    services.evidence_submit(actor=nqsw, item=item, version=item.version)  # no format set: clean
    partnership = record.organisation.parent
    assert partnership is not None
    Organisation.objects.filter(pk=partnership.pk).update(case_reference_patterns=[r"HB-\d{6}"])
    record.organisation.refresh_from_db()
    second = create(record, answers=text)
    with pytest.raises(FlagsNotConfirmed) as refused:
        services.evidence_submit(actor=nqsw, item=second, version=second.version)
    assert [(f.flag.kind, f.flag.text) for f in refused.value.flags] == [("case_reference", "HB-204571")]
