"""The GOV.UK component tags render the Design System's markup. Each test renders a tag through
Django's template engine and compares the HTML structurally (attribute order and whitespace do
not matter; elements, attributes and text do). No database."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from academy.components import Cell, PostButton, Tag
from academy.registry.home_panels import ShownPanel
from academy.templatetags.govuk import css_colour, duration_words, sentence_case


def render(source: str, **context: object) -> str:
    return Template("{% load govuk crispy_forms_tags %}" + source).render(Context(context))


def assert_html(actual: str, expected: str) -> None:
    actual_tree, expected_tree = parse_html(actual), parse_html(expected)
    assert actual_tree == expected_tree, (
        f"\n--- rendered ---\n{actual_tree}\n--- expected ---\n{expected_tree}"
    )


class TestTag:
    def test_colour_modifier(self) -> None:
        assert_html(
            render('{% govuk_tag "Signed off" "green" %}'),
            '<strong class="govuk-tag govuk-tag--green">Signed off</strong>',
        )

    def test_no_modifier_without_colour(self) -> None:
        assert_html(render('{% govuk_tag "Draft" "" %}'), '<strong class="govuk-tag">Draft</strong>')
        assert_html(render('{% govuk_tag "Draft" %}'), '<strong class="govuk-tag">Draft</strong>')

    def test_text_is_escaped(self) -> None:
        assert_html(
            render("{% govuk_tag text 'red' %}", text="<b>x</b>"),
            '<strong class="govuk-tag govuk-tag--red">&lt;b&gt;x&lt;/b&gt;</strong>',
        )


class TestSummaryList:
    def test_rows_with_and_without_actions(self) -> None:
        rows = [
            {"key": "Name", "value": "Sam Patel", "action_url": "/name/", "action_hidden": "name"},
            {"key": "Role", "value": "NQSW"},
            {"key": "Team", "value": "Duty", "action_url": "/team/", "action_text": "Edit"},
        ]
        assert_html(
            render("{% summary_list rows %}", rows=rows),
            """
            <dl class="govuk-summary-list">
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">Name</dt>
                <dd class="govuk-summary-list__value">Sam Patel</dd>
                <dd class="govuk-summary-list__actions">
                  <a class="govuk-link" href="/name/">Change<span
                      class="govuk-visually-hidden"> name</span></a>
                </dd>
              </div>
              <div class="govuk-summary-list__row govuk-summary-list__row--no-actions">
                <dt class="govuk-summary-list__key">Role</dt>
                <dd class="govuk-summary-list__value">NQSW</dd>
              </div>
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">Team</dt>
                <dd class="govuk-summary-list__value">Duty</dd>
                <dd class="govuk-summary-list__actions">
                  <a class="govuk-link" href="/team/">Edit<span class="govuk-visually-hidden"> Team</span></a>
                </dd>
              </div>
            </dl>
            """,
        )

    def test_no_modifier_when_no_row_has_actions(self) -> None:
        assert_html(
            render(
                "{% summary_list rows %}",
                rows=[{"key": "Email", "value": format_html('<a href="mailto:{}">{}</a>', "a@b", "a@b")}],
            ),
            """
            <dl class="govuk-summary-list">
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">Email</dt>
                <dd class="govuk-summary-list__value"><a href="mailto:a@b">a@b</a></dd>
              </div>
            </dl>
            """,
        )

    def test_a_value_can_be_a_cell_and_a_card_has_a_title(self) -> None:
        rows = [
            {"key": "Status", "value": Cell("since 1 May 2026", tag=Tag("Deactivated", "grey"))},
            {"key": "Source", "value": Cell("PCF", href="https://example.org/pcf")},
        ]
        assert_html(
            render('{% summary_list rows card_title="Brackenmoor" %}', rows=rows),
            """
            <div class="govuk-summary-card">
              <div class="govuk-summary-card__title-wrapper">
                <h2 class="govuk-summary-card__title">Brackenmoor</h2>
              </div>
              <div class="govuk-summary-card__content">
                <dl class="govuk-summary-list">
                  <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">Status</dt>
                    <dd class="govuk-summary-list__value"><strong
                        class="govuk-tag govuk-tag--grey">Deactivated</strong> since 1 May 2026</dd>
                  </div>
                  <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">Source</dt>
                    <dd class="govuk-summary-list__value"><a class="govuk-link"
                        href="https://example.org/pcf">PCF</a></dd>
                  </div>
                </dl>
              </div>
            </div>
            """,
        )


class TestTable:
    def test_caption_head_and_cells(self) -> None:
        rows = [["NQSW", "3"], [format_html('<a class="govuk-link" href="{}">PSW</a>', "/psw/"), "<1>"]]
        assert_html(
            render('{% govuk_table "People by role" head rows %}', head=["Role", "People"], rows=rows),
            """
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-table__caption--m">People by role</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Role</th>
                  <th scope="col" class="govuk-table__header">People</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">NQSW</td>
                  <td class="govuk-table__cell">3</td>
                </tr>
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell"><a class="govuk-link" href="/psw/">PSW</a></td>
                  <td class="govuk-table__cell">&lt;1&gt;</td>
                </tr>
              </tbody>
            </table>
            """,
        )

    def test_a_hidden_caption_is_for_screen_readers_only(self) -> None:
        assert_html(
            render(
                '{% govuk_table "Pauses" head rows caption_size="hidden" %}', head=["From"], rows=[["May"]]
            ),
            """
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-visually-hidden">Pauses</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row"><th scope="col" class="govuk-table__header">From</th></tr>
              </thead>
              <tbody class="govuk-table__body">
                <tr class="govuk-table__row"><td class="govuk-table__cell">May</td></tr>
              </tbody>
            </table>
            """,
        )

    def test_row_headers_and_caption_size(self) -> None:
        assert_html(
            render(
                '{% govuk_table "Hours" head rows caption_size="s" first_cell_is_header=True %}',
                head=["Year", "Hours"],
                rows=[["2026", "30"]],
            ),
            """
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-table__caption--s">Hours</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Year</th>
                  <th scope="col" class="govuk-table__header">Hours</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                <tr class="govuk-table__row">
                  <th scope="row" class="govuk-table__header">2026</th>
                  <td class="govuk-table__cell">30</td>
                </tr>
              </tbody>
            </table>
            """,
        )

    def test_rich_cells_a_numeric_column_and_a_scrolling_region(self) -> None:
        head = ["Person", "Status", Cell("People", numeric=True), "Actions"]
        buttons = [
            PostButton("/resend/", "Resend", hidden="to sam@example.org"),
            PostButton("/revoke/", "Revoke", style="warning"),
        ]
        rows = [
            [
                Cell("Sam <Patel>", href="/people/1/", hint="sam@example.org"),
                Cell(tag=Tag("Pending", "blue"), hint="Expires 3 May 2026"),
                Cell("3", numeric=True),
                Cell(buttons=buttons),
            ],
            ["", "", Cell("a long note", small=True), ""],
        ]
        html = Template(
            '{% load govuk %}{% govuk_table "Invitations" head rows scroll_label="Sent" %}'
        ).render(Context({"head": head, "rows": rows, "csrf_token": "TOKEN"}))
        assert_html(
            html,
            """
            <div class="academy-table-scroll" tabindex="0" role="region" aria-label="Sent">
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-table__caption--m">Invitations</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Person</th>
                  <th scope="col" class="govuk-table__header">Status</th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">People</th>
                  <th scope="col" class="govuk-table__header">Actions</th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell"><a class="govuk-link"
                      href="/people/1/">Sam &lt;Patel&gt;</a><br><span
                      class="govuk-body-s">sam@example.org</span></td>
                  <td class="govuk-table__cell"><strong
                      class="govuk-tag govuk-tag--blue">Pending</strong><br><span
                      class="govuk-body-s">Expires 3 May 2026</span></td>
                  <td class="govuk-table__cell govuk-table__cell--numeric">3</td>
                  <td class="govuk-table__cell">
                    <form method="post" action="/resend/" class="govuk-!-display-inline">
                      <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
                      <button class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1"
                          data-module="govuk-button" data-prevent-double-click="true"
                          type="submit">Resend<span
                          class="govuk-visually-hidden"> to sam@example.org</span></button>
                    </form>
                    <form method="post" action="/revoke/" class="govuk-!-display-inline">
                      <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
                      <button class="govuk-button govuk-button--warning govuk-!-margin-bottom-1"
                          data-module="govuk-button" data-prevent-double-click="true"
                          type="submit">Revoke</button>
                    </form>
                  </td>
                </tr>
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell"></td>
                  <td class="govuk-table__cell"></td>
                  <td class="govuk-table__cell govuk-body-s">a long note</td>
                  <td class="govuk-table__cell"></td>
                </tr>
              </tbody>
            </table>
            </div>
            """,
        )


PREV_ARROW = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev"'
    ' xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true"'
    ' focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266'
    " 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"
    '"></path></svg>'
)
NEXT_ARROW = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next"'
    ' xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true"'
    ' focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414'
    " 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"
    '"></path></svg>'
)


class TestPagination:
    def test_middle_page_keeps_other_query_parameters(self) -> None:
        page = Paginator(range(100), 10).page(5)
        request = RequestFactory().get("/people/", {"role": "nqsw", "page": "5"})
        assert_html(
            render("{% pagination page %}", page=page, request=request),
            f"""
            <nav class="govuk-pagination" aria-label="Pagination">
              <div class="govuk-pagination__prev">
                <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=4" rel="prev">
                  {PREV_ARROW}
                  <span class="govuk-pagination__link-title">Previous<span
                      class="govuk-visually-hidden"> page</span></span>
                </a>
              </div>
              <ul class="govuk-pagination__list">
                <li class="govuk-pagination__item">
                  <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=1"
                      aria-label="Page 1">1</a>
                </li>
                <li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>
                <li class="govuk-pagination__item">
                  <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=4"
                      aria-label="Page 4">4</a>
                </li>
                <li class="govuk-pagination__item govuk-pagination__item--current">
                  <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=5"
                      aria-label="Page 5" aria-current="page">5</a>
                </li>
                <li class="govuk-pagination__item">
                  <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=6"
                      aria-label="Page 6">6</a>
                </li>
                <li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>
                <li class="govuk-pagination__item">
                  <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=10"
                      aria-label="Page 10">10</a>
                </li>
              </ul>
              <div class="govuk-pagination__next">
                <a class="govuk-link govuk-pagination__link" href="?role=nqsw&amp;page=6" rel="next">
                  <span class="govuk-pagination__link-title">Next<span
                      class="govuk-visually-hidden"> page</span></span>
                  {NEXT_ARROW}
                </a>
              </div>
            </nav>
            """,
        )

    def test_first_page_without_request_has_no_previous_link(self) -> None:
        page = Paginator(range(20), 10).page(1)
        assert_html(
            render("{% pagination page %}", page=page),
            f"""
            <nav class="govuk-pagination" aria-label="Pagination">
              <ul class="govuk-pagination__list">
                <li class="govuk-pagination__item govuk-pagination__item--current">
                  <a class="govuk-link govuk-pagination__link" href="?page=1" aria-label="Page 1"
                      aria-current="page">1</a>
                </li>
                <li class="govuk-pagination__item">
                  <a class="govuk-link govuk-pagination__link" href="?page=2" aria-label="Page 2">2</a>
                </li>
              </ul>
              <div class="govuk-pagination__next">
                <a class="govuk-link govuk-pagination__link" href="?page=2" rel="next">
                  <span class="govuk-pagination__link-title">Next<span
                      class="govuk-visually-hidden"> page</span></span>
                  {NEXT_ARROW}
                </a>
              </div>
            </nav>
            """,
        )

    @pytest.mark.parametrize("count", [0, 5, 10])
    def test_nothing_when_one_page(self, count: int) -> None:
        page = Paginator(range(count), 10).page(1)
        assert render("{% pagination page %}", page=page).strip() == ""


class TestTaskList:
    def test_items_with_tags_hints_and_a_task_that_cannot_start(self) -> None:
        items = [
            {"title": "Learning agreement", "url": "/la/", "status_text": "Completed", "status_colour": ""},
            {
                "title": "First review",
                "url": "/review/",
                "status_text": "In progress",
                "status_colour": "light-blue",
                "hint": "Due 1 September 2026",
            },
            {"title": "Final review", "url": "", "status_text": "Cannot start yet", "status_colour": ""},
        ]
        assert_html(
            render("{% task_list items %}", items=items),
            """
            <ul class="govuk-task-list">
              <li class="govuk-task-list__item govuk-task-list__item--with-link">
                <div class="govuk-task-list__name-and-hint">
                  <a class="govuk-link govuk-task-list__link" href="/la/"
                      aria-describedby="task-list-1-status">Learning agreement</a>
                </div>
                <div class="govuk-task-list__status" id="task-list-1-status">Completed</div>
              </li>
              <li class="govuk-task-list__item govuk-task-list__item--with-link">
                <div class="govuk-task-list__name-and-hint">
                  <a class="govuk-link govuk-task-list__link" href="/review/"
                      aria-describedby="task-list-2-hint task-list-2-status">First review</a>
                  <div id="task-list-2-hint" class="govuk-task-list__hint">Due 1 September 2026</div>
                </div>
                <div class="govuk-task-list__status" id="task-list-2-status">
                  <strong class="govuk-tag govuk-tag--light-blue">In progress</strong>
                </div>
              </li>
              <li class="govuk-task-list__item">
                <div class="govuk-task-list__name-and-hint"><div>Final review</div></div>
                <div class="govuk-task-list__status govuk-task-list__status--cannot-start-yet"
                    id="task-list-3-status">Cannot start yet</div>
              </li>
            </ul>
            """,
        )

    def test_id_prefix(self) -> None:
        html = render(
            '{% task_list items id_prefix="year-1" %}',
            items=[{"title": "A", "url": "/a/", "status_text": "To do", "status_colour": "blue"}],
        )
        assert 'id="year-1-1-status"' in html
        assert 'aria-describedby="year-1-1-status"' in html


class TestBackLinkAndBreadcrumbs:
    def test_back_link(self) -> None:
        assert_html(
            render('{% back_link "/people/" %}'), '<a href="/people/" class="govuk-back-link">Back</a>'
        )
        assert_html(
            render('{% back_link url text="Back to people" %}', url="/people/?page=2"),
            '<a href="/people/?page=2" class="govuk-back-link">Back to people</a>',
        )

    def test_breadcrumbs_last_item_is_the_current_page(self) -> None:
        crumbs = [("Home", "/"), ("People", "/people/"), ("Invitations", "")]
        assert_html(
            render("{% breadcrumbs crumbs %}", crumbs=crumbs),
            """
            <nav class="govuk-breadcrumbs" aria-label="Breadcrumb">
              <ol class="govuk-breadcrumbs__list">
                <li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link"
                    href="/">Home</a></li>
                <li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link"
                    href="/people/">People</a></li>
                <li class="govuk-breadcrumbs__list-item" aria-current="page">Invitations</li>
              </ol>
            </nav>
            """,
        )

    def test_no_breadcrumbs_for_no_items(self) -> None:
        assert render("{% breadcrumbs crumbs %}", crumbs=[]).strip() == ""


class TestNotificationBanner:
    def test_important(self) -> None:
        assert_html(
            render('{% notification_banner "Important" "Your CPD year ends on 30 November." %}'),
            """
            <div class="govuk-notification-banner" role="region"
                aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">
              <div class="govuk-notification-banner__header">
                <h2 class="govuk-notification-banner__title"
                    id="govuk-notification-banner-title">Important</h2>
              </div>
              <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">Your CPD year ends on 30 November.</p>
              </div>
            </div>
            """,
        )

    def test_success_is_an_alert(self) -> None:
        assert_html(
            render(
                '{% notification_banner "Success" "Invitation sent" success=True title_id="sent-title" %}'
            ),
            """
            <div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
                aria-labelledby="sent-title" data-module="govuk-notification-banner">
              <div class="govuk-notification-banner__header">
                <h2 class="govuk-notification-banner__title" id="sent-title">Success</h2>
              </div>
              <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">Invitation sent</p>
              </div>
            </div>
            """,
        )


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name")
    role = forms.ChoiceField(
        label="Role", choices=[("nqsw", "NQSW"), ("psw", "PSW")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    when = forms.SplitDateTimeField(label="When")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("Check the dates you entered.")


class TestFormErrors:
    def test_summary_links_each_error_to_its_first_input(self) -> None:
        form = ExampleForm(data={})
        assert not form.is_valid()
        assert_html(
            render("{% form_errors form %}", form=form),
            """
            <div class="govuk-error-summary" data-module="govuk-error-summary">
              <div role="alert">
                <h2 class="govuk-error-summary__title">There is a problem</h2>
                <div class="govuk-error-summary__body">
                  <ul class="govuk-list govuk-error-summary__list">
                    <li><a href="#id_name">Check the dates you entered.</a></li>
                    <li><a href="#id_name">This field is required.</a></li>
                    <li><a href="#id_role_1">This field is required.</a></li>
                    <li><a href="#id_topics_1">This field is required.</a></li>
                    <li><a href="#id_when_0">This field is required.</a></li>
                    <li>This field is required.</li>
                  </ul>
                </div>
              </div>
            </div>
            """,
        )

    def test_radio_link_matches_the_input_crispy_forms_gds_draws(self) -> None:
        form = ExampleForm(data={})
        form.is_valid()
        drawn = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
        assert 'id="id_role_1"' in drawn
        assert 'id="id_topics_1"' in drawn
        assert 'id="id_when_0"' in drawn

    def test_nothing_for_unbound_valid_or_missing_form(self) -> None:
        class Valid(forms.Form):
            name = forms.CharField()

        assert render("{% form_errors form %}", form=ExampleForm()).strip() == ""
        valid = Valid(data={"name": "x"})
        assert valid.is_valid()
        assert render("{% form_errors form %}", form=valid).strip() == ""
        assert render("{% form_errors form %}").strip() == ""


class TestFilters:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Sign In", "Sign in"),
            ("\n    Two-Factor Authentication\n", "Two-factor authentication"),
            ("I have saved my recovery codes", "I have saved my recovery codes"),
            ("Activate TOTP Now", "Activate TOTP now"),
            ("Email <strong>Addresses</strong>", "Email <strong>Addresses</strong>"),
            ("", ""),
        ],
    )
    def test_sentence_case(self, text: str, expected: str) -> None:
        assert sentence_case(text) == expected

    def test_sentence_case_keeps_escaping(self) -> None:
        assert render("{{ text|sentence_case }}", text="Fish & Chips") == "Fish &amp; chips"

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (timedelta(minutes=15), "15 minutes"),
            (timedelta(hours=1), "1 hour"),
            (timedelta(hours=2, minutes=1), "2 hours 1 minute"),
            (None, ""),
        ],
    )
    def test_duration_words(self, value: timedelta | None, expected: str) -> None:
        assert duration_words(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("#1d4f6e", "#1d4f6e"),
            ("#ABC", "#ABC"),
            ("red;} body{display:none", "#1d4f6e"),
            ("", "#1d4f6e"),
            (None, "#1d4f6e"),
        ],
    )
    def test_css_colour_lets_only_hex_colours_through(self, value: str | None, expected: str) -> None:
        assert css_colour(value) == expected

    def test_govuk_form_drops_placeholders_and_sentence_cases_labels(self) -> None:
        class AllauthLike(forms.Form):
            password = forms.CharField(
                label=gettext_lazy("New Password"),
                widget=forms.PasswordInput(attrs={"placeholder": "New Password"}),
            )

        form = AllauthLike()
        assert form["password"].label == "New Password"  # already drawn once, so cached
        html = render("{{ form|govuk_form|crispy }}", form=form)
        assert "New password" in html
        assert "New Password" not in html
        assert "placeholder" not in html


class TestHomePanel:
    def test_a_panel_renders_its_template_with_its_own_context_then_the_page_resumes(self) -> None:
        panel = ShownPanel(
            "app.sentinel",
            "From an app",
            "academy/panels/notifications.html",
            {"notifications": [SimpleNamespace(title="Review <due>", body="")]},
        )
        html = Template("{% load panels %}{% render_panel panel %}<p>{{ notifications }}</p>").render(
            Context({"panel": panel, "notifications": "The page's own value"})
        )
        assert panel.heading_id == "panel-app-sentinel"
        assert_html(
            html,
            """
            <ul class="govuk-list govuk-list--spaced"><li><strong>Review &lt;due&gt;</strong></li></ul>
            <p class="govuk-body"><a class="govuk-link" href="/notifications/">See all notifications</a></p>
            <p>The page&#x27;s own value</p>
            """,
        )
