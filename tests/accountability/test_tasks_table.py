"""The task list's rows are built by ``RowsTable.body_rows`` (chishui/tables.py) instead of
django-tables2's per-cell template (checked by the helper of tests/tables.py), and its village filter by ``JoinedSelect`` instead of a template an option
(issue 15): the page must stay exactly what django-tables2 and Django render, in every state."""

import datetime as dt

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse, set_script_prefix
from django_tables2 import RequestConfig

from accountability.tasks import selectors
from accountability.tasks.filters import JoinedSelect, TaskFilter
from accountability.tasks.tables import TaskTable, task_url
from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task
from tests.tables import assert_same_as_django_tables2

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def tasks(secretary_a, village_a, fixed_today):
    """Done, in progress and reported this week, overdue and never reported, not started,
    and a title that needs escaping."""
    done = make_task(secretary_a, "A-01", village=village_a, title="修通组路", target=10)
    make_report(done, LAST_WEEK, "10", secretary_a)
    going = make_task(secretary_a, "A-02", title="产业覆盖", target=100)
    make_report(going, LAST_WEEK, "20", secretary_a)
    make_report(going, THIS_WEEK, "35.5", secretary_a)
    make_task(secretary_a, "A-03", title="危房改造", due_on=dt.date(2016, 6, 1))
    make_task(secretary_a, "A-04", title='培训 <b>"夜校"</b> & 考核', village=village_a, factor="talent")
    zero = make_task(secretary_a, "A-05", title="起步", due_on=dt.date(2016, 5, 1))
    make_report(zero, LAST_WEEK, "0", secretary_a)


def task_table(user, done_only=False):
    """The task list's table of ``user`` (only the finished tasks: ``done_only``)."""

    def make_table(**kwargs):
        rows = selectors.tasks_for_list(user)
        if done_only:
            rows = rows.filter(status=selectors.Status.DONE)
        return TaskTable(rows, **kwargs)

    return make_table


@pytest.mark.parametrize("query", ["", "page=2", "sort=-latest_percent", "sort=village&page=2"])
def test_the_rows_are_what_django_tables2_renders(secretary_a, tasks, query):
    bodies = assert_same_as_django_tables2(task_table(secretary_a), query, per_page=3)

    for body in bodies.values():
        assert body.count("<tr ") == (2 if "page=2" in query else 3)


@pytest.mark.usefixtures("compiled_translations")
def test_the_rows_are_what_django_tables2_renders_in_english(secretary_a, tasks):
    """The factor's labels are translated once a page (``cell_plan``), in the page's language."""
    bodies = assert_same_as_django_tables2(task_table(secretary_a), per_page=10)
    assert "Talent" in bodies["en"] and "人才" not in bodies["en"]
    assert "人才" in bodies["zh-hans"]


@pytest.mark.parametrize("sort", ["", "-latest_percent", "latest_percent", "village", "-owner", "-due_on"])
def test_each_page_holds_the_rows_of_the_lists_order(secretary_a, tasks, sort):
    """The page's rows are read by ``selectors.page_of`` (sliced over the tasks alone, then
    joined): the same rows in the same order as the plain slice of the ordered list."""
    for page in (1, 2):
        request = RequestFactory().get("/tasks/", {"sort": sort, "page": page})
        request.user = secretary_a
        table = TaskTable(selectors.tasks_for_list(secretary_a))
        RequestConfig(request, paginate={"per_page": 3}).configure(table)
        shown = [row.record.code for row in table.page.object_list]
        bottom = (page - 1) * 3
        assert shown == [task.code for task in table.data.data[bottom : bottom + 3]]
        assert len(shown) == (3 if page == 1 else 2)


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 10])
@pytest.mark.parametrize("sort", ["", "-due_on", "nonsense"])
def test_pages_read_in_deadline_order_hold_the_rows_of_the_lists_order(
    secretary_a, village_a, tasks, per_page, sort
):
    """With its urgency counts (the unfiltered list) a page of the list's own order is read
    in deadline order where it lies within one urgency (``page_in_deadline_order``): every
    page holds the same rows in the same order as the slice of the whole sorted list."""
    for code, due in (
        ("B-01", dt.date(2016, 5, 2)),
        ("B-02", dt.date(2016, 7, 1)),
        ("B-03", dt.date(2016, 8, 1)),
    ):
        make_task(secretary_a, code, due_on=due)  # more of the overdue and to-report ones
    every_task = selectors.tasks_for_list(secretary_a)
    by_urgency = selectors.urgency_counts(every_task)
    assert len(by_urgency) >= 3 and sum(by_urgency.values()) == every_task.count() == 8
    whole = [task.code for task in selectors.tasks_for_list(secretary_a)]
    read_in_deadline_order = 0
    for page in range(1, 8 // per_page + 2):
        request = RequestFactory().get("/tasks/", {"sort": sort, "page": page} if sort else {"page": page})
        request.user = secretary_a
        table = TaskTable(selectors.tasks_for_list(secretary_a), by_urgency=by_urgency)
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        bottom = (table.page.number - 1) * per_page
        ordered = whole if sort != "-due_on" else [t.code for t in every_task.order_by("-due_on", "-code")]
        assert [row.record.code for row in table.page.object_list] == ordered[bottom : bottom + per_page]
        if selectors.page_in_deadline_order(every_task, by_urgency, bottom, min(bottom + per_page, 8)):
            read_in_deadline_order += 1
    if per_page <= 3:  # 3 to report, 3 overdue, 1 reported, 1 done: some pages lie in one
        assert read_in_deadline_order > 0


def test_a_page_straddling_two_urgencies_or_deep_into_one_sorts_them_all(secretary_a, tasks):
    every_task = selectors.tasks_for_list(secretary_a)
    by_urgency = {selectors.Urgency.TO_REPORT: 2, selectors.Urgency.OVERDUE: 3}
    assert selectors.page_in_deadline_order(every_task, by_urgency, 0, 2) is not None
    assert selectors.page_in_deadline_order(every_task, by_urgency, 1, 3) is None  # straddles
    assert selectors.page_in_deadline_order(every_task, by_urgency, 2, 5) is not None
    deep = {selectors.Urgency.TO_REPORT: 10, selectors.Urgency.OVERDUE: 100_000}
    assert selectors.page_in_deadline_order(every_task, deep, 10, 35) is not None
    assert selectors.page_in_deadline_order(every_task, deep, 50_000, 50_025) is None


def test_the_cells_carry_every_state(secretary_a, tasks):
    body = assert_same_as_django_tables2(task_table(secretary_a), "per_page=5", per_page=3)["zh-hans"]

    assert "培训 &lt;b&gt;&quot;夜校&quot;&lt;/b&gt; &amp; 考核" in body  # escaped, once
    assert 'data-label="最新进度">—</td>' in body  # never reported
    assert "35.5%" in body and "0.0%" in body
    assert '<td class="cell-due" data-label="完成时限">2016-06-01</td>' in body
    assert 'class="to-report even"' in body or 'class="to-report odd"' in body


def test_an_empty_page_says_so(secretary_a, fixed_today):
    bodies = assert_same_as_django_tables2(task_table(secretary_a, done_only=True), per_page=3)

    assert "没有符合条件的任务。" in bodies["zh-hans"] and "<tr " not in bodies["en"].replace(
        "<tr><td colspan", ""
    )


@pytest.mark.parametrize(
    "choices",
    [
        [("", "全部"), (1, "甲村"), (2, '乙村 <"&">')],
        [("", "全部"), ("一组", [(3, "丙村"), (4, "丁村")]), (5, "戊村")],
    ],
)
@pytest.mark.parametrize("value", [None, "", 2, "4"])
def test_the_village_select_is_what_django_renders(choices, value):
    attrs = {"id": "id_village", "aria-invalid": "true", "required": True, "disabled": False}
    joined = JoinedSelect(choices=choices).render("village", value, attrs)
    django = forms.Select(choices=choices).render("village", value, attrs)

    assert joined == django
    offered = set()
    for choice, label in choices:
        offered |= {str(v) for v, _label in label} if isinstance(label, list) else {str(choice)}
    chosen = "" if value is None else str(value)  # None chooses the empty option
    assert (" selected>" in joined) == (chosen in offered)


def test_the_task_filter_offers_the_villages_through_it(rf, secretary_a, village_a, tasks):
    request = rf.get("/tasks/", {"village": village_a.pk})
    request.user = secretary_a
    field = TaskFilter(request.GET, queryset=selectors.tasks_for_list(secretary_a), request=request).form[
        "village"
    ]

    assert isinstance(field.field.widget, JoinedSelect)
    assert f'<option value="{village_a.pk}" selected>{village_a}</option>' in str(field)


@pytest.mark.parametrize("chosen", [None, "village_a"])
def test_the_village_choices_read_as_rows_are_what_the_model_choices_render(
    rf, secretary_a, village_a, tasks, chosen
):
    """The village filter reads its choices as (pk, name) rows (``NameChoiceIterator``), not
    as model instances: the options are the ones Django's own ModelChoiceField renders with
    ``str(village)`` as the label, the chosen one selected."""
    import django_filters

    from accountability.tasks.filters import VillageChoiceField, visible_villages

    value = village_a.pk if chosen else None
    light = VillageChoiceField(queryset=visible_villages(secretary_a), empty_label="全部")
    plain = django_filters.fields.ModelChoiceField(queryset=visible_villages(secretary_a), empty_label="全部")
    assert light.widget.render("village", value) == plain.widget.render("village", value)
    assert light.clean(str(village_a.pk)) == village_a
    assert len(list(light.choices)) == visible_villages(secretary_a).count() + 1


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"factor": "talent", "status": "done", "overdue": "yes", "reported": "no"},
        {"status": "bad", "village": "x"},
    ],
)
def test_every_select_of_the_task_filter_is_what_django_renders(rf, secretary_a, village_a, tasks, query):
    """Every select of the filter form (the village and the four short lists) is joined in
    Python (``JoinedSelect``): each renders what Django's own ``Select`` renders, chosen
    values and refused ones included."""
    request = rf.get("/tasks/", query)
    request.user = secretary_a
    form = TaskFilter(
        request.GET or None, queryset=selectors.tasks_for_list(secretary_a), request=request
    ).form
    form.is_valid()
    for name in ("village", "factor", "status", "overdue", "reported"):
        field = form.fields[name]
        assert isinstance(field.widget, JoinedSelect)
        joined = str(form[name])
        field.widget = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
        assert str(form[name]) == joined
        chosen = query.get(name)
        if chosen in {"talent", "done", "yes", "no"}:
            assert f'value="{chosen}" selected>' in joined


@pytest.mark.parametrize("prefix", ["/", "/chishui/"])
def test_the_task_address_is_what_reverse_gives(prefix):
    """``task_url`` reverses the task page once (per script prefix) and puts each pk in it."""
    old = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for pk in (1, 7, 42, 918273645, 10**12):
            assert task_url(pk) == reverse("accountability:task_detail", args=[pk])
        assert task_url(5).startswith(prefix)
    finally:
        set_script_prefix(old)


def test_the_cells_of_closed_out_tasks_and_every_factor_are_what_django_tables2_renders(
    secretary_a, village_a, fixed_today
):
    # the list's own columns are joined from parts worked out once a page
    # (TaskTable.cell_plan): a task closed out at a year's end, one per factor, with and
    # without a village, reported or not, in both languages
    from accountability.models import Factor, Task

    for index, factor in enumerate(Factor.values):
        task = make_task(
            secretary_a,
            f"C-{index:02}",
            village=village_a if index % 2 else None,
            factor=factor,
            due_on=dt.date(2016, 1, 1) + dt.timedelta(days=40 * index),
        )
        if index % 3 == 0:
            make_report(task, THIS_WEEK if index % 2 else LAST_WEEK, "30", secretary_a)
    closed = Task.objects.filter(code__in=["C-00", "C-01"])
    closed.update(closure=Task.Closure.UNFINISHED, closed_on=dt.date(2016, 1, 5))
    Task.objects.filter(code="C-02").update(closure=Task.Closure.CARRIED_OVER, closed_on=dt.date(2016, 1, 5))

    bodies = assert_same_as_django_tables2(task_table(secretary_a), per_page=50)

    for language, closure in (("zh-hans", "未完成结项"), ("en", "Closed unfinished")):
        assert f'<span class="badge">{closure}</span>' in bodies[language]
    assert bodies["zh-hans"].count("<tr ") == len(Factor.values)
    assert all(f">{label}</td>" in bodies["zh-hans"] for label in Factor.labels)
