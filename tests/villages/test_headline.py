"""Poverty incidence and income per head (villages/headline.py) on hand-made data:
households identified mid-year, exits, returns to poverty and their end, missing statistics."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from villages import headline
from villages.models import Household, PovertyReturn, Township, TownshipStatistics, Village
from villages.satisfaction import services as survey_services

D = dt.date


def household(code, village, size, registered_on, exited_on=None):
    """A household, written as every write of households ends (its counts, the ledger)."""
    created = Household.objects.create(
        code=code, village=village, head=f"户主{code}", size=size, assistance="industry",
        registered_on=registered_on, exited_on=exited_on,
    )  # fmt: skip
    survey_services.households_written([created.pk], townships={village.township_id})
    return created


@pytest.fixture
def county(township_a, township_b, village_a, village_b):
    """Township A: 1,000 rural people; B: 500. Households (people):
    A1 (4) poor since 2014, exits 2016-06-30; A2 (3) identified 2016-03-01, still poor;
    A3 (5) exited 2015-10-01, returns 2016-09-01; B1 (2) poor since 2015, never exits;
    B2 (6) exited 2015-05-01 and stays out."""
    household("A1", village_a, 4, D(2014, 5, 1), D(2016, 6, 30))
    household("A2", village_a, 3, D(2016, 3, 1))
    a3 = household("A3", village_a, 5, D(2014, 5, 1), D(2015, 10, 1))
    household("B1", village_b, 2, D(2015, 1, 1))
    household("B2", village_b, 6, D(2014, 1, 1), D(2015, 5, 1))
    PovertyReturn.objects.create(household=a3, returned_on=D(2016, 9, 1), reason="因病返贫")
    survey_services.households_written(townships={township_a.pk}, tallied=False)
    for year in (2015, 2016):
        TownshipStatistics.objects.create(
            township=township_a,
            year=year,
            rural_population=1000,
            income_per_head=Decimal("9000") + year - 2015,
        )
        TownshipStatistics.objects.create(
            township=township_b, year=year, rural_population=500, income_per_head=Decimal("12000")
        )
    return township_a, township_b


def test_incidence_counts_identified_exited_and_returned_households(county):
    a, b = county
    result = headline.headline(D(2016, 12, 31), [a, b])
    # End of 2016: A2 (3, identified mid-year) + A3 (5, returned) poor in A; B1 (2) in B.
    assert result["townships"][a.pk]["poor_people"] == 8
    assert result["townships"][a.pk]["poverty_incidence_percent"] == 0.8
    assert result["townships"][b.pk]["poverty_incidence_percent"] == 0.4
    total = result["total"]
    assert total["poor_people"] == 10
    assert total["rural_population"] == 1500
    assert total["poverty_incidence_percent"] == round(10 * 100 / 1500, 2)
    # End of 2015: A1 (4) poor in A; B1 (2) in B → 6 / 1500 = 0.4 %.
    assert total["previous_poverty_incidence_percent"] == 0.4
    assert total["poverty_incidence_change_points"] == round(10 * 100 / 1500 - 0.4, 2)
    assert total["missing_statistics"] == []
    # 动态调整: 6 poor at the end of 2015 + 3 identified − 4 exited + 5 returned = 10.
    assert (total["identified_people"], total["exited_people"], total["returned_people"]) == (3, 4, 5)


def test_incidence_at_a_date_inside_the_year(county):
    a, b = county
    # 2016-08-01: A1 exited, A2 poor, A3 not yet returned → A: 3 people.
    result = headline.headline(D(2016, 8, 1), [a])
    assert result["townships"][a.pk]["poor_people"] == 3
    # 2016-06-29: A1 still poor (exits on the 30th), A2 poor → 7.
    assert headline.headline(D(2016, 6, 29), [a])["total"]["poor_people"] == 7


def test_a_return_that_ended_no_longer_counts(county):
    a, _ = county
    ret = PovertyReturn.objects.get()
    ret.exited_again_on = D(2016, 11, 30)
    ret.save()
    assert headline.headline(D(2016, 12, 31), [a])["total"]["poor_people"] == 3
    assert headline.headline(D(2016, 11, 29), [a])["total"]["poor_people"] == 8


def test_income_is_weighted_by_rural_population(county):
    a, b = county
    total = headline.headline(D(2016, 12, 31), [a, b])["total"]
    assert total["rural_income_per_head_yuan"] == round((9001 * 1000 + 12000 * 500) / 1500, 2)
    assert total["income_above_line"] is True
    assert headline.headline(D(2016, 12, 31), [a])["total"]["income_above_line"] is False


def test_missing_statistics_give_no_rate_rather_than_a_partial_one(county):
    a, b = county
    TownshipStatistics.objects.filter(township=b, year=2015).delete()
    result = headline.headline(D(2016, 12, 31), [a, b])
    assert result["total"]["poverty_incidence_percent"] is not None  # 2016 is complete
    assert result["total"]["poverty_incidence_change_points"] is None  # 2015 is not
    assert result["total"]["missing_statistics"] == [b.code]
    assert result["townships"][a.pk]["poverty_incidence_change_points"] is not None


def test_incidence_by_year_per_township(county):
    a, b = county
    rows = headline.incidence_by_year([2015, 2016], [a, b])
    assert [r["year"] for r in rows] == [2015, 2016]
    assert rows[0]["townships"] == {a.pk: 0.4, b.pk: 0.4}
    assert rows[1]["townships"] == {a.pk: 0.8, b.pk: 0.4}
    assert rows[1]["total"] == round(1000 / 1500, 2)


def test_the_headline_with_its_history_is_the_headline_and_incidence_by_year(county):
    a, b = county
    ret = PovertyReturn.objects.get()
    ret.exited_again_on = D(2016, 11, 30)
    ret.save()
    for day in (D(2016, 12, 31), D(2016, 10, 31), D(2016, 8, 1)):
        with_history = headline.headline(day, [a, b], history_years=[2014, 2015, 2016])
        history = with_history.pop("history")
        assert with_history == headline.headline(day, [a, b])
        assert history == headline.incidence_by_year([2014, 2015, 2016], [a, b])
    assert "history" not in headline.headline(D(2016, 12, 31), [a, b])


@pytest.mark.parametrize("history_years", [(), (2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016)])
def test_headline_takes_two_queries_whatever_the_number_of_townships_and_years(
    county, django_assert_num_queries, history_years
):
    townships = list(Township.objects.all())
    with django_assert_num_queries(2):
        headline.headline(D(2016, 12, 31), townships, history_years)
    for n in range(5):
        t = Township.objects.create(code=f"T{n}", name=f"乡镇{n}", kind="town")
        Village.objects.create(code=f"V{n}", name=f"村{n}", township=t)
    townships = list(Township.objects.all())
    with django_assert_num_queries(2):
        headline.headline(D(2016, 12, 31), townships, history_years)


class TestPovertyReturnRules:
    def test_only_an_exited_household_can_return(self, county):
        a2 = Household.objects.get(code="A2")
        with pytest.raises(ValidationError) as exc:
            PovertyReturn(household=a2, returned_on=D(2016, 9, 1), reason="x").full_clean()
        assert "household" in exc.value.message_dict

    def test_return_not_before_the_exit(self, county):
        b2 = Household.objects.get(code="B2")
        with pytest.raises(ValidationError) as exc:
            PovertyReturn(household=b2, returned_on=D(2015, 4, 1), reason="x").full_clean()
        assert "returned_on" in exc.value.message_dict

    def test_returns_of_one_household_do_not_overlap(self, county):
        a3 = Household.objects.get(code="A3")
        with pytest.raises(ValidationError):
            PovertyReturn(household=a3, returned_on=D(2016, 10, 1), reason="x").full_clean()

    def test_exit_again_not_before_return(self, county):
        b2 = Household.objects.get(code="B2")
        with pytest.raises(ValidationError) as exc:
            PovertyReturn(
                household=b2, returned_on=D(2016, 2, 1), exited_again_on=D(2016, 1, 1), reason="x"
            ).full_clean()
        assert "exited_again_on" in exc.value.message_dict

    def test_the_exit_date_is_never_edited(self, county):
        a3 = Household.objects.get(code="A3")
        assert a3.exited_on == D(2015, 10, 1)
        assert a3.returns.count() == 1
