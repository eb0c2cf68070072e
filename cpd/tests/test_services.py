"""CPD services against the database: drafts, completing, repeats, dates outside any year, peer
reflections, and the audit entries (kept without an organisation: a ledger is the person's)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from academy.models import AuditEntry
from academy.tests.factories import UserFactory
from cpd import services
from cpd.models import ActivityType, RecordStatus
from cpd.selectors import cpd_topic_elements
from cpd.tests.factories import CpdRecordFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def full(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Trauma-informed practice webinar",
        "activity_type": ActivityType.WEBINAR,
        "occurred_on": datetime.date(2026, 5, 20),
        "description": "A webinar on trauma-informed conversations with parents.",
        "learning": "Ways to slow a conversation down when a parent is overwhelmed.",
        "impact": "I plan visits with more time for the parent to talk first.",
    }
    values.update(overrides)
    return values


def test_create_a_draft_then_complete_it_with_audit_without_organisation(frameworks: None) -> None:
    person = UserFactory()
    topics = list(cpd_topic_elements()[:2])
    assert [t.code for t in topics] == ["4.1", "4.2"]
    record = services.cpd_record_create(actor=person, topics=topics, **full(impact=""))  # type: ignore[arg-type]
    assert record.status == RecordStatus.DRAFT
    assert record.person == person
    with pytest.raises(ValidationError) as refused:
        services.cpd_record_complete(actor=person, record=record)
    assert "impact" in refused.value.message_dict
    record.impact = "I now leave time for the parent to talk first."
    record.save()
    services.cpd_record_complete(actor=person, record=record)
    record.refresh_from_db()
    assert record.status == RecordStatus.COMPLETE
    assert record.completed_at is not None
    entries = list(AuditEntry.objects.filter(object_id=str(record.pk)).order_by("created_at"))
    assert [e.verb for e in entries] == [services.RECORD_CREATE, services.RECORD_COMPLETE]
    assert all(e.organisation_id is None for e in entries)
    # The log names the kind of record, never its words.
    assert all(e.object_repr == "CPD record" for e in entries)
    assert "Trauma" not in str([e.before for e in entries] + [e.after for e in entries])


def test_a_record_dated_outside_every_year_is_refused_with_a_message() -> None:
    person = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.cpd_record_create(actor=person, **full(occurred_on=datetime.date(2022, 5, 1)))  # type: ignore[arg-type]
    message = refused.value.message_dict["occurred_on"][0]
    assert message.startswith("1 May 2022 is not in any registration year the portal knows.")
    assert "1 December 2023" in message


def test_a_future_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="today or in the past"):
        services.cpd_record_create(actor=UserFactory(), **full(occurred_on=datetime.date(2026, 10, 16)))  # type: ignore[arg-type]


def test_a_repeat_of_the_same_title_and_date_is_refused() -> None:
    person = UserFactory()
    first = services.cpd_record_create(actor=person, **full())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="This repeats your record") as refused:
        services.cpd_record_create(
            actor=person,
            **full(
                title="  trauma-informed PRACTICE webinar ",
                description="Other words",
                learning="x",
                impact="y",
            ),  # type: ignore[arg-type]
        )
    assert first.title in refused.value.messages[0]


def test_a_repeat_of_the_same_content_is_refused_whatever_the_title() -> None:
    person = UserFactory()
    services.cpd_record_create(actor=person, **full())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="different piece of learning"):
        services.cpd_record_create(
            actor=person,
            **full(
                title="Another name",
                occurred_on=datetime.date(2026, 6, 1),
                learning=str(full()["learning"]).upper(),
            ),  # type: ignore[arg-type, union-attr]
        )


def test_someone_elses_identical_record_is_no_repeat() -> None:
    services.cpd_record_create(actor=UserFactory(), **full())  # type: ignore[arg-type]
    services.cpd_record_create(actor=UserFactory(), **full())  # type: ignore[arg-type]


def test_editing_a_record_does_not_count_as_repeating_itself() -> None:
    person = UserFactory()
    record = services.cpd_record_create(actor=person, complete=True, **full())  # type: ignore[arg-type]
    services.cpd_record_update(actor=person, record=record, **full(provider="Northvale training"))  # type: ignore[arg-type]
    record.refresh_from_db()
    assert record.provider == "Northvale training"
    assert record.status == RecordStatus.COMPLETE


def test_a_complete_record_cannot_lose_a_required_field() -> None:
    person = UserFactory()
    record = services.cpd_record_create(actor=person, complete=True, **full())  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        services.cpd_record_update(actor=person, record=record, **full(learning=" "))  # type: ignore[arg-type]
    assert "learning" in refused.value.message_dict


def test_peer_reflection_on_a_complete_record_is_audited() -> None:
    person = UserFactory()
    record = services.cpd_record_create(actor=person, complete=True, **full())  # type: ignore[arg-type]
    reflection = services.cpd_peer_reflection_save(
        actor=person, record=record, learning="My supervisor asked how the parent would describe it."
    )
    assert reflection.peer_name == ""
    assert record.status == RecordStatus.COMPLETE
    entry = AuditEntry.objects.get(object_id=str(record.pk), verb=services.PEER_REFLECTION_SAVE)
    assert entry.organisation_id is None
    assert entry.after == {"peer_reflection": True, "status": "complete"}


def test_a_new_record_can_carry_its_peer_reflection() -> None:
    record = services.cpd_record_create(
        actor=UserFactory(),
        peer_learning="We agreed to try it in a team meeting.",
        peer_name="R. Okafor",
        peer_role="Senior practitioner",
        peer_discussed_on=datetime.date(2026, 5, 22),
        **full(),  # type: ignore[arg-type]
    )
    assert record.peer_reflection.peer_role == "Senior practitioner"


def test_only_the_owner_may_change_a_record() -> None:
    record = CpdRecordFactory()
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.cpd_record_complete(actor=other, record=record)
    with pytest.raises(PermissionDenied):
        services.cpd_peer_reflection_save(actor=other, record=record, learning="Not mine")
