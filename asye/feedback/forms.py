"""Forms of the feedback pages: the NQSW's request, the giver's code and the giver's answer.
They validate only; views hand `cleaned_data` to a service."""

import uuid
from typing import Any

from django import forms

from .models import FeedbackAudience, FeedbackChannel, FeedbackKind
from .questions import MAX_ANSWER_CHARACTERS, QuestionSet


class FeedbackRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who are you asking?",
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are asking"},
    )
    audience = forms.ChoiceField(
        label="Which version of the form should they see?",
        choices=FeedbackAudience.choices,
        initial=FeedbackAudience.ADULT,
        widget=forms.RadioSelect,
        help_text="The version for children and young people uses simpler words and fewer questions.",
        error_messages={"required": "Choose which version they should see"},
    )
    giver_description = forms.CharField(
        label="Who is it from? (only you see this)",
        max_length=200,
        help_text="A description is enough, such as 'parent at the review meeting'. Do not write their name.",
        error_messages={"required": "Describe who the feedback is from"},
    )
    setting = forms.CharField(
        label="What is it about? (they see this)",
        max_length=200,
        help_text="For example, 'the home visit on 3 March'. Do not include names or addresses.",
        error_messages={"required": "Say what the feedback is about"},
    )
    channel = forms.ChoiceField(
        label="How will they get it?",
        choices=FeedbackChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they will get it"},
    )
    email = forms.EmailField(
        label="Their email address (if you email them a link)",
        required=False,
        help_text="Used only to send the link. It is not kept with your evidence.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("channel") == FeedbackChannel.EMAIL and not cleaned.get("email"):
            self.add_error("email", "Enter the email address to send the link to")
        if cleaned.get("kind") == FeedbackKind.PROFESSIONALS:
            cleaned["audience"] = FeedbackAudience.ADULT
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Enter your code",
        max_length=20,
        help_text="The 8 letters and numbers the social worker showed you, for example ACDE-7HJK.",
        error_messages={"required": "Enter the code you were given"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class GiverForm(forms.Form):
    """The giver's answers: one text box per question of the request's question set."""

    def __init__(self, *args: Any, questions: QuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if questions.asks_role:
            self.fields["role"] = forms.CharField(
                label="Your role and organisation (optional)",
                required=False,
                max_length=200,
                help_text="For example, 'health visitor, community health team'.",
            )
        for question in questions.questions:
            self.fields[question.key] = forms.CharField(
                label=question.label,
                help_text=question.hint,
                required=question.required,
                max_length=MAX_ANSWER_CHARACTERS,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"required": "Write a few words in this box"},
            )
