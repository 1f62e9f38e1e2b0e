"""ISO weeks, months and quarters: parsing, formatting and navigation of reporting periods.

A period is identified in URLs as ``2016-W23`` (ISO week), ``2016-12`` (month) or
``2016-Q4`` (quarter). Every period knows its first and last day.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villages.dates import FIRST_YEAR, LAST_YEAR


class PeriodError(ValueError):
    """A period string that does not parse or names no real period."""


def check_year(year):
    """Periods users name lie in the years of ``villages.dates`` (FIRST_YEAR–LAST_YEAR)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(_("年份应在 %(min)s 至 %(max)s 之间。") % {"min": FIRST_YEAR, "max": LAST_YEAR})


def today():
    """Today in the project's time zone (Asia/Shanghai). Tests patch this one function."""
    return timezone.localdate()


def week_start(day):
    """The Monday of the ISO week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")

    @classmethod
    def parse(cls, text):
        match = cls.PATTERN.match(text or "")
        if not match:
            raise PeriodError(_("周的格式应为 YYYY-Www，例如 2016-W23。"))
        year, number = int(match[1]), int(match[2])
        try:
            dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            raise PeriodError(
                _("%(year)s年没有第%(number)s周。") % {"year": year, "number": number}
            ) from None
        check_year(year)
        return cls(year, number)

    @classmethod
    def of(cls, day):
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def start(self):
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self):
        return self.start + dt.timedelta(days=6)

    def shift(self, weeks):
        return Week.of(self.start + dt.timedelta(weeks=weeks))

    def __str__(self):
        return f"{self.year}-W{self.number:02d}"

    @property
    def label(self):
        return _("%(year)s年第%(number)s周") % {"year": self.year, "number": self.number}


@dataclass(frozen=True, order=True)
class Month:
    year: int
    number: int

    PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")

    @classmethod
    def parse(cls, text):
        match = cls.PATTERN.match(text or "")
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise PeriodError(_("月份的格式应为 YYYY-MM，例如 2016-12。"))
        check_year(int(match[1]))
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day):
        return cls(day.year, day.month)

    @property
    def start(self):
        return dt.date(self.year, self.number, 1)

    @property
    def end(self):
        return self.shift(1).start - dt.timedelta(days=1)

    def shift(self, months):
        index = self.year * 12 + self.number - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self):
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self):
        return _("%(year)s年%(number)s月") % {"year": self.year, "number": self.number}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")

    @classmethod
    def parse(cls, text):
        match = cls.PATTERN.match(text or "")
        if not match or int(match[1]) < 1:
            raise PeriodError(_("季度的格式应为 YYYY-Qn，例如 2016-Q4。"))
        check_year(int(match[1]))
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self):
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):
        return self.shift(1).start - dt.timedelta(days=1)

    def shift(self, quarters):
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self):
        return f"{self.year}-Q{self.number}"

    @property
    def label(self):
        return _("%(year)s年第%(number)s季度") % {"year": self.year, "number": self.number}


@dataclass(frozen=True, order=True)
class Year:
    year: int

    PATTERN = re.compile(r"^(\d{4})$")

    @classmethod
    def parse(cls, text):
        match = cls.PATTERN.match(text or "")
        if not match:
            raise PeriodError(_("年度的格式应为 YYYY，例如 2016。"))
        check_year(int(match[1]))
        return cls(int(match[1]))

    @classmethod
    def of(cls, day):
        return cls(day.year)

    @property
    def number(self):
        return 1

    @property
    def start(self):
        return dt.date(self.year, 1, 1)

    @property
    def end(self):
        return dt.date(self.year, 12, 31)

    def shift(self, years):
        return Year(self.year + years)

    def __str__(self):
        return f"{self.year}"

    @property
    def label(self):
        return _("%(year)s年") % {"year": self.year}
