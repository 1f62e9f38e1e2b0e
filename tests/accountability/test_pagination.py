"""Every table pages through one helper (accountability.pagination): ``per_page`` from the
query string is clamped to 1–MAX_PER_PAGE rows, and a page number that is not a number, or
is past either end, shows a page instead of an error.

The tests only read: the county is built once for the module (committed, on one xdist
worker) and removed after it, so other tests start from an empty database."""

from urllib.parse import urlencode

import pytest

from accountability.dashboards.views import DASHBOARDS
from accountability.models import Factor, Problem, Task
from accountability.oversight import scoring
from chishui import pagination
from devdata import synthetic
from tests.committed import committed_county
from villages.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("pagination-county")]

SMALL = synthetic.Scale(
    townships=3,
    villages=6,
    households_per_village=2,
    tasks_per_township=12,
    weeks=4,
    survey_households_per_village=2,
)


def build_county():
    synthetic.build(SMALL)
    township = Township.objects.order_by("code").first()
    for n in range(3):
        Problem.objects.create(township=township, factor=Factor.INDUSTRY, description=f"问题{n}")
    scoring.compute_year_end(2016)


@pytest.fixture(scope="module")
def built_county(django_db_setup, django_db_blocker):
    with committed_county(django_db_blocker, build_county):
        yield


@pytest.fixture
def county(built_county, client, supervisor):
    client.force_login(supervisor)
    return client


# each page with the query-string prefixes of its tables
LISTS = [
    ("/tasks/", [""]),
    ("/problems/", [""]),
    ("/inspections/", [""]),
    ("/actions/", [""]),
    ("/evaluations/", [""]),
    ("/year-end/2016/", ["c-", "t-"]),
] + [
    # a dashboard shows the first rows of its tables; each table in full pages
    (f"/dashboard/{spec.name}/?{spec.param}={period}&table={name}", [f"{name}-"])
    for spec, period in zip(DASHBOARDS, ["2016-W10", "2016-03", "2016-Q1", "2016"], strict=True)
    for name in spec.tables
]
HOSTILE_PER_PAGE = ["-1", "0", "-2147483649", "2147483648", "9" * 40, "abc"]
HOSTILE_PAGE = ["-1", "0", "2147483648", "9" * 5000, "x"]  # a NUL is a 400 (tests/test_hostile_requests.py)


def tables_of(response):
    context = response.context
    if "entry" in context:
        return [context["entry"]["table"]]
    return [context[name] for name in ("table", "townships", "cadres") if name in context]


def query(url, prefixes, **params):
    pairs = [(f"{prefix}{key}", value) for prefix in prefixes for key, value in params.items()]
    return url + ("&" if "?" in url else "?") + urlencode(pairs)


@pytest.mark.parametrize(("url", "prefixes"), LISTS, ids=[url for url, _ in LISTS])
def test_any_per_page_shows_a_page_of_1_to_max_rows(county, monkeypatch, url, prefixes):
    monkeypatch.setattr(pagination, "MAX_PER_PAGE", 2)
    for per_page in HOSTILE_PER_PAGE:
        response = county.get(query(url, prefixes, per_page=per_page))

        assert response.status_code == 200, per_page
        for table in tables_of(response):
            assert 1 <= len(table.page.object_list) <= 2 or not table.rows


@pytest.mark.parametrize(("url", "prefixes"), LISTS, ids=[url for url, _ in LISTS])
def test_a_page_number_out_of_range_shows_a_page(county, url, prefixes):
    for page in HOSTILE_PAGE:
        response = county.get(query(url, prefixes, page=page, per_page="-1"))

        assert response.status_code == 200, page


def test_per_page_is_clamped_to_one_and_max(county):
    tasks = Task.objects.count()
    assert tasks > pagination.MAX_PER_PAGE / 4

    negative = county.get("/tasks/?per_page=-1")
    huge = county.get("/tasks/?per_page=2147483648")

    assert len(negative.context["table"].page.object_list) == 1
    assert negative.context["table"].paginator.num_pages == tasks
    assert len(huge.context["table"].page.object_list) == min(tasks, pagination.MAX_PER_PAGE)


def test_a_page_past_the_end_shows_the_last_page(county):
    response = county.get("/tasks/?per_page=5&page=99999")

    table = response.context["table"]
    assert table.page.number == table.paginator.num_pages > 1


def test_the_default_page_size_is_unchanged(county):
    response = county.get("/tasks/")

    assert response.context["table"].paginator.per_page == 25
