"""What the giver is asked, in plain words, read from the record's programme version
(`ProgrammeTypeVersion.forms`). Three sets: adults who use services, children and young people
(shorter and gentler), and other professionals (who are also asked their role). A version
published before these sets existed falls back to the shared file's
(`asye/programme_data/_forms.json`), key by key, as the agreement's definitions do.

`forms["feedback_giver_adult" | "feedback_giver_child" | "feedback_giver_professional"]`::

    {"title", "guidance",          # "{name}" stands for the NQSW's first name
     "asks_role": bool,            # ask the giver's role and agency
     "questions": [{"key", "label", "hint", "required",
                    "answer_key"}]}  # the evidence item's answer the text lands in

Only `went_well` and `even_better` of the feedback kinds' forms are the giver's to fill; a
question mapped elsewhere lands in `went_well`, so nothing a giver writes is lost. Pure
functions of the version's data: no queries."""

from dataclasses import dataclass
from typing import Any

from asye.programme_loader import shared_forms

from .models import FeedbackAudience, FeedbackKind

GIVER_ANSWER_KEYS = ("went_well", "even_better")
FORM_ADULT = "feedback_giver_adult"
FORM_CHILD = "feedback_giver_child"
FORM_PROFESSIONAL = "feedback_giver_professional"
NAME = "{name}"


@dataclass(frozen=True)
class Question:
    key: str  # the form field's name
    label: str
    hint: str = ""
    required: bool = False
    answer_key: str = "went_well"  # where the answer lands on the evidence item


@dataclass(frozen=True)
class QuestionSet:
    heading: str
    intro: str
    questions: tuple[Question, ...]
    # The professional's role and agency; asked only of other professionals.
    asks_role: bool = False

    def named(self, name: str) -> "QuestionSet":
        """The set with "{name}" replaced by the NQSW's first name (no other braces are read,
        so a publisher's wording can hold any character)."""
        return QuestionSet(
            heading=self.heading.replace(NAME, name),
            intro=self.intro.replace(NAME, name),
            questions=tuple(
                Question(
                    key=q.key,
                    label=q.label.replace(NAME, name),
                    hint=q.hint.replace(NAME, name),
                    required=q.required,
                    answer_key=q.answer_key,
                )
                for q in self.questions
            ),
            asks_role=self.asks_role,
        )


def form_name(*, kind: str, audience: str) -> str:
    if kind == FeedbackKind.PROFESSIONALS:
        return FORM_PROFESSIONAL
    return FORM_CHILD if audience == FeedbackAudience.YOUNG else FORM_ADULT


def _question(data: dict[str, Any]) -> Question:
    answer_key = str(data.get("answer_key") or data["key"])
    return Question(
        key=str(data["key"]),
        label=str(data.get("label", "")),
        hint=str(data.get("hint", "")),
        required=bool(data.get("required", False)),
        answer_key=answer_key if answer_key in GIVER_ANSWER_KEYS else GIVER_ANSWER_KEYS[0],
    )


def question_set(*, forms: dict[str, Any] | None, kind: str, audience: str) -> QuestionSet:
    """The set a giver answers, from the version's `forms` (with the shared file's keys for
    any the version lacks)."""
    name = form_name(kind=kind, audience=audience)
    definition = {**shared_forms().get(name, {}), **((forms or {}).get(name) or {})}
    return QuestionSet(
        heading=str(definition.get("title", "")),
        intro=str(definition.get("guidance", "")),
        questions=tuple(_question(q) for q in definition.get("questions", [])),
        asks_role=bool(definition.get("asks_role", False)),
    )


def landed_answers(questions: QuestionSet, cleaned: dict[str, str]) -> dict[str, str]:
    """The giver's answers by evidence answer key; two questions mapped to one key are joined."""
    landed = dict.fromkeys(GIVER_ANSWER_KEYS, "")
    for question in questions.questions:
        text = cleaned.get(question.key, "")
        if text:
            before = landed[question.answer_key]
            landed[question.answer_key] = f"{before}\n\n{text}" if before else text
    return landed


MAX_ANSWER_CHARACTERS = 5_000
