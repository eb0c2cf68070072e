"""Drawing the home page's registered panels (`academy.registry.home_panels`).

    {% load panels %}
    {% render_panel panel %}    the panel's template, with the page's context plus its own

A panel template sees what the page sees (`request`, `csrf_token`, the navigation) and the
names its context callable returned, as `{% include %}` would give them."""

from django import template
from django.utils.safestring import SafeString

from academy.registry.home_panels import ShownPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: template.Context, panel: ShownPanel) -> SafeString:
    body = context.template.engine.get_template(panel.template)  # type: ignore[union-attr]
    with context.push(panel=panel, **panel.context):
        return SafeString(body.render(context))
