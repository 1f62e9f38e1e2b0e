"""The years a date or a year entered by a user may fall in: one range for every form, the
registry import and the models (villages must not import accountability, so it lives here and
accountability uses it). A year-1 or year-9999 date is always a typing mistake, and arithmetic
on it (the week before, the quarter after) overflows Python's dates."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_error():
    return ValidationError(
        _("年份应在 %(min)s 至 %(max)s 之间。"),
        code="year_range",
        params={"min": FIRST_YEAR, "max": LAST_YEAR},
    )


def validate_year(value):
    """A year, or a date whose year, between FIRST_YEAR and LAST_YEAR (None passes)."""
    if value is None:
        return
    year = value if isinstance(value, int) else value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise year_error()
