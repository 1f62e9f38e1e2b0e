"""villages/scope.py: one scope object per user decides which places he reaches; every
``for_user`` filters through it (the role × view matrices test the pages)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from villages.models import Village
from villages.scope import UserScope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, county, township, village, own",
    [
        ("secretary_a", False, "T-A", None, False),
        ("village_secretary", False, None, "V-A1", True),
        ("resident_cadre", False, None, "V-A1", True),
        ("supervisor", True, None, None, False),
        ("admin_user", True, None, None, False),
        ("no_role_user", False, None, None, False),
    ],
)
def test_each_role_reaches_its_places(request, village_b, role, county, township, village, own):
    scope = UserScope.of(request.getfixturevalue(role))
    assert scope.sees_county is county
    assert (scope.township.code if scope.township else None) == township
    assert (scope.village.code if scope.village else None) == village
    assert (scope.own_cadre_id is not None) is own


def test_the_scope_is_computed_once_per_user(secretary_a, django_assert_num_queries):
    user = User.objects.get(pk=secretary_a.pk)
    with django_assert_num_queries(2):  # his groups, his cadre record with its places
        scope = UserScope.of(user)
    with django_assert_num_queries(0):
        assert UserScope.of(user) is scope


def test_county_roles_need_no_cadre_query(supervisor, django_assert_num_queries):
    user = User.objects.get(pk=supervisor.pk)
    with django_assert_num_queries(1):  # his groups
        assert UserScope.of(user).sees_county


def test_filter_keeps_the_rows_of_the_reached_places(secretary_a, village_secretary, supervisor, village_b):
    villages = Village.objects.order_by("code")
    assert list(UserScope.of(secretary_a).filter(villages, township=["township_id"])) == [
        village_secretary.cadre.village
    ]
    assert list(UserScope.of(village_secretary).filter(villages, village=["pk"])) == [
        village_secretary.cadre.village
    ]
    # a role whose paths are not given reaches nothing; county roles reach all unless editing
    assert not UserScope.of(village_secretary).filter(villages, township=["township_id"]).exists()
    assert UserScope.of(supervisor).filter(villages).count() == 2
    assert not UserScope.of(supervisor).filter(villages, county=False).exists()
    assert not UserScope.of(AnonymousUser()).filter(villages, township=["township_id"]).exists()


def test_the_role_query_also_brings_the_permissions(supervisor, secretary_a, django_assert_num_queries):
    """Pages ask for the role (role_required) and for permissions (``perms`` in templates,
    ``has_perm`` in views): one query for both."""
    from villages import roles

    for fixture_user in (supervisor, secretary_a):
        user = User.objects.get(pk=fixture_user.pk)
        with django_assert_num_queries(1):
            roles.role_of(user)
            user.has_perm("accountability.record_inspection")
            user.has_perm("accountability.view_inspection")
    assert supervisor.has_perm("accountability.record_inspection")
    assert not secretary_a.has_perm("accountability.record_inspection")
    assert secretary_a.has_perm("accountability.view_inspection")


def test_a_users_own_permissions_count_too(secretary_a):
    from django.contrib.auth.models import Permission

    secretary_a.user_permissions.add(Permission.objects.get(codename="lock_week"))
    user = User.objects.get(pk=secretary_a.pk)
    from villages import roles

    assert roles.role_of(user) == roles.TOWNSHIP_SECRETARY
    assert user.has_perm("accountability.lock_week")
