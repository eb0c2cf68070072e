"""`{% idle_timeout_settings as idle %}`: what the time-out warning needs to know."""

from django import template

from academy.idle_timeout import idle_seconds, idle_words, warning_seconds

register = template.Library()


@register.simple_tag
def idle_timeout_settings() -> dict[str, object]:
    return {"seconds": idle_seconds(), "warning_seconds": warning_seconds(), "words": idle_words()}
