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
