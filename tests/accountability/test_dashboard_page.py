"""A dashboard page caches its head and body only (views._page), not the selector's whole
dict: its HTML is the one the whole dict made, and the JSON, built apart, is still the
whole dict."""

import re

import pytest
from django.core.cache import cache as django_cache

from accountability.dashboards import selectors, summaries, views
from accountability.periods import Month, Quarter, Week, Year
from devdata import synthetic
from tests.committed import committed_county
from villages.models import Township, Village

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("page-county")]

PERIODS = {
    "weekly": Week(2016, 23),
    "monthly": Month(2016, 6),
    "quarterly": Quarter(2016, 2),
    "yearly": Year(2016),
}
PLACES = {
    "county": {},
    "township": {"township": "ST000"},
    "village": {"township": "ST000", "village": "SV00000"},
}


def build_county():
    synthetic.build("small")
    summaries.rebuild()


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with committed_county(django_db_blocker, build_county):
        yield


def per_request(html):
    """The page without what differs between two requests: the CSRF tokens, the print time."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"生成时间 [0-9: -]+", "", html)


def url(spec, place, **extra):
    return {spec.param: str(PERIODS[spec.name]), **PLACES[place], **extra}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("spec", views.DASHBOARDS, ids=lambda spec: spec.name)
def test_the_page_is_the_one_the_whole_dict_makes(client, supervisor, county, monkeypatch, spec, place):
    client.force_login(supervisor)
    path = f"/dashboard/{spec.name}/"
    django_cache.clear()
    page = client.get(path, url(spec, place))
    assert page.status_code == 200
    again = client.get(path, url(spec, place))  # from the cache: the same page
    assert per_request(again.content.decode()) == per_request(page.content.decode())
    # the page's piece is its head and body, not the whole dict: the page did not store the
    # JSON's dict, which is built when asked for
    whole = client.get(path, url(spec, place, format="json")).json()
    assert set(page.context["data"]) < set(whole)

    def as_before(request, spec, scope, period):
        """The page as it was made from the whole dict: context ``data`` was that dict."""
        data = spec.build(scope, period)
        return data, views._body(request, spec, data, scope, period)

    monkeypatch.setattr(views, "_page", as_before)
    django_cache.clear()
    before = client.get(path, url(spec, place))
    assert before.context["data"] == whole  # the whole dict, as the JSON has it
    assert per_request(page.content.decode()) == per_request(before.content.decode())


def test_a_figure_the_head_left_out_would_show(client, supervisor, county, monkeypatch):
    # the comparison above fails when the page's template reads a figure its head does not
    # keep (here the period's label, in the title and the heading)
    client.force_login(supervisor)
    django_cache.clear()
    monkeypatch.setattr(views, "HEAD", tuple(key for key in views.HEAD if key != "label"))
    html = per_request(client.get("/dashboard/quarterly/", url(views.QUARTERLY, "county")).content.decode())

    def as_before(request, spec, scope, period):
        data = spec.build(scope, period)
        return data, views._body(request, spec, data, scope, period)

    monkeypatch.setattr(views, "_page", as_before)
    django_cache.clear()
    before = client.get("/dashboard/quarterly/", url(views.QUARTERLY, "county")).content.decode()
    assert html != per_request(before)


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("spec", views.DASHBOARDS, ids=lambda spec: spec.name)
def test_the_json_is_the_selectors_whole_dict(client, supervisor, county, spec, place):
    # after the page (cached: its piece only), the JSON is the whole dict, every row
    client.force_login(supervisor)
    path = f"/dashboard/{spec.name}/"
    django_cache.clear()
    client.get(path, url(spec, place))
    response = client.get(path, url(spec, place, format="json"))
    township = Township.objects.get(code="ST000") if place != "county" else None
    village = Village.objects.get(code="SV00000") if place == "village" else None
    scope = selectors.Scope(township=township, village=village)
    whole = views.JsonResponse(
        spec.build(scope, PERIODS[spec.name]), json_dumps_params={"ensure_ascii": False}
    )
    assert response.content == whole.content


@pytest.mark.parametrize("place", ["county", "township"])
def test_a_drill_link_is_the_pages_url_with_the_place(rf, county, place):
    township = Township.objects.get(code="ST000")
    scope = selectors.Scope(township=township if place == "township" else None)
    period = PERIODS["quarterly"]
    request = rf.get("/dashboard/quarterly/")
    drill = views._drill(request, views.QUARTERLY, period, scope)
    for code in ["ST001", "SV00000", "A B&C=?", "", None]:
        if place == "county":
            expected = views._url(request, views.QUARTERLY, period, township=code)
        else:
            expected = views._url(request, views.QUARTERLY, period, township="ST000", village=code)
        assert drill(code) == expected, code
    village = Village.objects.get(code="SV00000")
    assert views._drill(request, views.QUARTERLY, period, selectors.Scope(township, village)) is None
