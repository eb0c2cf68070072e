"""`{% autosave_form key %}…{% endautosave_form %}`: the form inside saves itself as the person
types (academy/drafts/). Wrap the form, crispy or hand-written:

    {% load drafts %}
    {% autosave_form "academy:invite" %}{% crispy form %}{% endautosave_form %}

The key may be a variable (`{% autosave_form draft_key %}`). The tag draws a banner when a saved
draft was put back (with "Discard draft"), a quiet status line under the form, the hidden
message for a change made in another tab, the draft's version and words for the script
(json_script, so nothing is executed inline), and the script itself once per page."""

from django import template
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from academy.drafts.web import draft_state
from academy.presenters import format_date

register = template.Library()

_SCRIPT_ADDED = "_academy_autosave_script"


class AutosaveFormNode(template.Node):
    def __init__(self, key: FilterExpression, nodelist: NodeList) -> None:
        self.key = key
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        request = context["request"]
        key = str(self.key.resolve(context))
        content = self.nodelist.render(context)
        if not request.user.is_authenticated:
            return content
        state = draft_state(request, key)
        draft = state.draft
        first_on_page = not request.__dict__.get(_SCRIPT_ADDED, False)
        request.__dict__[_SCRIPT_ADDED] = True
        element_id = "autosave-" + "".join(c if c.isalnum() else "-" for c in key)
        here = request.get_full_path()
        restored = request.method == "GET" and state.restorable
        initial = {
            "key": key,
            "version": state.version,
            # The words to compare with (what the server already has), and to put into the form
            # when the view did not (a view that never called draft_initial).
            "data": draft.data if draft and not draft.is_empty else None,
            "fill": restored and not state.applied,
            # After a POST the form shows what was sent, which the server may not have yet.
            "posted": request.method == "POST",
        }
        return render_to_string(
            "includes/autosave_form.html",
            {
                "content": content,
                "key": key,
                "element_id": element_id,
                "initial_id": f"{element_id}-initial",
                "initial": initial,
                "restored": restored,
                "restored_at": format_date(draft.updated_at) if restored and draft else "",
                "save_url": reverse("academy:draft_save"),
                "discard_url": reverse("academy:draft_discard"),
                "sign_in_url": redirect_to_login(here).url,
                "here": here,
                "interval": settings.DRAFTS_SAVE_SECONDS,
                "keep_days": settings.DRAFTS_KEEP_DAYS,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "add_script": first_on_page,
            },
            request=request,
        )


@register.tag("autosave_form")
def autosave_form(parser: Parser, token: Token) -> AutosaveFormNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% autosave_form key %} takes the form's draft key.")
    nodelist = parser.parse(("endautosave_form",))
    parser.delete_first_token()
    return AutosaveFormNode(parser.compile_filter(bits[1]), nodelist)
