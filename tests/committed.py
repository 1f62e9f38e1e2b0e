"""Data that a module's tests only read, built once for the module instead of once per test.

``committed_county(django_db_blocker, build)`` runs ``build()`` outside any test's
transaction (committed), so every test of the module sees it and rolls back only its own
writes; afterwards the county is removed (devdata.demo.clear, the synthetic reporter, the
livelihood items), so that the next module starts from the empty database it expects. Mark
the module ``xdist_group("…")`` so that one worker builds it.
"""

from contextlib import contextmanager

from django.contrib.auth.models import User

from devdata import demo
from villages.models import LivelihoodItem


@contextmanager
def committed_county(django_db_blocker, build):
    with django_db_blocker.unblock():
        try:
            build()
            yield
        finally:
            demo.clear()
            User.objects.filter(username__endswith="-synthetic-reporter").delete()
            LivelihoodItem.objects.all().delete()


@contextmanager
def committed_cast(django_db_blocker):
    """tests/conftest.py's cast (``build_cast``: ``{fixture name: object}``), committed for
    a module whose tests only read it (each test's writes are rolled back), then removed with
    everything the module built on it (devdata.demo.clear: the county's tables and their
    audit history; the livelihood items). The module's fixture builds its own rows inside this block; its tests
    take the cast from ``fresh``. Mark the module ``xdist_group("…")``."""
    from tests.conftest import build_cast

    with django_db_blocker.unblock():
        try:
            cast = build_cast()
            yield cast
        finally:
            demo.clear()
            User.objects.filter(username__in=CAST_USERS).delete()
            LivelihoodItem.objects.all().delete()


CAST_USERS = [
    "secretary_a",
    "secretary_b",
    "village_secretary",
    "resident_cadre",
    "survey_worker",
    "supervisor",
    "admin_user",
    "no_role_user",
]


def fresh(cast):
    """The committed cast read again from the database, for one test: no test sees an object
    another test changed in memory (``last_login`` set by a login, a cached relation)."""
    return {name: type(obj).objects.get(pk=obj.pk) for name, obj in cast.items()}
