"""Each dashboard runs the same number of SQL queries whatever the data size (HTML, JSON,
exports and a table in full), uncached, cached, and built again after a weekly report's write
(the headline from the cache), pinned exactly on two synthetic counties of different sizes."""

import pytest
from django.core.cache import cache

from accountability.dashboards import summaries
from chishui import cache as shared_cache
from devdata import synthetic

SIZES = {
    "tiny": synthetic.Scale(
        townships=2,
        villages=4,
        households_per_village=5,
        tasks_per_township=3,
        weeks=26,
        survey_households_per_village=1,
    ),
    "small": synthetic.SCALES["small"],
}

# (url, live queries, queries with the summary tables built, queries when cached) for a
# county supervisor: session, user, groups, then the selector's queries; drilled-down pages
# are live either way. The second request of a page finds its figures and tables in the cache
# (accountability/dashboards/cache.py): session, user and groups, then the scope's township
# and village; exports are not cached. A weekly page in HTML also asks, per request, its 提醒
# panel's count (the county's findings past their rectification deadline) and, when its
# tables are built, which of the listed task codes link to the task page (one query).
# The last column: the queries of the headline (villages/headline.py), which a page built
# again after a weekly report's write reads from the cache (the households version) — and an
# export's second request too.
PAGES = [
    ("/dashboard/weekly/?week=2016-W23", 14, 12, 4, 0),
    ("/dashboard/weekly/?week=2016-W23&format=json", 12, 10, 3, 0),
    ("/dashboard/weekly/?week=2016-W23&export=csv&table=not_reported", 12, 10, None, 0),
    ("/dashboard/weekly/?week=2016-W23&table=not_reported", 13, 11, None, 0),
    ("/dashboard/weekly/?week=2016-W23&township=ST000", 14, 14, 5, 0),
    ("/dashboard/weekly/?week=2016-W23&township=ST000&village=SV00000", 14, 14, 6, 0),
    ("/dashboard/weekly/", 15, 13, 4, 0),
    ("/dashboard/monthly/?month=2016-06", 13, 13, 3, 2),
    ("/dashboard/monthly/?month=2016-06&format=json", 13, 13, 3, 2),
    ("/dashboard/monthly/?month=2016-06&export=xlsx&table=units", 13, 13, None, 2),
    ("/dashboard/monthly/?month=2016-06&township=ST000", 13, 13, 4, 2),
    ("/dashboard/quarterly/?quarter=2016-Q2", 15, 15, 3, 0),
    ("/dashboard/quarterly/?quarter=2016-Q2&format=json", 15, 15, 3, 0),
    ("/dashboard/quarterly/?quarter=2016-Q2&export=csv&table=league", 15, 15, None, 0),
    ("/dashboard/quarterly/?quarter=2016-Q2&township=ST000", 15, 15, 4, 0),
    ("/dashboard/yearly/?year=2016", 6, 6, 3, 2),
    ("/dashboard/yearly/?year=2016&format=json", 6, 6, 3, 2),
    ("/dashboard/yearly/?year=2016&export=xlsx&table=units", 6, 6, None, 2),
    ("/dashboard/yearly/?year=2016&township=ST000", 6, 6, 4, 2),
    ("/dashboard/yearly/?year=2016&township=ST000&village=SV00000", 5, 5, 5, 0),
    ("/dashboard/yearly/", 7, 7, 3, 2),
]


@pytest.mark.django_db
@pytest.mark.parametrize("with_summaries", [False, True], ids=["live", "summary-tables"])
@pytest.mark.parametrize("size", list(SIZES))
def test_dashboard_query_count_does_not_grow_with_data(
    client, supervisor, django_assert_num_queries, size, with_summaries
):
    synthetic.build(SIZES[size])
    if with_summaries:
        summaries.rebuild()
    client.force_login(supervisor)
    for url, live, summary, cached, headline in PAGES:
        cache.clear()
        uncached = summary if with_summaries else live
        with django_assert_num_queries(uncached):
            response = client.get(url)
        assert response.status_code == 200, url
        with django_assert_num_queries(uncached - headline if cached is None else cached):
            again = client.get(url)
        assert again.status_code == 200, url
        if "format=json" in url:
            assert again.json() == response.json(), url
        shared_cache.invalidate(households=False)  # what a weekly report's write invalidates
        with django_assert_num_queries(uncached - headline):
            rebuilt = client.get(url)
        assert rebuilt.status_code == 200, url
        if "format=json" in url:
            assert rebuilt.json() == response.json(), url
