"""Who may open which dashboard, and where: role × dashboard × place (scope_for), for the
page, its JSON and a table of it in full."""

import pytest
from django.urls import reverse

DASHBOARDS = [
    ("accountability:dashboard_weekly", "week=2016-W23"),
    ("accountability:dashboard_monthly", "month=2016-06"),
    ("accountability:dashboard_quarterly", "quarter=2016-Q2"),
    ("accountability:dashboard_yearly", "year=2016"),
]

# a table of each dashboard, shown in full with ``&table=NAME``: the same access as the page
FULL_TABLE = {
    "accountability:dashboard_weekly": "not_reported",
    "accountability:dashboard_monthly": "units",
    "accountability:dashboard_quarterly": "league",
    "accountability:dashboard_yearly": "units",
}

# place → query string; the cast: township A holds village V-A1, township B holds V-B1
PLACES = {
    "county": "",
    "own_township": "&township=T-A",
    "other_township": "&township=T-B",
    "own_village": "&village=V-A1",
    "other_village": "&village=V-B1",
}

# expected status (and, when 200, the scope level the page shows) per role and place
MATRIX = {
    "supervisor": {
        "county": (200, "county"),
        "own_township": (200, "township"),
        "other_township": (200, "township"),
        "own_village": (200, "village"),
        "other_village": (200, "village"),
    },
    "admin_user": {
        "county": (200, "county"),
        "own_township": (200, "township"),
        "other_township": (200, "township"),
        "own_village": (200, "village"),
        "other_village": (200, "village"),
    },
    "secretary_a": {
        "county": (200, "township"),
        "own_township": (200, "township"),
        "other_township": (404, None),
        "own_village": (200, "village"),
        "other_village": (404, None),
    },
    "village_secretary": {
        "county": (200, "village"),
        "own_township": (200, "village"),
        "other_township": (404, None),
        "own_village": (200, "village"),
        "other_village": (404, None),
    },
    "resident_cadre": {
        "county": (200, "village"),
        "own_township": (200, "village"),
        "other_township": (404, None),
        "own_village": (200, "village"),
        "other_village": (404, None),
    },
    "no_role_user": dict.fromkeys(PLACES, (403, None)),
}


@pytest.fixture
def cast(
    supervisor,
    admin_user,
    secretary_a,
    secretary_b,
    village_secretary,
    resident_cadre,
    no_role_user,
    village_b,
):
    return {
        "supervisor": supervisor,
        "admin_user": admin_user,
        "secretary_a": secretary_a,
        "village_secretary": village_secretary,
        "resident_cadre": resident_cadre,
        "no_role_user": no_role_user,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MATRIX))
def test_role_sees_dashboards_only_within_scope(client, cast, role):
    client.force_login(cast[role])
    for url_name, period in DASHBOARDS:
        for place, query in PLACES.items():
            status, level = MATRIX[role][place]
            url = f"{reverse(url_name)}?{period}{query}"
            response = client.get(f"{url}&format=json")
            assert response.status_code == status, (url_name, place)
            assert client.get(url).status_code == status, (url_name, place)
            assert client.get(f"{url}&table={FULL_TABLE[url_name]}").status_code == status, (url_name, place)
            if status == 200:
                assert response.json()["scope"]["level"] == level, (url_name, place)


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "period"), DASHBOARDS)
def test_village_cadres_see_their_own_village_by_default(client, cast, url_name, period):
    client.force_login(cast["village_secretary"])
    scope = client.get(f"{reverse(url_name)}?{period}&format=json").json()["scope"]
    assert scope["village"] == {"code": "V-A1", "name": "甲一村"}
    assert scope["township"]["code"] == "T-A"


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "period"), DASHBOARDS)
def test_anonymous_user_is_sent_to_login(client, url_name, period):
    response = client.get(f"{reverse(url_name)}?{period}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(reverse(url_name)).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MATRIX))
def test_dashboards_refuse_post_for_every_role(client, cast, role):
    client.force_login(cast[role])
    for url_name, period in DASHBOARDS:
        response = client.post(f"{reverse(url_name)}?{period}", {"week": "2016-W23"})
        assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "period"), DASHBOARDS)
def test_village_outside_the_requested_township_is_404(client, cast, url_name, period):
    client.force_login(cast["supervisor"])
    response = client.get(f"{reverse(url_name)}?{period}&township=T-A&village=V-B1")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "period"), DASHBOARDS)
def test_unknown_codes_are_404_not_500(client, cast, url_name, period):
    client.force_login(cast["supervisor"])
    assert client.get(f"{reverse(url_name)}?{period}&township=NOPE").status_code == 404
    assert client.get(f"{reverse(url_name)}?{period}&village=%3Cscript%3E").status_code == 404
