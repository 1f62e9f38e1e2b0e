"""The weekly dashboard's long lists (未填报, 逾期) at county level read only what their first
rows need (a province has 76,500 tasks): what they show is exactly the first rows of the
whole list, with the summary tables or without, whatever the cut."""

import pytest

from accountability.dashboards import selectors, summaries
from accountability.periods import Week
from devdata import synthetic
from villages.scope import Scope


@pytest.mark.django_db
@pytest.mark.parametrize("with_summaries", [False, True], ids=["live", "summary-tables"])
def test_the_cut_lists_are_the_first_rows_of_the_whole_lists(with_summaries):
    synthetic.build("small")
    if with_summaries:
        summaries.rebuild()
    for week in (Week(2016, 23), Week(2016, 40)):
        whole = selectors.weekly_dashboard(Scope(), week, limit=None)
        # longer than some cuts, over more than one township
        assert len({row["township"] for row in whole["not_reported"]}) > 1 and whole["overdue"]
        assert len(whole["not_reported"]) == whole["summary"]["not_reported"]
        assert len(whole["overdue"]) == whole["summary"]["overdue"]
        for limit in (1, 2, 3, 100):
            cut = selectors.weekly_dashboard(Scope(), week, limit=limit)
            assert cut["not_reported"] == whole["not_reported"][:limit], (week, limit)
            assert cut["overdue"] == whole["overdue"][:limit], (week, limit)
            assert cut["summary"] == whole["summary"]
