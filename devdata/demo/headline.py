"""The headline's data (贫困发生率, rural income): households identified during 2016
(动态调整), households back in poverty in 2016 (返贫), and each township's yearly statistics.
The rates are computed from these rows by ``villages/headline.py``, the product's one
definition; nothing here stores a rate."""

import datetime as dt
from decimal import Decimal

from devdata.demo.county import filed_at, money, save
from devdata.demo.figures import (
    IDENTIFIED_HOUSEHOLDS_2016,
    INCOME_PER_HEAD,
    RETURN_REASONS,
    RETURNED_HOUSEHOLDS_2016,
    RURAL_POPULATION,
)
from villages.models import Household, PovertyReturn, TownshipStatistics


def identified_households(county):
    """Households found poor and registered during 2016 in the poverty villages that have
    not exited, still poor at the year's end."""
    rng = county.rng
    villages = [v for v in county.poverty_villages if v.exited_on is None]
    assistance = list(Household.Assistance.values)
    found = []
    for n in range(IDENTIFIED_HOUSEHOLDS_2016):
        village = villages[n % len(villages)]
        number = len(county.village_households[village.code]) + 1
        helpers = county.residents[village.code] + county.staff[county.assist_unit[village.code].name]
        household = Household(
            code=f"{village.code}-{number:04d}",
            village=village,
            head=county.person(),
            size=rng.choices(range(1, 9), [8, 18, 24, 22, 14, 8, 4, 2])[0],
            assistance=rng.choice(assistance),
            registered_on=county.date_between(dt.date(2016, 3, 1), dt.date(2016, 10, 31)),
            income=money(round(rng.uniform(1700, 3000))),
            unit=county.assist_unit[village.code],
            cadre=rng.choice(helpers),
        )
        county.village_households[village.code].append(household)
        found.append(household)
    save(Household, found)
    county.households.extend(found)
    county.count(Household, len(county.households))


def poverty_returns(county):
    """Households that left poverty in 2015 and fell back in 2016, each with its date and
    reason (the household's exit date stays as it was)."""
    rng = county.rng
    exited_2015 = [h for h in county.households if h.exited_on and h.exited_on.year == 2015]
    returned = rng.sample(exited_2015, RETURNED_HOUSEHOLDS_2016)
    recorder = county.users.get("admin")
    save(
        PovertyReturn,
        [
            PovertyReturn(
                household=household,
                returned_on=day,
                reason=rng.choice(RETURN_REASONS),
                recorded_by=recorder,
                recorded_at=filed_at(day),  # four days later, in the evening
            )
            for household, day in sorted(
                ((h, county.date_between(dt.date(2016, 3, 1), dt.date(2016, 11, 30))) for h in returned),
                key=lambda pair: pair[0].code,
            )
        ],
    )
    county.count(PovertyReturn, RETURNED_HOUSEHOLDS_2016)


def township_statistics(county):
    """The statistics bureau's rural registered population and income per head of every
    township, for 2015 and 2016."""
    rows = []
    for township in county.townships:
        for index, year in enumerate((2015, 2016)):
            rows.append(
                TownshipStatistics(
                    township=township,
                    year=year,
                    rural_population=RURAL_POPULATION[township.code][index],
                    income_per_head=Decimal(INCOME_PER_HEAD[township.code][index]),
                )
            )
    save(TownshipStatistics, rows)
