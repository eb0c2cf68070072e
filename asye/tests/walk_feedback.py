"""The walk's rows for feedback requests (asye/feedback/). The NQSW's pages follow the record's
rules; the giver's pages are public: anyone (signed in or not) may open "enter your code", and
a made-up link, or the form or thank-you page without a link in the session, is "not valid"
(404) for everyone."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from asye.feedback.services import feedback_request_create
from asye.models import FeedbackAudience, FeedbackChannel, FeedbackKind


def _request(world: World) -> Any:
    record = world["record"]
    return feedback_request_create(
        actor=record.nqsw.user,
        record=record,
        kind=FeedbackKind.PEOPLE,
        audience=FeedbackAudience.ADULT,
        giver_description="carer at the visit",
        setting="the visit on Monday",
        channel=FeedbackChannel.CODE,
    ).request


def register(
    walk: WalkRegistry,
    *,
    record_readers: Mapping[str, int],
    nqsw_only: Mapping[str, int],
    nqsw_posts: Mapping[str, int],
) -> None:
    walk.add_object("feedback_request", _request)
    walk.add_rules(
        {
            "asye:feedback_requests": Rule(
                lambda w, p: reverse("asye:feedback_requests", args=[w["record"].pk]),
                expect=record_readers,
                default=404,
            ),
            "asye:feedback_request_create": Rule(
                lambda w, p: reverse("asye:feedback_request_create", args=[w["record"].pk]),
                expect=nqsw_only,
                default=404,
            ),
            "asye:feedback_request_revoke": Rule(
                lambda w, p: reverse("asye:feedback_request_revoke", args=[w["feedback_request"].pk]),
                method="POST",
                expect=nqsw_posts,
                default=404,
            ),
            "asye:feedback_link": Rule(
                lambda w, p: reverse("asye:feedback_link", args=["not-a-real-token"]),
                default=404,
                anonymous=404,
            ),
            "asye:feedback_code": Rule(lambda w, p: reverse("asye:feedback_code"), anonymous=200),
            "asye:feedback_give": Rule(
                lambda w, p: reverse("asye:feedback_give"), default=404, anonymous=404
            ),
            "asye:feedback_thanks": Rule(
                lambda w, p: reverse("asye:feedback_thanks"), default=404, anonymous=404
            ),
        }
    )
