"""On the demo county (``manage.py demo``), 组织定位 2016 shows the case report's figures:
128 "1+X" pairing projects with 11,357,000 yuan, 130 collective projects covering 51 poor
villages and 8,684 poor households, 56 work teams; village guarantee 1,290 → 2,764 yuan."""

import json

import pytest
from django.contrib.auth.models import User

# demo_county (tests/conftest.py): built once for this module and tests/accountability/test_demo.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_county"), pytest.mark.xdist_group("demo")]


def test_demo_overview_2016_shows_the_seed_figures(client):
    client.force_login(User.objects.get(username="supervisor"))

    data = json.loads(client.get("/organization/?year=2016&format=json").content)

    assert (data["pairing_projects"], data["pairing_funds_yuan"]) == (128, 11_357_000.0)
    assert (data["collective_projects"], data["collective_villages"], data["collective_households"]) == (
        130,
        51,
        8684,
    )
    assert data["work_teams"] == 56
    assert 0 < data["work_teams_compliant"] <= 56
    assert set(data["economic_organizations"]["coverage"]) == {"single", "joint", "instructor", "none"}
    pay = {row["year"]: row["cadre_pay_monthly"] for row in data["finance"]}
    assert (pay[2015], pay[2016]) == (1290.0, 2764.0)


def test_demo_secretary_sees_his_township_only(client):
    client.force_login(User.objects.get(username="secretary"))

    data = json.loads(client.get("/organization/?year=2016&format=json").content)

    assert data["scope"]["level"] == "township"
    assert 0 < data["pairing_projects"] < 128
