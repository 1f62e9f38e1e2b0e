"""The role × view matrices of the access tests: every role of tests/conftest.py's cast,
plus an anonymous visitor, against every view, GET and POST."""

import pytest
from django.urls import reverse

ROLES = [
    "secretary_a",
    "secretary_b",
    "village_secretary",
    "resident_cadre",
    "supervisor",
    "admin_user",
    "no_role_user",
    "survey_worker",
    "anonymous",
]
# A survey worker (测评员) only enters satisfaction answers: a matrix written before his role
# existed (one status per role but his) gets him the status of the user without a role.
LEGACY_ROLES = [role for role in ROLES if role != "survey_worker"]


def statuses_by_role(statuses):
    if len(statuses) == len(LEGACY_ROLES):
        by_role = dict(zip(LEGACY_ROLES, statuses, strict=True))
        by_role["survey_worker"] = by_role["no_role_user"]
        return [by_role[role] for role in ROLES]
    return statuses


def cases(matrix):
    """``{(view, method): [status per role, in the order of ROLES]}`` as pytest params."""
    return [
        pytest.param(view, method, role, expected, id=f"{view}-{method}-{role}")
        for (view, method), statuses in matrix.items()
        for role, expected in zip(ROLES, statuses_by_role(statuses), strict=True)
    ]


def check_access(client, request, role, method, url, data, expected, counts, users=None):
    """Request ``url`` as ``role`` (the fixture of that name, or ``users[role]``: a module's
    committed cast, tests/committed.py); assert the status, that anonymous users are sent to
    the login page, that a refused request writes nothing (``counts()`` unchanged) and that
    an allowed POST does write."""
    if role != "anonymous":
        client.force_login(users[role] if users is not None else request.getfixturevalue(role))
    before = counts()
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response.url.startswith(reverse("login"))
    if method == "POST" and expected != 302 or role == "anonymous":
        assert counts() == before  # a refused request writes nothing
    elif method == "POST":
        assert counts() != before  # an allowed POST did write
