"""The tables of villages' pages page through chishui/pagination.py: a hostile ``per_page``
(negative, zero, huge) shows a page of 1–100 rows instead of a 500."""

import pytest
from django.urls import reverse

from tests.villages import organization_factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("per_page", ["-1", "0", "-9223372036854775809", "2147483648"])
@pytest.mark.parametrize(
    "url, parameter",
    [
        (reverse("villages:organization"), "units-per_page"),
        (reverse("villages:organization_records", args=["finance"]), "per_page"),
        (reverse("villages:satisfaction"), "villages-per_page"),
        (reverse("villages:satisfaction_units"), "cadres-per_page"),
    ],
)
def test_a_hostile_page_size_shows_a_bounded_page(client, supervisor, township_a, url, parameter, per_page):
    organization_factories.build(township_a, 2)
    client.force_login(supervisor)

    response = client.get(url, {parameter: per_page, "year": "2016"})

    assert response.status_code == 200
