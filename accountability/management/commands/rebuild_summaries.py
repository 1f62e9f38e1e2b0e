"""``python manage.py rebuild_summaries``: build the dashboards' summary tables from scratch
(accountability/summaries.py). Writes keep them exact afterwards; run it after loading
data by other means than the app (SQL, loaddata), or nightly as a safety net."""

import time

from django.core.management.base import BaseCommand

from accountability.dashboards import summaries


class Command(BaseCommand):
    help = "Rebuild the summary tables of the county-level dashboards."

    def handle(self, *args, **options):
        started = time.perf_counter()
        built = summaries.rebuild()
        self.stdout.write(
            f"weeks {built['weeks']}, months {built['months']}, survey rounds {built['rounds']}, "
            f"quarters {built['quarters']}: "
            f"{time.perf_counter() - started:.1f} s"
        )
