"""``manage.py compute_year_end YEAR``: compute and store the year-end scores of a year
(townships and cadres; C2, C4). The formula is in ``accountability/scoring.py`` and the
README section "Year-end scores"."""

from django.core.management.base import BaseCommand, CommandError

from accountability import periods
from accountability.oversight import scoring
from accountability.oversight.forms import FIRST_YEAR


class Command(BaseCommand):
    help = "Compute the year-end scores (年终考评) of YEAR: townships and cadres, satisfaction 12%."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the year, e.g. 2016")

    def handle(self, *args, year, **options):
        if not FIRST_YEAR <= year <= periods.today().year:
            raise CommandError(
                f"YEAR must be between {FIRST_YEAR} and this year ({periods.today().year}), got {year}"
            )
        result = scoring.compute_year_end(year)
        self.stdout.write(
            f"{result.year}: {result.townships} townships, {result.cadres} cadres scored; {result.vetoed} vetoed"
        )
