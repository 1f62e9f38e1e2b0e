"""The import benchmark figure: both loads run, their rows counted, nothing left behind."""

import pytest

from devdata import import_benchmark
from villages.models import Household, Township, Village


@pytest.mark.django_db
def test_benchmark_times_both_loads_and_leaves_nothing_behind():
    result = import_benchmark.run(households=200, villages=4)

    assert result["rows"] == 1 + 4 + 200
    assert result["import_seconds"] >= 0 and result["import_rows_per_second"] > 0
    assert result["loaddata_rows_per_second"] > 0
    assert (Township.objects.count(), Village.objects.count(), Household.objects.count()) == (0, 0, 0)
    assert Household.history.count() == 0
