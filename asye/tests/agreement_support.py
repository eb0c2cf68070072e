"""Factories and helpers of the agreement and development plan tests (and the URL walk)."""

import uuid
from typing import Any

import factory

from asye.agreement import rules
from asye.agreement.models import Agreement, AgreementSignature, DevelopmentPlan, PlanRow
from asye.models import AsyeRecord
from asye.tests.factories import AsyeRecordFactory


def complete_answers(record: AsyeRecord, **overrides: str) -> dict[str, str]:
    """An answer to every field the record's agreement form asks (dates as ISO strings)."""
    definition = rules.agreement_form(record.programme_version.forms)
    answers = {
        f.key: ("2026-09-08" if f.is_date else f"Answer to {f.label.lower()}")
        for f in rules.agreement_fields(definition)
    }
    answers.update(overrides)
    return answers


class AgreementFactory(factory.django.DjangoModelFactory):
    """A version of a record's agreement, every field answered unless `answers` is given."""

    class Meta:
        model = Agreement

    record = factory.SubFactory(AsyeRecordFactory)
    number = 1
    form = factory.LazyAttribute(lambda o: rules.agreement_form(o.record.programme_version.forms))
    answers = factory.LazyAttribute(lambda o: complete_answers(o.record))
    created_by = factory.LazyAttribute(lambda o: o.record.assessor.user)
    updated_by = factory.LazyAttribute(lambda o: o.record.assessor.user)


def sign(agreement: Agreement, capacity: str, membership: Any) -> AgreementSignature:
    return AgreementSignature.objects.create(
        agreement=agreement,
        capacity=capacity,
        user=membership.user,
        membership=membership,
        statement="I confirm.",
    )


class PlanRowFactory(factory.django.DjangoModelFactory):
    """A row in the record's plan for `period` (made if missing)."""

    class Meta:
        model = PlanRow

    class Params:
        record = factory.SubFactory(AsyeRecordFactory)
        period = "initial"

    plan = factory.LazyAttribute(
        lambda o: DevelopmentPlan.objects.get_or_create(
            record=o.record, period=o.period, defaults={"created_by": o.record.nqsw.user}
        )[0]
    )
    learning_need = factory.Sequence(lambda n: f"Learning need {n}")
    action = "Shadow an experienced colleague"
    support = "Supervision"
    created_by = factory.LazyAttribute(lambda o: o.plan.record.nqsw.user)
    submit_token = factory.LazyFunction(uuid.uuid4)
