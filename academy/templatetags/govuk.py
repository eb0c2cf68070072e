"""GOV.UK Design System components, one tag per component, each drawn by one include under
`templates/includes/`. Presenters hand these tags plain data (strings, dicts, lists), so
templates only loop; `academy/tests/test_components.py` pins the HTML each tag renders.

    {% load govuk %}
    {% govuk_tag "Submitted" "blue" %}
    {% summary_list rows %}                       rows: [{key, value, action_url?, action_text?,
                                                         action_hidden?}]; value: str or a Cell
    {% govuk_table "Caption" head rows %}         head: [str or Cell], rows: [[cell, ...]]; a cell
                                                  is text, safe HTML or an academy.components.Cell
    {% pagination page_obj %}                     a Django Page; keeps the other query parameters
    {% task_list items %}                         items: [{title, url, status_text, status_colour, hint?}]
    {% back_link url %}
    {% breadcrumbs items %}                       items: [(label, url)], the last is the current page
    {% notification_banner "Title" "Text" success=True %}
    {% form_errors form %}                        the error summary of a bound, invalid form
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django import forms, template
from django.core.paginator import Page
from django.http import QueryDict

from academy.components import as_cell

register = template.Library()


@register.inclusion_tag("includes/tag.html")
def govuk_tag(text: object, colour: str = "") -> dict[str, object]:
    """`<strong class="govuk-tag govuk-tag--{colour}">`; no modifier when `colour` is empty."""
    return {"text": text, "colour": colour or ""}


@register.inclusion_tag("includes/summary_list.html")
def summary_list(rows: Iterable[Mapping[str, Any]], card_title: str = "") -> dict[str, object]:
    """A summary list. A row without `action_url` gets the `--no-actions` modifier when any
    other row has an action, so the columns line up. `action_text` defaults to "Change" and
    `action_hidden` (the visually hidden end of the link text) to the row's key."""
    prepared = []
    for row in rows:
        action_url = row.get("action_url") or ""
        prepared.append(
            {
                "key": row.get("key", ""),
                "value": as_cell(row.get("value", "")),
                "action_url": action_url,
                "action_text": row.get("action_text") or "Change",
                "action_hidden": row.get("action_hidden", row.get("key", "")) if action_url else "",
            }
        )
    return {
        "rows": prepared,
        "any_actions": any(row["action_url"] for row in prepared),
        "card_title": card_title,
    }


@register.inclusion_tag("includes/table.html")
def govuk_table(
    caption: str,
    head: Sequence[object],
    rows: Iterable[Sequence[object]],
    caption_size: str = "m",
    first_cell_is_header: bool = False,
    scroll_label: str = "",
) -> dict[str, object]:
    """A table with a caption (size `s`, `m` or `l`; empty for a plain caption; `hidden` when a
    heading just above already names the table, so only screen readers hear it), a header row
    and body rows. A cell is text (escaped unless marked safe) or a `Cell` (a link, a second
    line, a tag, POST buttons, numeric alignment). With `first_cell_is_header` each row's
    first cell is a `<th scope="row">`. With `scroll_label` the table sits in a region that
    scrolls sideways on narrow screens and can be reached by keyboard, named by the label."""
    return {
        "caption": caption,
        "caption_size": caption_size,
        "head": [as_cell(cell) for cell in head],
        "rows": [[as_cell(cell) for cell in row] for row in rows],
        "first_cell_is_header": first_cell_is_header,
        "scroll_label": scroll_label,
    }


def _page_href(query: QueryDict, param: str, number: int) -> str:
    query = query.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Page | None, param: str = "page") -> dict[str, object]:
    """GOV.UK pagination for a Django `Page`: previous and next links and the page numbers,
    with ellipses for long ranges. Other query parameters of the current request (filters,
    sorting) are kept. Renders nothing when everything fits on one page."""
    if page_obj is None or page_obj.paginator.num_pages <= 1:
        return {"show": False}
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    paginator = page_obj.paginator
    items: list[dict[str, object]] = []
    for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": _page_href(query, param, int(number)),
                    "current": number == page_obj.number,
                }
            )
    return {
        "show": True,
        "items": items,
        "previous": _page_href(query, param, page_obj.previous_page_number())
        if page_obj.has_previous()
        else "",
        "next": _page_href(query, param, page_obj.next_page_number()) if page_obj.has_next() else "",
    }


@register.inclusion_tag("includes/task_list.html")
def task_list(items: Iterable[Mapping[str, Any]], id_prefix: str = "task-list") -> dict[str, object]:
    """A task list. Each item: `title`, `url` (empty when the task cannot be started),
    `status_text`, `status_colour` (a tag colour; empty shows the status as plain text, as
    GOV.UK does for "Completed"), optional `hint`. Ids are `{id_prefix}-{n}-status`/`-hint`,
    so give two lists on one page different prefixes."""
    prepared = []
    for index, item in enumerate(items, start=1):
        prepared.append(
            {
                "title": item.get("title", ""),
                "url": item.get("url") or "",
                "status_text": item.get("status_text", ""),
                "status_colour": item.get("status_colour") or "",
                "hint": item.get("hint") or "",
                "status_id": f"{id_prefix}-{index}-status",
                "hint_id": f"{id_prefix}-{index}-hint",
            }
        )
    return {"items": prepared}


@register.inclusion_tag("includes/back_link.html")
def back_link(url: str, text: str = "Back") -> dict[str, object]:
    return {"url": url, "text": text}


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(items: Iterable[Sequence[str]]) -> dict[str, object]:
    """Breadcrumbs from `(label, url)` pairs; the last pair is the current page and is not a
    link (its url is ignored)."""
    pairs = [(label, url) for label, url in items]
    crumbs = [{"label": label, "url": url, "current": False} for label, url in pairs[:-1]]
    if pairs:
        crumbs.append({"label": pairs[-1][0], "url": "", "current": True})
    return {"crumbs": crumbs}


@register.inclusion_tag("includes/notification_banner.html")
def notification_banner(
    title: str, text: object, success: bool = False, title_id: str = "govuk-notification-banner-title"
) -> dict[str, object]:
    """A notification banner. The success variant has `role="alert"` (GOV.UK Frontend moves
    focus to it); the other is a `region` landmark. Give `title_id` when a page shows more
    than one banner."""
    return {"title": title, "text": text, "success": success, "title_id": title_id}


def error_href(bound_field: forms.BoundField) -> str:
    """Where an error summary link for this field must point: the first input of the field
    as crispy-forms-gds draws it. Radios and checkboxes are numbered from 1
    (`id_<name>_1`), the parts of a multi-value field (a date) from 0 (`id_<name>_0`)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
        return f"#id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"#{bound_field.auto_id}_0"
    return f"#{bound_field.id_for_label or bound_field.auto_id}"


def _error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    visible = form.visible_fields()
    first_href = error_href(visible[0]) if visible else ""
    errors = [{"href": first_href, "text": str(error)} for error in form.non_field_errors()]
    for bound_field in form:
        href = "" if bound_field.is_hidden else error_href(bound_field)
        errors.extend({"href": href, "text": str(error)} for error in bound_field.errors)
    return errors


@register.inclusion_tag("includes/error_summary.html")
def form_errors(form: forms.BaseForm | None, title: str = "There is a problem") -> dict[str, object]:
    """The error summary for a bound form with errors (nothing otherwise): non-field errors
    first, linked to the first field, then each field's errors linked to its input.
    `data-module="govuk-error-summary"` makes GOV.UK Frontend move focus to it."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return {"errors": []}
    return {"errors": _error_list(form), "title": title}


# --- Filters used by the allauth templates ----------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


@register.filter(is_safe=True)
def sentence_case(value: object) -> str:
    """GOV.UK writes headings and buttons in sentence case; allauth writes "Sign In". Lower
    every word after the first, keeping words in capitals (acronyms, "I"), and collapse
    whitespace. Text containing HTML is returned unchanged (whitespace aside)."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    if not text or "<" in text:
        return text
    first, *rest = text.split(" ")
    if not first.isupper():
        first = first[:1] + first[1:].lower()
    return " ".join([first, *(word if word.isupper() else word.lower() for word in rest)])


@register.filter
def govuk_form(form: forms.BaseForm) -> forms.BaseForm:
    """Make a form allauth built read like the rest of the portal before crispy-forms-gds draws
    it: labels in sentence case ("New Password" becomes "New password") and no placeholders
    (GOV.UK labels every field and does not use placeholder text)."""
    for bound_field in form:  # bound fields are cached with their label, so change them there
        bound_field.field.widget.attrs.pop("placeholder", None)
        if bound_field.label:  # often a lazy translation
            bound_field.label = sentence_case(str(bound_field.label))
    return form


@register.filter
def duration_words(value: timedelta | None) -> str:
    """A cool-off period in words: "15 minutes", "1 hour", "1 hour 30 minutes"."""
    if not value:
        return ""
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


@register.filter
def css_colour(value: object, default: str = "#1d4f6e") -> str:
    """The value if it is a hex colour (`#abc` or `#aabbcc`), else `default`: the brand colour
    is written into a <style> block, so nothing else may reach it."""
    text = str(value or "").strip()
    return text if _HEX_COLOUR.fullmatch(text) else default
