"""``manage.py compute_year_end YEAR [--publish]``: compute the year-end scores of a year
(townships and cadres; C1, C2, C4) into a new draft version, and with ``--publish`` publish
it. The formula is in ``accountability/oversight/scoring.py`` and docs/scoring.md."""

from django.core.management.base import BaseCommand, CommandError

from accountability import periods
from accountability.oversight import scoring
from accountability.oversight.forms import FIRST_YEAR


class Command(BaseCommand):
    help = "Compute the year-end scores (年终考评) of YEAR: townships and cadres, satisfaction 12%."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the year, e.g. 2016")
        parser.add_argument(
            "--publish", action="store_true", help="publish the new version (the published one is superseded)"
        )

    def handle(self, *args, year, publish=False, **options):
        if not FIRST_YEAR <= year <= periods.today().year:
            raise CommandError(
                f"YEAR must be between {FIRST_YEAR} and this year ({periods.today().year}), got {year}"
            )
        result = scoring.compute_and_publish(year) if publish else scoring.compute_year_end(year)
        state = "published" if publish else "draft"
        self.stdout.write(
            f"{result.year}: version {result.number} ({state}): {result.townships} townships, "
            f"{result.cadres} cadres scored; {result.vetoed} vetoed"
        )
