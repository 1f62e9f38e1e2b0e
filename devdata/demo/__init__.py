"""The demo county (``manage.py demo``): a deterministic, fictional 赤水市 for the year 2016.

``build()`` deletes the county data in dependency order and rebuilds it with a fixed random
seed inside one transaction, so running it twice gives the same rows (same natural keys,
same values). The township names are Chishui's real ones; villages, people, households,
enterprises and every figure below the county totals are invented. The county totals are
the 2016 figures of the case report (DOMAIN.md, ``figures.py``): 2 poverty townships take
off the hat, 16 poverty villages exit, 31,700 people leave poverty, warning talks to 11
unit heads, 45 section-level leaders and 113 ordinary cadres, 16 promotions, 128 "1+X"
projects worth 11.357 million yuan, 130 collective projects covering 51 poverty villages
and 8,684 households, and so on.

One module per layer, one function per kind of row, run in order by ``build.STEPS``:
``places`` (logins, townships, villages, units, cadres, households), ``organization`` (B:
work teams, party and economic organizations, pairing, collective projects, village
finance), ``tasks`` (A: problems, contracts, tasks, weekly reports, week locks),
``oversight`` (A, C4: ratings, inspections, accountability, commendations, exposures,
year-end scores) and ``satisfaction`` (C: survey, outreach, outcomes). Every rule comes from
the product: rows written in bulk are ``full_clean()``-ed first (``county.save``); grades,
inspections, rectification and accountability go through ``accountability.oversight``'s
services; the year-end scores are computed by ``accountability.oversight.scoring``.

The role groups (migration villages/0002_roles) are kept. Demo users are updated in place,
never deleted by a rebuild (``clear(users=True)`` removes them, for tests).
"""

from devdata.demo.build import build, clear, foreign_townships
from devdata.demo.county import DemoError
from devdata.demo.figures import DEMO_LOGINS, PASSWORD, demo_usernames

__all__ = ["DEMO_LOGINS", "PASSWORD", "DemoError", "build", "clear", "demo_usernames", "foreign_townships"]
