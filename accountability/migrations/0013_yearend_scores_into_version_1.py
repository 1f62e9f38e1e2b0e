"""The year-end scores stored before versions existed are kept: each year's rows become its
published version 1 (their parts were not stored then and stay empty)."""

from django.db import migrations
from django.utils import timezone


def existing_scores_into_version_1(apps, schema_editor):
    YearEndRun = apps.get_model("accountability", "YearEndRun")
    YearEndScore = apps.get_model("accountability", "YearEndScore")
    now = timezone.now()
    for year in YearEndScore.objects.order_by("year").values_list("year", flat=True).distinct():
        run = YearEndRun.objects.create(year=year, number=1, status="published", computed_at=now, published_at=now)
        YearEndScore.objects.filter(year=year).update(run=run)


def version_1_back_into_scores(apps, schema_editor):
    YearEndScore = apps.get_model("accountability", "YearEndScore")
    YearEndScore.objects.exclude(run__status="published").delete()
    YearEndScore.objects.update(run=None)
    apps.get_model("accountability", "YearEndRun").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accountability", "0012_yearend_versions_parts_reviews")]

    operations = [migrations.RunPython(existing_scores_into_version_1, version_1_back_into_scores)]
