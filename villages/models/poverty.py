"""The county's headline (DOMAIN.md "Headline results"): the statistics bureau's yearly
figures per township, and households that fall back into poverty after their exit
(动态调整). Poverty incidence is computed from these and the households in
``villages.headline``; nothing here stores a rate."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages.dates import FIRST_YEAR, LAST_YEAR, validate_year
from villages.models.places import Household, Township


class TownshipStatistics(models.Model):
    """年度统计: one township's rural registered population and rural disposable income per
    head in one year, as published by the statistics bureau (the ``statistics`` sheet)."""

    township = models.ForeignKey(
        Township, on_delete=models.CASCADE, related_name="statistics", verbose_name=_("乡镇")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    rural_population = models.PositiveIntegerField(_("农村户籍人口"), validators=[MinValueValidator(1)])
    income_per_head = models.DecimalField(
        _("农村居民人均可支配收入（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度统计")
        verbose_name_plural = _("年度统计")
        ordering = ["year", "township__code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="statistics_one_per_township_year"),
            models.CheckConstraint(
                condition=Q(rural_population__gte=1), name="statistics_population_positive"
            ),
            models.CheckConstraint(
                condition=Q(income_per_head__isnull=True) | Q(income_per_head__gte=0),
                name="statistics_income_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="statistics_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.year}"


class PovertyReturn(models.Model):
    """返贫: a household that had left poverty is poor again from ``returned_on``, for the
    ``reason`` given, until it exits again (``exited_again_on``). The household's own exit
    date is history and is never edited; this record revokes the exit from a date on."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="returns", verbose_name=_("贫困户")
    )
    returned_on = models.DateField(_("返贫日期"), validators=[validate_year])
    reason = models.CharField(_("返贫原因"), max_length=200)
    exited_again_on = models.DateField(_("再次脱贫日期"), null=True, blank=True, validators=[validate_year])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("返贫记录")
        verbose_name_plural = _("返贫记录")
        ordering = ["-returned_on", "household__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_again_on__isnull=True) | Q(exited_again_on__gte=F("returned_on")),
                name="return_exit_again_not_before_return",
            ),
            # A household has at most one return that has not ended.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(exited_again_on__isnull=True),
                name="return_one_open_per_household",
            ),
        ]
        indexes = [
            # headline: households poor again at a date
            models.Index(fields=["returned_on"], name="return_returned_on_idx"),
        ]

    def __str__(self):
        return f"{self.household} {self.returned_on}"

    def clean(self):
        household = self.household if self.household_id else None
        if household is None or self.returned_on is None:
            return
        if household.exited_on is None:
            raise ValidationError({"household": _("该户尚未脱贫，不能登记返贫。")})
        if self.returned_on < household.exited_on:
            raise ValidationError(
                {"returned_on": _("返贫日期不能早于脱贫日期（%(date)s）。") % {"date": household.exited_on}}
            )
        if self.exited_again_on is not None and self.exited_again_on < self.returned_on:
            raise ValidationError({"exited_again_on": _("再次脱贫日期不能早于返贫日期。")})
        others = PovertyReturn.objects.filter(household=household).exclude(pk=self.pk)
        end = self.exited_again_on
        for other in others:
            other_end = other.exited_again_on
            overlaps = (end is None or other.returned_on <= end) and (
                other_end is None or self.returned_on <= other_end
            )
            if overlaps:
                raise ValidationError(
                    {
                        "returned_on": _("该户在 %(date)s 已有一条返贫记录，时间不能重叠。")
                        % {"date": other.returned_on}
                    }
                )


class PovertyLedger(models.Model):
    """贫困人口进出台账: the people of a township's households registered (识别) and the people
    that left poverty (脱贫) in one month, counting only the households that never had a
    return to poverty (those are read one by one: they are few). Derived — written only by
    ``villages.headline.refresh_ledger``, which every write of households, returns to
    poverty or villages' townships calls (``satisfaction.services.households_written``), and
    ``manage.py rebuild_summaries`` after a change behind the app's back. The headline sums
    these rows instead of reading every household (villages/headline.py)."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    month = models.DateField(_("月份"))  # its first day
    registered_people = models.PositiveIntegerField(_("识别人数"))
    exited_people = models.PositiveIntegerField(_("脱贫人数"))

    class Meta:
        verbose_name = _("贫困人口进出台账")
        verbose_name_plural = _("贫困人口进出台账")
        constraints = [
            # also serves the headline's and the writer's filter by township
            models.UniqueConstraint(fields=["township", "month"], name="povertyledger_unique"),
        ]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}: +{self.registered_people} −{self.exited_people}"
