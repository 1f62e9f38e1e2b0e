"""The one check for the tables whose body rows ``chishui.tables.RowsTable.body_rows``
renders (issue 15): the table's HTML is exactly what django-tables2 renders with its own
template (settings.DJANGO_TABLES2_TEMPLATE), in every language asked for."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig

from chishui.tables import ROWS_TEMPLATE, RowsTable

LANGUAGES = ("zh-hans", "en")


def tags(html):
    """The HTML without the whitespace between tags (the templates indent differently)."""
    return re.sub(r">\s+<", "><", html).strip()


def text_trimmed(html):
    """``tags(html)`` without the whitespace at the edges of a cell's text either (a header
    cell's text, indented by the template: not shown by a browser)."""
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", tags(html)))


def tbody(html):
    return tags(html.split("<tbody", 1)[1].split("</tbody>", 1)[0])


def render_both(make_table, query="", per_page=None, user=None):
    """``make_table(template_name=…)`` rendered twice for a request of ``query``: with its rows
    from ``body_rows``, then with django-tables2's template (which renders every cell itself);
    paged ``per_page`` rows a page when given, else every row."""
    request = RequestFactory().get(f"/?{query}")
    request.user = user or AnonymousUser()
    rendered, calls = [], []
    whole = make_table(template_name=ROWS_TEMPLATE)
    if per_page:
        RequestConfig(request, paginate={"per_page": per_page}).configure(whole)
    if whole._plain():  # prove a plain table is put together in Python, not by the template
        whole.as_html = lambda request: pytest.fail("a plain table went through the template")
    whole_html = whole.html(request)
    for template in (ROWS_TEMPLATE, settings.DJANGO_TABLES2_TEMPLATE):
        table = make_table(template_name=template)
        assert isinstance(table, RowsTable) and table.template_name == template
        if template == ROWS_TEMPLATE:  # prove the rows came from body_rows
            body_rows = table.body_rows
            table.body_rows = lambda body_rows=body_rows: calls.append(1) or body_rows()
        if per_page:
            RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        rendered.append(table.as_html(request))
    assert calls == [1]
    assert text_trimmed(whole_html) == text_trimmed(rendered[0])
    return rendered


def assert_same_as_django_tables2(make_table, query="", per_page=None, user=None, languages=LANGUAGES):
    """Assert the two renderings of ``render_both`` are the same HTML, in each of
    ``languages``; return the body rows as rendered, by language."""
    bodies = {}
    for language in languages:
        with translation.override(language):
            fast, generic = render_both(make_table, query, per_page, user)
        assert tags(fast) == tags(generic), language
        bodies[language] = tbody(fast)
    return bodies
