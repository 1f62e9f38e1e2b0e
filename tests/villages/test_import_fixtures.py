"""fixtures/: reference data that `loaddata` loads, and the example registry that
`import_registry` loads."""

from pathlib import Path

import pytest
from django.core.management import call_command

from accountability.models import Task
from villages.models import Household, LivelihoodItem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.django_db
def test_loaddata_loads_the_23_livelihood_items_by_name():
    call_command("loaddata", "livelihood_items", verbosity=0)
    assert LivelihoodItem.objects.count() == 23
    assert LivelihoodItem.objects.values("order").distinct().count() == 23


@pytest.mark.django_db
def test_example_registry_loads_and_reloads_without_change(capsys):
    files = sorted(str(p) for p in (FIXTURES / "registry_sample").glob("*.csv"))
    assert len(files) == 5

    call_command("import_registry", *files)
    assert (Household.objects.count(), Task.objects.count()) == (3, 2)
    capsys.readouterr()

    call_command("import_registry", *files)
    out = capsys.readouterr().out
    assert "create 0, update 0" in out and "create 3" not in out
