"""A user's groups and permissions are read by one query whose SQL is compiled once per
database (``villages.roles._rows_of``) and run with the user's id: the same rows the ORM
query gives, for every kind of user, one query a request."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from villages import roles

pytestmark = pytest.mark.django_db


def orm_rows(user, full):
    return sorted(roles._groups_and_permissions(user.pk, full))


@pytest.fixture
def users():
    supervisors = Group.objects.get(name=roles.COUNTY_SUPERVISOR)
    secretaries = Group.objects.get(name=roles.TOWNSHIP_SECRETARY)
    own = Permission.objects.get(codename="view_household")
    plain = User.objects.create_user("plain")
    both = User.objects.create_user("both")
    both.groups.add(supervisors, secretaries)
    both.user_permissions.add(own)
    mine = User.objects.create_user("mine")
    mine.user_permissions.add(own)
    inactive = User.objects.create_user("inactive", is_active=False)
    inactive.groups.add(secretaries)
    boss = User.objects.create_superuser("boss")  # no group: a superuser is an admin
    return [plain, both, mine, inactive, boss]


def test_the_compiled_query_gives_what_the_orm_gives_for_every_user(users):
    for user in users * 2:  # the second time from the compiled SQL of the first
        full = not user.is_superuser and user.is_active
        assert sorted(roles._rows_of(user, full)) == orm_rows(user, full), user.username


def test_roles_and_permissions_come_from_one_query(users):
    plain, both, mine, inactive, boss = (User.objects.get(pk=user.pk) for user in users)
    with CaptureQueriesContext(connection) as queries:
        assert roles.role_of(both) == roles.COUNTY_SUPERVISOR
        assert both.has_perm("villages.view_household") and both.has_perm("accountability.view_task")
        assert roles.role_of(mine) is None and mine.has_perm("villages.view_household")
        assert roles.role_of(plain) is None and not plain.has_perm("villages.view_household")
        assert roles.role_of(inactive) == roles.TOWNSHIP_SECRETARY
        assert roles.role_of(boss) == roles.ADMIN
    assert len(queries) == 5  # one a user: his groups and his permissions together
    assert all(str(query["sql"]).count(str(roles._NOBODY)) == 0 for query in queries.captured_queries)
