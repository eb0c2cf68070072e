"""What the giver is asked, in plain words. Two versions: one for adults (people who use
services and other professionals) and a shorter, gentler one for children and young people.
Every question maps to one answer key of the feedback kind's form on the record's programme
version (`went_well`, `even_better`), so the answer lands in the right place of the draft."""

from dataclasses import dataclass

from .models import FeedbackAudience, FeedbackKind


@dataclass(frozen=True)
class Question:
    key: str  # the answer key on the evidence item
    label: str
    hint: str = ""
    required: bool = False


@dataclass(frozen=True)
class QuestionSet:
    heading: str
    intro: str
    questions: tuple[Question, ...]
    # The professional's role and agency; asked only of other professionals.
    asks_role: bool = False


ADULT_PEOPLE = QuestionSet(
    heading="Tell {name} how it went",
    intro=(
        "{name} is a newly qualified social worker. Your views help them learn. "
        "You do not need to give your name. Please do not write anyone's full name or address."
    ),
    questions=(
        Question(
            "went_well",
            "What did {name} do well?",
            "For example, how they listened or explained things.",
            True,
        ),
        Question("even_better", "What could {name} do better next time?"),
    ),
)

YOUNG_PEOPLE = QuestionSet(
    heading="Tell {name} what you think",
    intro=(
        "{name} is a social worker who is still learning. You can help them. "
        "You do not need to say who you are."
    ),
    questions=(
        Question("went_well", "What was good about talking to {name}?", "", True),
        Question("even_better", "Is there anything {name} could do better?"),
    ),
)

PROFESSIONALS = QuestionSet(
    heading="Feedback for {name}",
    intro=(
        "{name} is a newly qualified social worker in their assessed and supported year. "
        "Your feedback goes to them as a draft; they review it before their assessor sees it. "
        "Please leave out anything that identifies the people you worked with."
    ),
    questions=(
        Question("went_well", "What went well when you worked with {name}?", "", True),
        Question("even_better", "What could {name} develop or do differently?"),
    ),
    asks_role=True,
)


def question_set(*, kind: str, audience: str) -> QuestionSet:
    if kind == FeedbackKind.PROFESSIONALS:
        return PROFESSIONALS
    return YOUNG_PEOPLE if audience == FeedbackAudience.YOUNG else ADULT_PEOPLE


MAX_ANSWER_CHARACTERS = 5_000
