"""The fixed cast of users and places shared by every test.

Two townships (A, B) with one village each; a township secretary for each; a village
secretary, a resident cadre and a survey worker in township A's village; a county
supervisor; an admin; a user with no role.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from villages import roles
from villages.models import Cadre, Township, Village

PASSWORD = "test-password-123"

# Fast password hashing for the whole suite (pytest-django has configured Django before
# conftest files load). PBKDF2 stays second so hashes made with it still verify.
settings.PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# WhiteNoise serves the static files in the tests as in production, but finds each file when
# it is asked for instead of listing every file of STATIC_ROOT (hundreds, once ``collectstatic``
# has run) whenever its middleware is built: the test client builds it for every client, that
# is for nearly every test.
settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, worker_id):
    """The run's migrated SQLite database, a file shared by the xdist workers of the run (in
    the parent of their temporary directories), kept by the first worker that migrates (see
    tests/migrated.py)."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "migrated.sqlite3"


@pytest.fixture(scope="session")
def _migrate_once(migrated_sqlite):
    import contextlib

    from tests.migrated import kept, shared_migrations

    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    with contextlib.ExitStack() as stack:
        stack.enter_context(shared_migrations(migrated_sqlite, kept() if sqlite else None))
        yield stack


@pytest.fixture(scope="session")
def django_db_setup(_migrate_once, django_db_setup):
    """pytest-django's test databases; on SQLite the migrations run once per run, not once
    per worker (tests/migrated.py). Only while the databases are created: a test's own
    ``migrate`` runs as it is."""
    _migrate_once.close()
    return django_db_setup


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    """Each test its own empty in-memory cache: the file cache of settings.py is shared by
    processes (pytest-xdist workers with different test databases) and outlives the run."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()


def make_user(username, group=None, **cadre_fields):
    user = User.objects.create_user(username=username, password=PASSWORD)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if group == roles.ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if cadre_fields:
        Cadre.objects.create(user=user, code=f"C-{username}", name=username, **cadre_fields)
    return user


def new_township_a():
    return Township.objects.create(code="T-A", name="甲镇", kind=Township.Kind.TOWN, poverty=True)


def new_township_b():
    return Township.objects.create(code="T-B", name="乙乡", kind=Township.Kind.TOWNSHIP)


def new_village_a(township_a):
    return Village.objects.create(code="V-A1", township=township_a, name="甲一村", poverty=True)


def new_village_b(township_b):
    return Village.objects.create(code="V-B1", township=township_b, name="乙一村")


def new_township_secretary(username, township):
    return make_user(
        username, roles.TOWNSHIP_SECRETARY, role=Cadre.Role.TOWNSHIP_SECRETARY, township=township
    )


def new_village_secretary(village_a):
    return make_user(
        "village_secretary",
        roles.VILLAGE_SECRETARY,
        role=Cadre.Role.VILLAGE_SECRETARY,
        township=village_a.township,
        village=village_a,
    )


def new_resident_cadre(village_a):
    return make_user(
        "resident_cadre",
        roles.RESIDENT_CADRE,
        role=Cadre.Role.RESIDENT_CADRE,
        township=village_a.township,
        village=village_a,
        team_slot=Cadre.TeamSlot.AGRI_CADRE,
    )


def new_survey_worker(village_a):
    return make_user(
        "survey_worker",
        roles.SURVEY_WORKER,
        role=Cadre.Role.ORDINARY,
        township=village_a.township,
        village=village_a,
    )


def new_supervisor():
    return make_user("supervisor", roles.COUNTY_SUPERVISOR, role=Cadre.Role.SUPERVISOR)


def new_admin_user():
    return make_user("admin_user", roles.ADMIN)


def new_no_role_user():
    return make_user("no_role_user")


def build_cast():
    """The whole cast at once, ``{fixture name: object}``, the same rows as the fixtures
    below (for a module that commits it once: tests/committed.py's ``committed_cast``)."""
    cast = {"township_a": new_township_a(), "township_b": new_township_b()}
    cast["village_a"] = new_village_a(cast["township_a"])
    cast["village_b"] = new_village_b(cast["township_b"])
    cast["secretary_a"] = new_township_secretary("secretary_a", cast["township_a"])
    cast["secretary_b"] = new_township_secretary("secretary_b", cast["township_b"])
    cast["village_secretary"] = new_village_secretary(cast["village_a"])
    cast["resident_cadre"] = new_resident_cadre(cast["village_a"])
    cast["survey_worker"] = new_survey_worker(cast["village_a"])
    cast["supervisor"] = new_supervisor()
    cast["admin_user"] = new_admin_user()
    cast["no_role_user"] = new_no_role_user()
    return cast


@pytest.fixture
def township_a(db):
    return new_township_a()


@pytest.fixture
def township_b(db):
    return new_township_b()


@pytest.fixture
def village_a(township_a):
    return new_village_a(township_a)


@pytest.fixture
def village_b(township_b):
    return new_village_b(township_b)


@pytest.fixture
def secretary_a(township_a):
    return new_township_secretary("secretary_a", township_a)


@pytest.fixture
def secretary_b(township_b):
    return new_township_secretary("secretary_b", township_b)


@pytest.fixture
def village_secretary(village_a):
    return new_village_secretary(village_a)


@pytest.fixture
def resident_cadre(village_a):
    return new_resident_cadre(village_a)


@pytest.fixture
def survey_worker(village_a):
    """A survey worker (测评员) of township A's village."""
    return new_survey_worker(village_a)


@pytest.fixture
def supervisor(db):
    return new_supervisor()


@pytest.fixture
def admin_user(db):
    return new_admin_user()


@pytest.fixture
def no_role_user(db):
    return new_no_role_user()


@pytest.fixture
def today():
    return dt.date(2016, 6, 8)  # a Wednesday in ISO week 2016-W23


DEMO_USERNAMES = ["admin", "supervisor", "secretary", "secretary2", "cadre", "village", "surveyor"]
_demo_built = {}  # the demo command's output while the county is in the database
_next_item = {}  # the test after the one being torn down (see pytest_runtest_teardown)


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county (``manage.py demo``), built the way a first production run builds it
    (``--if-empty --allow-demo-logins`` with DEBUG off, on the empty database) and committed;
    the command's output is the fixture's value. Tests only read it (each test's writes are
    rolled back).

    It is built once for all the tests that use it: they are run one after the other (see
    ``pytest_collection_modifyitems``; mark them ``xdist_group("demo")`` so that one worker
    has them all) and the county stays until the next test does not use it. Then it is
    removed, so that the other tests find the empty database they expect."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    from devdata import demo
    from villages.models import LivelihoodItem

    with django_db_blocker.unblock():
        if "output" not in _demo_built:
            assert not Township.objects.exists() and not User.objects.filter(username__in=DEMO_USERNAMES)
            out = io.StringIO()
            with override_settings(DEBUG=False):
                call_command("demo", "--if-empty", "--allow-demo-logins", stdout=out)
            _demo_built["output"] = out.getvalue()
        yield _demo_built["output"]
        following = _next_item.get("item")
        if following is None or "demo_county" not in following.fixturenames:
            demo.clear(users=True)
            LivelihoodItem.objects.all().delete()
            _demo_built.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    _next_item["item"] = nextitem  # read by demo_county's teardown
    return (yield)


@pytest.fixture(autouse=True)
def _role_groups_after_flush(request):
    """Transactional tests (live_server, transactional_db) end with a flush that empties every
    table, including the role groups and grants that migrations created. Put them back so the
    next transactional test finds the same database as the first one."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)
    importlib.import_module("villages.migrations.0003_admin_group_permissions").grant_permissions(apps)


@pytest.fixture(scope="session")
def compiled_translations():
    """Compile locale/*/django.po into .mo files (not committed) when they are missing or
    older than the .po, the way `make test` does, so a lone `pytest tests/x.py` sees English.
    The xdist workers take turns (a lock on the locale directory), so none reads a .mo
    another is writing."""
    import fcntl
    import os
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import trans_real

    def stale():
        return [
            po
            for locale_dir in settings.LOCALE_PATHS
            for po in Path(locale_dir).glob("*/LC_MESSAGES/django.po")
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]

    if stale():
        lock = os.open(settings.LOCALE_PATHS[0], os.O_RDONLY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if stale():  # another worker may have compiled them meanwhile
                call_command("compilemessages", ignore=[".venv"], verbosity=0)
        finally:
            os.close(lock)  # releases the lock
        # what Django's own setting_changed handler does when LOCALE_PATHS change
        trans_real._translations = {}
        trans_real._default = None
        trans_real.translation_catalog_exists.cache_clear()


# Fixtures that mean a test needs the test database (pytest-django's and ours that build on them).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "django_db_reset_sequences"}


def needs_database(item):
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def run_order(items):
    """The order in which pytest-xdist hands the tests out (``--no-loadscope-reorder``: the
    work queue is this order): first the demo county's group (the longest, so that it never
    ends the run on one worker), then the tests that need no database, then the other
    groups (each builds data once), then the rest. The first worker migrates the database
    for the demo county (tests/migrated.py) while the other runs the tests without a
    database instead of waiting for the migrated copy."""
    demo = [item for item in items if "demo_county" in getattr(item, "fixturenames", ())]
    on_demo = set(demo)
    rest = [item for item in items if item not in on_demo]
    without_database = [item for item in rest if not needs_database(item)]
    grouped = [item for item in rest if needs_database(item) and item.get_closest_marker("xdist_group")]
    placed = on_demo | set(without_database) | set(grouped)
    return demo + without_database + grouped + [item for item in rest if item not in placed]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The tests run in ``run_order`` (the demo county's tests one after the other, so that
    it is built once); and ``--dist loadgroup`` keeps grouping on pytest 9.2 (pytest-xdist
    issue 1386).

    pytest-xdist marks a test of an ``xdist_group`` by appending ``@group`` to the legacy
    ``item._nodeid``; since pytest 9.2 the node id comes from the structured ``item._id``, so
    the suffix was lost and the groups were spread over the workers like any test (the demo
    county was built on both workers). Copy xdist's id into the structured one: a no-op
    without xdist, and once xdist sets the id itself."""
    items[:] = run_order(items)
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9.2: xdist's own suffix works
        return
    for item in items:
        legacy = getattr(item, "_nodeid", None)
        if isinstance(legacy, str) and "@" in legacy and legacy != item.nodeid:
            item._id = NodeId.parse(legacy)
