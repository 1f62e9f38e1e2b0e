"""Each dashboard runs the same number of SQL queries whatever the data size (HTML, JSON and
exports), pinned exactly on two synthetic counties of different sizes."""

import pytest

from accountability import synthetic

SIZES = {
    "tiny": synthetic.Scale(
        townships=2,
        villages=4,
        households_per_village=5,
        tasks_per_township=3,
        weeks=20,
        survey_households_per_village=1,
    ),
    "small": synthetic.SCALES["small"],
}

# (url, queries) for a county supervisor: session, user, groups, then the selector's queries
PAGES = [
    ("/dashboard/weekly/?week=2016-W23", 11),
    ("/dashboard/weekly/?week=2016-W23&format=json", 11),
    ("/dashboard/weekly/?week=2016-W23&export=csv&table=not_reported", 11),
    ("/dashboard/weekly/?week=2016-W23&township=ST000", 12),
    ("/dashboard/weekly/?week=2016-W23&township=ST000&village=SV00000", 12),
    ("/dashboard/weekly/", 12),
    ("/dashboard/monthly/?month=2016-06", 12),
    ("/dashboard/monthly/?month=2016-06&format=json", 12),
    ("/dashboard/monthly/?month=2016-06&export=xlsx&table=units", 12),
    ("/dashboard/monthly/?month=2016-06&township=ST000", 13),
    ("/dashboard/quarterly/?quarter=2016-Q2", 19),
    ("/dashboard/quarterly/?quarter=2016-Q2&format=json", 19),
    ("/dashboard/quarterly/?quarter=2016-Q2&export=csv&table=league", 19),
    ("/dashboard/quarterly/?quarter=2016-Q2&township=ST000", 20),
]


@pytest.mark.django_db
@pytest.mark.parametrize("size", list(SIZES))
def test_dashboard_query_count_does_not_grow_with_data(client, supervisor, django_assert_num_queries, size):
    synthetic.build(SIZES[size])
    client.force_login(supervisor)
    for url, queries in PAGES:
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
